package aws

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// pgData is where the golden EBS snapshot holds its PostgreSQL data
// directory: a subdirectory, since a volume's root has lost+found.
const pgData = "/var/lib/postgresql/data/pgdata"

// ResetScript sets the clone's superuser password in single-user mode,
// before the server starts. fsGroup makes the kubelet give the volume's
// group write access (PGDATA ends up 2770), and PostgreSQL refuses a data
// directory anyone but its owner can enter, so it restores 0700 first, as
// the image's entrypoint does for the server. The password is
// alphanumeric. It comes from a setup Secret, which prenv deletes once up
// has succeeded: a pod that starts later, on a volume whose password is
// already set, finds none and keeps it.
const ResetScript = `set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "no PostgreSQL data directory at $PGDATA: the golden EBS snapshot must hold one there" >&2
  exit 1
fi
chmod 0700 "$PGDATA"
if [ -n "${PGADMINPASSWORD:-}" ]; then
  echo "ALTER ROLE \"$PGADMIN\" PASSWORD '$PGADMINPASSWORD';" | postgres --single -D "$PGDATA" postgres
else
  echo "no setup Secret: keeping the superuser's password this volume already has"
fi
`

// goldenKey names the objects bound to one golden snapshot. A
// VolumeSnapshotContent's snapshotHandle, a VolumeSnapshot's source and a
// PVC's dataSource cannot change, so a rotated golden gets new objects
// (created before the old ones go) instead of an update the API refuses.
func goldenKey(snapshot string) string {
	sum := sha256.Sum256([]byte(snapshot))
	return hex.EncodeToString(sum[:4])
}

