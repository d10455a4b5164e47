package stacks

import (
	"strings"
	"testing"
)

func TestFinOpsRates(t *testing.T) {
	t.Parallel()
	bp, err := Parse("prenv.yaml", []byte(`project: shop
target: none
finops:
  currency: EUR
  rates:
    environment-hour: 0.02
    vcpu-hour: 0.04
    gib-hour: 5e-3
    database-hour:
      db.t4g.micro: 0.016
      db.t4g.small: 0
`))
	if err != nil {
		t.Fatal(err)
	}
	r := bp.FinOps.Rates
	if bp.FinOps.Currency != "EUR" || r.EnvironmentHour != 0.02 || r.VCPUHour != 0.04 || r.GiBHour != 0.005 ||
		r.DatabaseHour["db.t4g.micro"] != 0.016 || len(r.DatabaseHour) != 2 || r.IsZero() {
		t.Errorf("finops = %+v", bp.FinOps)
	}
	if none, _ := Parse("prenv.yaml", []byte("project: shop\ntarget: none\n")); !none.FinOps.Rates.IsZero() {
		t.Errorf("a blueprint without finops has rates %+v", none.FinOps.Rates)
	}
}

func TestFinOpsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"negative", "finops:\n  rates:\n    vcpu-hour: -0.5\n", "prenv.yaml:5: finops.rates.vcpu-hour: -0.5 is negative; a rate is a price per hour, 0 or more"},
		{"negative class", "finops:\n  rates:\n    database-hour:\n      db.t3.micro: -1\n", "prenv.yaml:6: finops.rates.database-hour.db.t3.micro: -1 is negative"},
		{"not a number", "finops:\n  rates:\n    gib-hour: cheap\n", `prenv.yaml:5: finops.rates.gib-hour: must be a number such as 0.05, got "cheap"`},
		{"quoted number", "finops:\n  rates:\n    gib-hour: \"0.1\"\n", `prenv.yaml:5: finops.rates.gib-hour: must be a number such as 0.05, got "0.1"`},
		{"infinite", "finops:\n  rates:\n    environment-hour: .inf\n", `finops.rates.environment-hour: must be a number such as 0.05, got ".inf"`},
		{"unknown rate", "finops:\n  rates:\n    cpu-hour: 1\n", "prenv.yaml:5: finops.rates.cpu-hour: unknown field; allowed here: environment-hour, vcpu-hour, gib-hour, database-hour"},
		{"unknown key", "finops:\n  rate: {}\n", "prenv.yaml:4: finops.rate: unknown field; allowed here: currency, rates"},
		{"class list", "finops:\n  rates:\n    database-hour: [db.t3.micro]\n", "prenv.yaml:5: finops.rates.database-hour: must be a mapping of names to values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("prenv.yaml", []byte("project: shop\ntarget: none\n"+tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant it to contain %s", err, tt.want)
			}
		})
	}
}
