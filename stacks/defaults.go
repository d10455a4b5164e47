package stacks

import "time"

// Defaults a blueprint gets for the fields it leaves out.
const (
	DefaultEngine  = EnginePulumi
	DefaultTarget  = TargetLocal
	DefaultTTL     = 72 * time.Hour
	DefaultMaxTTL  = 7 * 24 * time.Hour
	DefaultHealth  = "/healthz"
	DefaultHeader  = "x-prenv-route"
	DefaultTTLFrom = TTLFromCreation
	DefaultClone   = CloneAuto
	// DefaultThinSharedBuffers and DefaultThinMaxConnections size each
	// environment's PostgreSQL under clone: thin.
	DefaultThinSharedBuffers  = "16MB"
	DefaultThinMaxConnections = 40
)

func (bp *Blueprint) applyDefaults() {
	setDefault(&bp.Engine, DefaultEngine)
	setDefault(&bp.Target, DefaultTarget)
	setDefault(&bp.TTLFrom, DefaultTTLFrom)
	setDefault(&bp.SecretsProvider, SecretsPassphrase)
	if bp.TTL.Duration == 0 {
		bp.TTL.Duration = DefaultTTL
	}
	if bp.Policy.MaxTTL.Duration == 0 {
		bp.Policy.MaxTTL.Duration = DefaultMaxTTL
	}
	for i := range bp.Services {
		setDefault(&bp.Services[i].Health, DefaultHealth)
	}
	if len(bp.Services) == 1 {
		bp.Services[0].Entry = true
	}
	if bp.HasDatabase() { // a stateless application's database section stays empty
		setDefault(&bp.Database.Engine, "postgres")
		setDefault(&bp.Database.Source, "template")
		setDefault(&bp.Database.Anonymize.Scope, "migrations")
	}
	if bp.HasDatabase() && bp.Target == TargetLocal {
		setDefault(&bp.Database.Clone, DefaultClone)
		setDefault(&bp.Database.Thin.SharedBuffers, DefaultThinSharedBuffers)
		if bp.Database.Thin.MaxConnections == 0 {
			bp.Database.Thin.MaxConnections = DefaultThinMaxConnections
		}
	}
	setDefault(&bp.Routing.Mode, RoutingIsolated)
	setDefault(&bp.Routing.Header, DefaultHeader)
	if bp.Target == TargetLocal {
		setDefault(&bp.DNS.Domain, "localhost")
	}
	if bp.Target == TargetAWS {
		bp.AWS.applyDefaults()
	}
}

// DefaultInstanceClasses are the database instance classes the aws
// target's policy allows when the blueprint names none.
var DefaultInstanceClasses = []string{"db.t4g.micro", "db.t4g.small", "db.t3.micro", "db.t3.small"}

func (a *AWS) applyDefaults() {
	setDefault(&a.BaselineNamespace, BaselineName)
	setDefault(&a.InstanceClass, DefaultInstanceClasses[0])
	if a.AllowedInstanceClasses == nil {
		a.AllowedInstanceClasses = append([]string(nil), DefaultInstanceClasses...)
	}
	setDefault(&a.MasterUsername, "postgres")
	setDefault(&a.DatabaseName, "postgres")
	setDefault(&a.PostgresImage, "postgres:15")
	setDefault(&a.SnapshotClass, "ebs-csi")
	setDefault(&a.StorageClass, "gp3")
	setDefault(&a.VolumeSize, "20Gi")
	setDefault(&a.Prometheus, "http://prometheus.istio-system:9090")
	setDefault(&a.Requests.CPU, "100m")
	setDefault(&a.Requests.Memory, "128Mi")
	setDefault(&a.Limits.CPU, "500m")
	setDefault(&a.Limits.Memory, "512Mi")
}

func setDefault[T ~string](field *T, value T) {
	if *field == "" {
		*field = value
	}
}

// DefaultSaltEnv is the variable the anonymisation salt is read from when
// database.anonymize.salt-env names none.
const DefaultSaltEnv = "PRENV_ANONYMIZE_SALT"

// SaltVariable is the variable that holds the anonymisation salt.
func (a Anonymize) SaltVariable() string {
	if a.SaltEnv != "" {
		return a.SaltEnv
	}
	return DefaultSaltEnv
}
