package stacks

// FinOps prices the project's environments for prenv stats.
type FinOps struct {
	Currency string `yaml:"currency" doc:"Currency the rates are in, shown beside every amount, e.g. USD. Default none."`
	Rates    Rates  `yaml:"rates" doc:"What one hour of an environment costs, by what it runs. prenv stats multiplies each environment's hours by the sum of the rates that apply to it; a rate left out counts as 0."`
}

// Rates are hourly prices, each applied to what an environment ran (its
// Footprint) for every hour it was up.
type Rates struct {
	EnvironmentHour float64            `yaml:"environment-hour" doc:"Price of one hour of any environment, whatever it runs: on the local target the machine's share, on aws fixed costs such as a load balancer's share."`
	VCPUHour        float64            `yaml:"vcpu-hour" doc:"Price of one vCPU of container CPU requests for one hour (aws target), e.g. 0.04048."`
	GiBHour         float64            `yaml:"gib-hour" doc:"Price of one GiB of container memory requests for one hour (aws target), e.g. 0.004445."`
	DatabaseHour    map[string]float64 `yaml:"database-hour" doc:"Price of one hour of a database, by instance class (aws rds-snapshot and aurora-clone), e.g. db.t4g.micro: 0.016."`
}

// IsZero reports whether no rate is set, so there is no cost to compute.
func (r Rates) IsZero() bool {
	if r.EnvironmentHour != 0 || r.VCPUHour != 0 || r.GiBHour != 0 {
		return false
	}
	for _, v := range r.DatabaseHour {
		if v != 0 {
			return false
		}
	}
	return true
}

// Footprint is what one environment runs, in the units Rates price:
// recorded with each up, so that later rates apply to what ran then.
type Footprint struct {
	// DatabaseClass is the instance class of its own database server
	// (aws rds-snapshot, aurora-clone); "" when it has none.
	DatabaseClass string `json:"database_class,omitempty"`
	// VCPU and MemoryGiB are the CPU and memory its long-running
	// containers request, one replica each.
	VCPU      float64 `json:"vcpu,omitempty"`
	MemoryGiB float64 `json:"memory_gib,omitempty"`
}

// Sizer is a Target that can tell what an environment runs, for its
// cost. A target without one runs nothing Rates price by size (the local
// target's environments cost environment-hour alone).
type Sizer interface {
	Footprint(bp *Blueprint, env Env) (Footprint, error)
}
