package aws

import (
	"fmt"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Sources are the aws target's database sources; SharedInstance creates
// each environment's database from a template on one long-lived instance.
var Sources = []string{"rds-snapshot", "aurora-clone", "ebs-snapshot", SharedInstance}

// SharedInstance is the fast source: CREATE DATABASE ... TEMPLATE on
// aws.shared-instance, in seconds, where a restore takes minutes.
const SharedInstance = "shared-instance"

// Names of the database's Secret and Job in an environment's namespace.
// Services read DatabaseSecret (their own role); the setup Secrets
// (setup_secrets.go) are gone once up has succeeded.
const (
	DatabaseSecret = "database"
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

// sharedInstance is the long-lived instance the Job creates the
// environment's database on; nothing AWS is created per environment.
func (e *envBuild) sharedInstance() (clone, error) {
	if e.bp.AWS.SharedInstance == "" {
		return clone{}, fmt.Errorf("database.source %s needs aws.shared-instance: the host of the instance that holds the template %s", SharedInstance, e.bp.Database.Golden)
	}
	return clone{endpoint: pulumi.String(e.bp.AWS.SharedInstance).ToStringOutput()}, nil
}

// clone is one source's database before its role and anonymisation.
type clone struct {
	endpoint pulumi.StringOutput
	deps     []pulumi.Resource
}

// database creates the environment's database from the blueprint's source,
// its role's and its superuser's passwords and Secrets, and the Job that
// creates the role, migrates and anonymises the clone.
func (e *envBuild) database() (database, error) {
	role, err := random.NewRandomPassword(e.ctx, "database", &random.RandomPasswordArgs{Length: pulumi.Int(32), Special: pulumi.Bool(false)})
	if err != nil {
		return database{}, err
	}
	var admin pulumi.StringOutput // the clone's superuser password, or the shared instance's
	if e.bp.Database.Source == SharedInstance {
		admin = pulumi.ToSecret(pulumi.String(e.t.SharedInstancePassword)).(pulumi.StringOutput)
	} else {
		made, err := random.NewRandomPassword(e.ctx, "database-admin", &random.RandomPasswordArgs{Length: pulumi.Int(32), Special: pulumi.Bool(false)})
		if err != nil {
			return database{}, err
		}
		admin = made.Result
	}
	var c clone
	switch src := e.bp.Database.Source; src {
	case "rds-snapshot":
		c, err = e.rdsInstance(admin)
	case "aurora-clone":
		c, err = e.auroraClone(admin)
	case "ebs-snapshot":
		c, err = e.ebsDatabase(admin)
	case SharedInstance:
		c, err = e.sharedInstance()
	default:
		err = fmt.Errorf("database.source %q has no aws counterpart: use %s", src, strings.Join(Sources, ", "))
	}
	if err != nil {
		return database{}, err
	}
	url := func(user string, password pulumi.StringOutput, db string) pulumi.StringOutput {
		return pulumi.Sprintf("postgres://%s:%s@%s:5432/%s?sslmode=prefer", user, password, c.endpoint, db)
	}
	dbSecret, err := corev1.NewSecret(e.ctx, DatabaseSecret, &corev1.SecretArgs{
		Metadata: e.meta(DatabaseSecret),
		StringData: pulumi.StringMap{
			"DATABASE_URL": pulumi.ToSecret(url(e.env.Role, role.Result, e.databaseName())).(pulumi.StringOutput),
			"PGPASSWORD":   pulumi.ToSecret(role.Result).(pulumi.StringOutput),
		},
	}, e.k8s()...)
	if err != nil {
		return database{}, err
	}
	setupData := pulumi.StringMap{
		"PRENV_DATABASE_URL": pulumi.ToSecret(url(e.bp.AWS.MasterUsername, admin, e.databaseName())).(pulumi.StringOutput),
	}
	if e.bp.Database.Source == SharedInstance {
		setupData["PRENV_MAINTENANCE_URL"] = pulumi.ToSecret(url(e.bp.AWS.MasterUsername, admin, "postgres")).(pulumi.StringOutput)
	}
	if e.t.Salt != "" {
		setupData[e.saltEnv()] = pulumi.ToSecret(pulumi.String(e.t.Salt)).(pulumi.StringOutput)
	}
	setupSecret, err := e.newSetupSecret("database-setup", e.setupSecret(), setupData)
	if err != nil {
		return database{}, err
	}
	db := database{endpoint: c.endpoint, env: corev1.EnvVarArray{
		corev1.EnvVarArgs{Name: pulumi.String("PGHOST"), Value: c.endpoint},
		corev1.EnvVarArgs{Name: pulumi.String("PGDATABASE"), Value: pulumi.String(e.databaseName())},
		corev1.EnvVarArgs{Name: pulumi.String("PGUSER"), Value: pulumi.String(e.env.Role)},
	}}
	job, err := e.anonymizeJob(db, append(c.deps, dbSecret, setupSecret))
	if err != nil {
		return database{}, err
	}
	db.ready = []pulumi.Resource{job}
	return db, nil
}

// databaseName is the database the services use: the golden's
// aws.database-name inside a clone, the environment's own on a shared
// instance.
func (e *envBuild) databaseName() string {
	if e.bp.Database.Source == SharedInstance {
		return e.env.Database
	}
	return e.bp.AWS.DatabaseName
}

func (e *envBuild) saltEnv() string { return e.bp.Database.Anonymize.SaltVariable() }
