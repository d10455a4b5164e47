package comment

import (
	"testing"
	"time"
)

func TestAge(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		40 * time.Second:             "40s",
		5 * time.Minute:              "5m",
		5*time.Hour + 12*time.Minute: "5h12m",
		76 * time.Hour:               "3d4h",
	} {
		if got := Age(d); got != want {
			t.Errorf("Age(%s) = %q, want %q", d, got, want)
		}
	}
}
