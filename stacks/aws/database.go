package aws

import (
	"fmt"

	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/stacks"
)

// Names of the database's Secrets and Job in an environment's namespace.
// Services read DatabaseSecret (their own role); only the Job reads
// AdminSecret (the clone's superuser and the anonymisation salt).
const (
	DatabaseSecret = "database"
	AdminSecret    = "database-admin"
	AnonymizeJob   = "anonymize"
)

// database is what the services need of the environment's database.
type database struct {
	endpoint pulumi.StringOutput // host name
	// env is the connection's public part: PGHOST, PGDATABASE, PGUSER.
	env corev1.EnvVarArray
	// ready is what a service must wait for: the anonymisation Job.
	ready []pulumi.Resource
}

// clone is one source's database before its role and anonymisation.
type clone struct {
	endpoint pulumi.StringOutput
	deps     []pulumi.Resource
}

// database creates the environment's database from the blueprint's source,
// its role's and its superuser's passwords and Secrets, and the Job that
// creates the role and anonymises the clone.
func (e *envBuild) database() (database, error) {
	role, err := random.NewRandomPassword(e.ctx, "database", &random.RandomPasswordArgs{Length: pulumi.Int(32), Special: pulumi.Bool(false)})
	if err != nil {
		return database{}, err
	}
	admin, err := random.NewRandomPassword(e.ctx, "database-admin", &random.RandomPasswordArgs{Length: pulumi.Int(32), Special: pulumi.Bool(false)})
	if err != nil {
		return database{}, err
	}
	var c clone
	switch src := e.bp.Database.Source; src {
	case "rds-snapshot":
		c, err = e.rdsInstance(admin.Result)
	case "aurora-clone":
		c, err = e.auroraClone(admin.Result)
	case "ebs-snapshot":
		c, err = e.ebsDatabase()
	default:
		err = fmt.Errorf("database.source %q has no aws counterpart: use rds-snapshot, aurora-clone or ebs-snapshot", src)
	}
	if err != nil {
		return database{}, err
	}
	url := func(user string, password pulumi.StringOutput) pulumi.StringOutput {
		return pulumi.Sprintf("postgres://%s:%s@%s:5432/%s?sslmode=prefer", user, password, c.endpoint, e.bp.AWS.DatabaseName)
	}
	dbSecret, err := corev1.NewSecret(e.ctx, DatabaseSecret, &corev1.SecretArgs{
		Metadata: e.meta(DatabaseSecret),
		StringData: pulumi.StringMap{
			"DATABASE_URL": pulumi.ToSecret(url(e.env.Role, role.Result)).(pulumi.StringOutput),
			"PGPASSWORD":   pulumi.ToSecret(role.Result).(pulumi.StringOutput),
		},
	}, e.k8s()...)
	if err != nil {
		return database{}, err
	}
	adminData := pulumi.StringMap{
		"PRENV_DATABASE_URL": pulumi.ToSecret(url(e.bp.AWS.MasterUsername, admin.Result)).(pulumi.StringOutput),
		"PGADMINPASSWORD":    pulumi.ToSecret(admin.Result).(pulumi.StringOutput),
	}
	if e.t.Salt != "" {
		adminData[e.saltEnv()] = pulumi.ToSecret(pulumi.String(e.t.Salt)).(pulumi.StringOutput)
	}
	adminSecret, err := corev1.NewSecret(e.ctx, AdminSecret, &corev1.SecretArgs{
		Metadata:   e.meta(AdminSecret),
		StringData: adminData,
	}, e.k8s()...)
	if err != nil {
		return database{}, err
	}
	db := database{endpoint: c.endpoint, env: corev1.EnvVarArray{
		corev1.EnvVarArgs{Name: pulumi.String("PGHOST"), Value: c.endpoint},
		corev1.EnvVarArgs{Name: pulumi.String("PGDATABASE"), Value: pulumi.String(e.bp.AWS.DatabaseName)},
		corev1.EnvVarArgs{Name: pulumi.String("PGUSER"), Value: pulumi.String(e.env.Role)},
	}}
	job, err := e.anonymizeJob(db, append(c.deps, dbSecret, adminSecret))
	if err != nil {
		return database{}, err
	}
	db.ready = []pulumi.Resource{job}
	return db, nil
}

func (e *envBuild) saltEnv() string { return e.bp.Database.Anonymize.SaltVariable() }