// ebsDatabase binds the golden EBS snapshot to a VolumeSnapshotContent
// (kept when the environment goes: it is the golden), takes a
// VolumeSnapshot of it in the namespace, restores a PVC from that, and runs
// PostgreSQL on the PVC as a one-replica StatefulSet. The superuser's new
// password reaches the pod through the admin Secret.
func (e *envBuild) ebsDatabase(admin pulumi.StringOutput) (clone, error) {
	a := e.bp.AWS
	key := goldenKey(e.bp.Database.Golden)
	contentName := e.env.RDSIdentifier + "-golden-" + key
	snapshotName, claimName := "golden-"+key, "postgres-"+key
	content, err := apiextensions.NewCustomResource(e.ctx, "golden-content", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("snapshot.storage.k8s.io/v1"),
		Kind:       pulumi.String("VolumeSnapshotContent"),
		Metadata:   metav1.ObjectMetaArgs{Name: pulumi.String(contentName), Labels: labels(e.bp, e.env)},
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"deletionPolicy":          "Retain",
			"driver":                  "ebs.csi.aws.com",
			"volumeSnapshotClassName": a.SnapshotClass,
			"source":                  map[string]any{"snapshotHandle": e.bp.Database.Golden},
			"volumeSnapshotRef":       map[string]any{"name": snapshotName, "namespace": e.ns},
		}},
	}, e.k8s()...)
	if err != nil {
		return clone{}, err
	}
	snapshot, err := apiextensions.NewCustomResource(e.ctx, "golden", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("snapshot.storage.k8s.io/v1"),
		Kind:       pulumi.String("VolumeSnapshot"),
		Metadata:   e.meta(snapshotName),
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"volumeSnapshotClassName": a.SnapshotClass,
			"source":                  map[string]any{"volumeSnapshotContentName": contentName},
		}},
	}, e.k8s(pulumi.DependsOn([]pulumi.Resource{content}))...)
	if err != nil {
		return clone{}, err
	}
	pvcMeta := e.meta(claimName)
	// Bound only once the StatefulSet's pod is scheduled: do not wait for it.
	pvcMeta.Annotations = pulumi.StringMap{"pulumi.com/skipAwait": pulumi.String("true")}
	pvc, err := corev1.NewPersistentVolumeClaim(e.ctx, "postgres", &corev1.PersistentVolumeClaimArgs{
		Metadata: pvcMeta,
		Spec: corev1.PersistentVolumeClaimSpecArgs{
			AccessModes:      pulumi.ToStringArray([]string{"ReadWriteOnce"}),
			StorageClassName: pulumi.String(a.StorageClass),
			Resources:        corev1.VolumeResourceRequirementsArgs{Requests: pulumi.StringMap{"storage": pulumi.String(a.VolumeSize)}},
			DataSource: corev1.TypedLocalObjectReferenceArgs{
				ApiGroup: pulumi.String("snapshot.storage.k8s.io"), Kind: pulumi.String("VolumeSnapshot"), Name: pulumi.String(snapshotName),
			},
		},
	}, e.k8s(pulumi.DependsOn([]pulumi.Resource{snapshot}))...)
	if err != nil {
		return clone{}, err
	}
	app := pulumi.StringMap{"app": pulumi.String("postgres")}
	adminName := e.adminSecret()
	env := corev1.EnvVarArray{
		corev1.EnvVarArgs{Name: pulumi.String("PGDATA"), Value: pulumi.String(pgData)},
		corev1.EnvVarArgs{Name: pulumi.String("PGADMIN"), Value: pulumi.String(a.MasterUsername)},
		corev1.EnvVarArgs{Name: pulumi.String("PGADMINPASSWORD"), ValueFrom: corev1.EnvVarSourceArgs{
			SecretKeyRef: corev1.SecretKeySelectorArgs{Name: pulumi.String(adminName), Key: pulumi.String("PGADMINPASSWORD"), Optional: pulumi.Bool(true)},
		}},
	}
	adminSecret, err := e.newSetupSecret("database-admin", adminName, pulumi.StringMap{"PGADMINPASSWORD": pulumi.ToSecret(admin).(pulumi.StringOutput)})
	if err != nil {
		return clone{}, err
	}
	mounts := corev1.VolumeMountArray{corev1.VolumeMountArgs{Name: pulumi.String("data"), MountPath: pulumi.String("/var/lib/postgresql/data")}}
	postgresUID := 999 // the official image's postgres user; postgres refuses to run as root
	sts, err := appsv1.NewStatefulSet(e.ctx, "postgres", &appsv1.StatefulSetArgs{
		Metadata: e.meta("postgres", app),
		Spec: appsv1.StatefulSetSpecArgs{
			ServiceName: pulumi.String("postgres"),
			Replicas:    pulumi.Int(1),
			Selector:    metav1.LabelSelectorArgs{MatchLabels: app},
			Template: corev1.PodTemplateSpecArgs{
				Metadata: metav1.ObjectMetaArgs{Labels: app},
				Spec: corev1.PodSpecArgs{
					SecurityContext: corev1.PodSecurityContextArgs{
						RunAsUser: pulumi.Int(postgresUID), FsGroup: pulumi.Int(postgresUID),
						// The snapshot's files are the postgres user's already: no recursive chown of the volume at every start.
						FsGroupChangePolicy: pulumi.String("OnRootMismatch"),
					},
					InitContainers: corev1.ContainerArray{corev1.ContainerArgs{
						Name: pulumi.String("reset-password"), Image: pulumi.String(a.PostgresImage),
						Command: pulumi.ToStringArray([]string{"sh", "-c", ResetScript}), Env: env, VolumeMounts: mounts,
					}},
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name: pulumi.String("postgres"), Image: pulumi.String(a.PostgresImage),
						Env:            env[:1],
						Ports:          corev1.ContainerPortArray{corev1.ContainerPortArgs{Name: pulumi.String("postgres"), ContainerPort: pulumi.Int(5432)}},
						VolumeMounts:   mounts,
						ReadinessProbe: corev1.ProbeArgs{Exec: corev1.ExecActionArgs{Command: pulumi.ToStringArray([]string{"pg_isready", "-U", a.MasterUsername})}, PeriodSeconds: pulumi.Int(5)},
						Resources: corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String(ebsPostgresCPU), "memory": pulumi.String(ebsPostgresMemory)},
							Limits:   pulumi.StringMap{"cpu": pulumi.String("1"), "memory": pulumi.String("2Gi")},
						},
					}},
					Volumes: corev1.VolumeArray{corev1.VolumeArgs{
						Name: pulumi.String("data"), PersistentVolumeClaim: corev1.PersistentVolumeClaimVolumeSourceArgs{ClaimName: pulumi.String(claimName)},
					}},
				},
			},
		},
	}, e.k8s(pulumi.DependsOn([]pulumi.Resource{pvc, adminSecret}))...)
	if err != nil {
		return clone{}, err
	}
	svc, err := corev1.NewService(e.ctx, "postgres", &corev1.ServiceArgs{
		Metadata: e.meta("postgres", app),
		Spec: corev1.ServiceSpecArgs{
			Selector: app,
			Ports:    corev1.ServicePortArray{corev1.ServicePortArgs{Name: pulumi.String("postgres"), Port: pulumi.Int(5432)}},
		},
	}, e.k8s()...)
	if err != nil {
		return clone{}, err
	}
	return clone{endpoint: pulumi.String("postgres." + e.ns + ".svc.cluster.local").ToStringOutput(), deps: []pulumi.Resource{sts, svc}}, nil
}
