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

// StubHealth is where a stub service answers when it is ready.
const StubHealth = "/__admin/health"

func (bp *Blueprint) applyDefaults() {
	setDefault(&bp.Engine, DefaultEngine)
	setDefault(&bp.Target, DefaultTarget)
	setDefault(&bp.TTLFrom, DefaultTTLFrom)
	setDefault(&bp.SecretsProvider, SecretsPassphrase)
	setDefault(&bp.Access.Mode, AccessPublic)
	if bp.Access.Protected() && len(bp.Access.GatewaySelector) == 0 {
		bp.Access.GatewaySelector = map[string]string{"istio": "ingressgateway"}
	}
	if bp.TTL.Duration == 0 {
		bp.TTL.Duration = DefaultTTL
	}
	if bp.Policy.MaxTTL.Duration == 0 {
		bp.Policy.MaxTTL.Duration = DefaultMaxTTL
	}
	for i := range bp.Services {
		if bp.Services[i].IsStub() {
			setDefault(&bp.Services[i].Health, StubHealth)
		}
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

// DefaultInstanceClasses are the RDS instance classes the aws target's
// policy allows when the blueprint names none (rds-snapshot); the first is
// the default class.
var DefaultInstanceClasses = []string{"db.t4g.micro", "db.t4g.small", "db.t3.micro", "db.t3.small"}

// DefaultAuroraInstanceClasses are aurora-clone's: aurora-postgresql
// offers no micro or small class, so RDS's defaults would be refused by
// AWS (InvalidParameterCombination).
var DefaultAuroraInstanceClasses = []string{"db.t4g.medium", "db.t3.medium"}

// DefaultSharedInstancePasswordEnv is the variable that holds the shared
// instance's superuser password when aws.shared-instance-password-env
// names none.
const DefaultSharedInstancePasswordEnv = "PRENV_SHARED_INSTANCE_PASSWORD"

// defaultClasses are the instance classes allowed by default for source.
func defaultClasses(source string) []string {
	if source == "aurora-clone" {
		return DefaultAuroraInstanceClasses
	}
	return DefaultInstanceClasses
}

// DatabaseInstanceClass is the instance class of each environment's
// database: aws.instance-class, else the source's smallest class. It is
// resolved here rather than when loading, so a source set afterwards
// (prenv render --database-source) gets its own default.
func (bp *Blueprint) DatabaseInstanceClass() string {
	if bp.AWS.InstanceClass != "" {
		return bp.AWS.InstanceClass
	}
	return defaultClasses(bp.Database.Source)[0]
}

// AllowedInstanceClasses is the policy's allow-list: the blueprint's, else
// the source's defaults.
func (bp *Blueprint) AllowedInstanceClasses() []string {
	if bp.AWS.AllowedInstanceClasses != nil {
		return bp.AWS.AllowedInstanceClasses
	}
	return append([]string(nil), defaultClasses(bp.Database.Source)...)
}

func (a *AWS) applyDefaults() {
	setDefault(&a.BaselineNamespace, BaselineName)
	setDefault(&a.SharedInstancePassEnv, DefaultSharedInstancePasswordEnv)
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