// roleScript creates or updates the environment's role, as the clone's
// superuser, and lets it use the database. The passwords are alphanumeric.
const roleScript = `set -eu
until pg_isready -q -d "$PRENV_DATABASE_URL"; do sleep 2; done
psql "$PRENV_DATABASE_URL" -v ON_ERROR_STOP=1 -v role="$PGUSER" -v password="$PGPASSWORD" -v db="$PGDATABASE" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" LOGIN PASSWORD :'password';
GRANT ALL PRIVILEGES ON DATABASE :"db" TO :"role";
GRANT pg_read_all_data, pg_write_all_data TO :"role";
SQL
`

// anonymizeJob creates the role, then runs prenv anonymize on the clone
// with the PR's migrations scope. pulumi-kubernetes waits for a Job to
// complete, so the Deployments that depend on it start only afterwards.
func (e *envBuild) anonymizeJob(db database, deps []pulumi.Resource) (pulumi.Resource, error) {
	fromSecret := func(name, secret, key string) corev1.EnvVarArgs {
		return corev1.EnvVarArgs{Name: pulumi.String(name), ValueFrom: corev1.EnvVarSourceArgs{
			SecretKeyRef: corev1.SecretKeySelectorArgs{Name: pulumi.String(secret), Key: pulumi.String(key)},
		}}
	}
	roleEnv := append(corev1.EnvVarArray{
		fromSecret("PRENV_DATABASE_URL", AdminSecret, "PRENV_DATABASE_URL"),
		fromSecret("PGPASSWORD", DatabaseSecret, "PGPASSWORD"),
	}, db.env...)
	small := corev1.ResourceRequirementsArgs{
		Requests: pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("128Mi")},
		Limits:   pulumi.StringMap{"cpu": pulumi.String("1"), "memory": pulumi.String("1Gi")},
	}
	role := corev1.ContainerArgs{
		Name: pulumi.String("role"), Image: pulumi.String(e.bp.AWS.PostgresImage),
		Command: pulumi.ToStringArray([]string{"sh", "-c", roleScript}), Env: roleEnv, Resources: small,
	}
	containers := corev1.ContainerArray{role}
	var init corev1.ContainerArray
	if len(e.bp.Database.Anonymize.Rules) > 0 {
		// The role first, then the anonymisation, as init container and container.
		init = corev1.ContainerArray{role}
		env := corev1.EnvVarArray{fromSecret("PRENV_DATABASE_URL", AdminSecret, "PRENV_DATABASE_URL")}
		if e.t.Salt != "" {
			env = append(env, fromSecret(e.saltEnv(), AdminSecret, e.saltEnv()))
		}
		containers = corev1.ContainerArray{corev1.ContainerArgs{
			Name: pulumi.String("anonymize"), Image: pulumi.String(e.bp.AWS.AnonymizerImage + ":" + e.env.SHA),
			Args: pulumi.ToStringArray(e.anonymizeArgs()), Env: env, Resources: small,
		}}
	}
	return batchv1.NewJob(e.ctx, AnonymizeJob, &batchv1.JobArgs{
		Metadata: e.meta(AnonymizeJob),
		Spec: batchv1.JobSpecArgs{
			BackoffLimit: pulumi.Int(2),
			Template: corev1.PodTemplateSpecArgs{
				// No sidecar: an injected proxy would keep the Job from completing.
				Metadata: metav1.ObjectMetaArgs{Labels: pulumi.StringMap{"app": pulumi.String(AnonymizeJob), "sidecar.istio.io/inject": pulumi.String("false")}},
				Spec: corev1.PodSpecArgs{
					RestartPolicy:  pulumi.String("Never"),
					InitContainers: init,
					Containers:     containers,
				},
			},
		},
	}, e.k8s(pulumi.DependsOn(deps), pulumi.Timeouts(&pulumi.CustomTimeouts{Create: "30m", Update: "30m"}))...)
}

// anonymizeArgs is prenv anonymize's command line in the Job: the PR's
// migrations scope when the base commit is known, else every ruled table.
func (e *envBuild) anonymizeArgs() []string {
	args := []string{"anonymize", "--blueprint", "prenv.yaml"}
	if e.bp.Database.Anonymize.Scope == "migrations" && e.t.BaseSHA != "" && e.env.Name != stacks.BaselineName {
		return append(args, "--scope", "migrations", "--base", e.t.BaseSHA, "--head", e.env.SHA)
	}
	return append(args, "--scope", "all")
}
