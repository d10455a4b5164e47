package aws

import (
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/stacks"
)

// RoleScript creates the environment's database on a shared instance
// (from the template PRENV_GOLDEN_TEMPLATE, when set), then creates or
// updates the environment's role as the superuser and lets it use the
// database: CREATE on schema public too, which PostgreSQL 15 no longer
// grants to everyone. On a dedicated clone the role reads and writes every
// table; on a shared instance only its own database's, which no other
// role may connect to. The passwords are alphanumeric.
const RoleScript = `set -eu
admin="${PRENV_MAINTENANCE_URL:-$PRENV_DATABASE_URL}"
until pg_isready -q -d "$admin"; do sleep 2; done
shared=false
if [ -n "${PRENV_GOLDEN_TEMPLATE:-}" ]; then
  shared=true
  psql "$PRENV_MAINTENANCE_URL" -v ON_ERROR_STOP=1 -v role="$PGUSER" -v db="$PGDATABASE" -v golden="$PRENV_GOLDEN_TEMPLATE" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('CREATE DATABASE %I TEMPLATE %I', :'db', :'golden') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
fi
psql "$PRENV_DATABASE_URL" -v ON_ERROR_STOP=1 -v role="$PGUSER" -v password="$PGPASSWORD" -v db="$PGDATABASE" -v shared="$shared" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" LOGIN PASSWORD :'password';
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
GRANT USAGE, CREATE ON SCHEMA public TO :"role";
\if :shared
GRANT ALL ON ALL TABLES IN SCHEMA public TO :"role";
GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO :"role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO :"role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO :"role";
\else
GRANT pg_read_all_data, pg_write_all_data TO :"role";
\endif
SQL
`

// AnnotationReplaceUnready makes pulumi-kubernetes replace a Job that has
// not completed, so rerunning the same commit retries a failed Job.
const AnnotationReplaceUnready = "pulumi.com/replaceUnready"

// anonymizeJob prepares the database for the services: the role (and on
// a shared instance the database), then the PR's migrations, then prenv
// anonymize on what they touched, as init containers and container.
// pulumi-kubernetes waits for a Job to complete, so the Deployments that
// depend on it start only afterwards.
func (e *envBuild) anonymizeJob(db database, deps []pulumi.Resource) (pulumi.Resource, error) {
	fromSecret := func(name, secret, key string) corev1.EnvVarArgs {
		return corev1.EnvVarArgs{Name: pulumi.String(name), ValueFrom: corev1.EnvVarSourceArgs{
			SecretKeyRef: corev1.SecretKeySelectorArgs{Name: pulumi.String(secret), Key: pulumi.String(key)},
		}}
	}
	setup := e.setupSecret()
	roleEnv := corev1.EnvVarArray{
		fromSecret("PRENV_DATABASE_URL", setup, "PRENV_DATABASE_URL"),
		fromSecret("PGPASSWORD", DatabaseSecret, "PGPASSWORD"),
	}
	if e.bp.Database.Source == SharedInstance {
		roleEnv = append(roleEnv,
			fromSecret("PRENV_MAINTENANCE_URL", setup, "PRENV_MAINTENANCE_URL"),
			corev1.EnvVarArgs{Name: pulumi.String("PRENV_GOLDEN_TEMPLATE"), Value: pulumi.String(e.bp.Database.Golden)})
	}
	roleEnv = append(roleEnv, db.env...)
	small := corev1.ResourceRequirementsArgs{
		Requests: pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("128Mi")},
		Limits:   pulumi.StringMap{"cpu": pulumi.String("1"), "memory": pulumi.String("1Gi")},
	}
	role := corev1.ContainerArgs{
		Name: pulumi.String("role"), Image: pulumi.String(e.bp.AWS.PostgresImage),
		Command: pulumi.ToStringArray([]string{"sh", "-c", RoleScript}), Env: roleEnv, Resources: small,
	}
	containers := corev1.ContainerArray{role}
	var init corev1.ContainerArray
	if d := e.bp.Database; len(d.Anonymize.Rules) > 0 || d.Migrations != "" || d.Migrate != "" {
		// The role first, then the migrations, then the anonymisation.
		init = corev1.ContainerArray{role}
		adminURL := fromSecret("PRENV_DATABASE_URL", setup, "PRENV_DATABASE_URL")
		image := pulumi.String(e.bp.AWS.AnonymizerImage + ":" + e.env.SHA)
		if d.Migrate != "" { // the blueprint's own command, in the image's checkout
			init = append(init, corev1.ContainerArgs{
				Name: pulumi.String("migrate"), Image: image,
				Command: pulumi.ToStringArray([]string{"sh", "-c", d.Migrate}),
				Env:     corev1.EnvVarArray{fromSecret("DATABASE_URL", setup, "PRENV_DATABASE_URL")}, Resources: small,
			})
		}
		env := corev1.EnvVarArray{adminURL}
		if e.t.Salt != "" {
			env = append(env, fromSecret(e.saltEnv(), setup, e.saltEnv()))
		}
		containers = corev1.ContainerArray{corev1.ContainerArgs{
			Name: pulumi.String("anonymize"), Image: image,
			Args: pulumi.ToStringArray(e.anonymizeArgs()), Env: env, Resources: small,
		}}
	}
	meta := e.meta(AnonymizeJob)
	meta.Annotations = pulumi.StringMap{AnnotationReplaceUnready: pulumi.String("true")}
	return batchv1.NewJob(e.ctx, AnonymizeJob, &batchv1.JobArgs{
		Metadata: meta,
		Spec: batchv1.JobSpecArgs{
			BackoffLimit: pulumi.Int(2),
			Template: corev1.PodTemplateSpecArgs{
				// No sidecar: an injected proxy would keep the Job from completing.
				Metadata: metav1.ObjectMetaArgs{Labels: pulumi.StringMap{"app": pulumi.String(AnonymizeJob), "sidecar.istio.io/inject": pulumi.String("false")}},
				Spec: corev1.PodSpecArgs{
					RestartPolicy:                pulumi.String("Never"),
					AutomountServiceAccountToken: pulumi.Bool(false),
					InitContainers:               init,
					Containers:                   containers,
				},
			},
		},
	}, e.k8s(pulumi.DependsOn(deps), pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "30m", Update: "30m"}))...)
}

// anonymizeArgs is prenv anonymize's command line in the Job: the
// built-in migrations first when the blueprint has them, then the PR's
// migrations scope when the base commit is known, else every ruled table
// (and always after the blueprint's own migrate command, whose tables
// prenv cannot tell).
func (e *envBuild) anonymizeArgs() []string {
	args := []string{"anonymize", "--blueprint", "prenv.yaml"}
	d := e.bp.Database
	if d.Migrations != "" && d.Migrate == "" {
		args = append(args, "--migrate")
	}
	if d.Anonymize.Scope == "migrations" && d.Migrate == "" && e.t.BaseSHA != "" && e.env.Name != stacks.BaselineName {
		return append(args, "--scope", "migrations", "--base", e.t.BaseSHA, "--head", e.env.SHA)
	}
	return append(args, "--scope", "all")
}
