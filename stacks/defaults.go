package stacks

import "time"

// Defaults a blueprint gets for the fields it leaves out.
const (
	DefaultEngine  = "pulumi"
	DefaultTarget  = "local"
	DefaultTTL     = 72 * time.Hour
	DefaultMaxTTL  = 7 * 24 * time.Hour
	DefaultHealth  = "/healthz"
	DefaultHeader  = "x-prenv-route"
	DefaultTTLFrom = "creation"
)

func (bp *Blueprint) applyDefaults() {
	setDefault(&bp.Engine, DefaultEngine)
	setDefault(&bp.Target, DefaultTarget)
	setDefault(&bp.TTLFrom, DefaultTTLFrom)
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
	setDefault(&bp.Database.Engine, "postgres")
	setDefault(&bp.Database.Source, "template")
	setDefault(&bp.Database.Anonymize.Scope, "migrations")
	setDefault(&bp.Routing.Mode, "isolated")
	setDefault(&bp.Routing.Header, DefaultHeader)
	if bp.Target == "local" {
		setDefault(&bp.DNS.Domain, "localhost")
	}
}

func setDefault(field *string, value string) {
	if *field == "" {
		*field = value
	}
}
