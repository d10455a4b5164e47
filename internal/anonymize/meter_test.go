package anonymize

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestMeterProfilesPhasesInOrder(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	m := newMeter("users", 10, &out)
	start := time.Now()
	for _, name := range []string{"copy", "rebuild indexes", "analyze"} {
		m.phase(name)
	}
	r := m.done(TableReport{Table: "users", Method: "rewrite", Rows: 10}, start)
	var names []string
	var sum time.Duration
	for _, p := range r.Phases {
		names = append(names, p.Name)
		sum += p.Duration
	}
	if got, want := strings.Join(names, ","), "copy,rebuild indexes,analyze"; got != want {
		t.Errorf("phases %s, want %s", got, want)
	}
	if sum > r.Duration {
		t.Errorf("the phases add up to %v, more than the table's %v", sum, r.Duration)
	}
	if !strings.Contains(out.String(), "(copy ") || !strings.Contains(out.String(), ", analyze ") {
		t.Errorf("the report line lacks the profile: %q", out.String())
	}
}
