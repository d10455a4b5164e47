package terraform

import (
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
)

func TestApplyOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    automation.Options
		want string
	}{
		{"default", automation.Options{}, "0ms"},
		{"wait", automation.Options{WaitForLock: 90 * time.Second}, "90000ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := lockTimeout(tt.o); got != tt.want {
				t.Errorf("lockTimeout = %q, want %q", got, tt.want)
			}
			if got := len(applyOptions("vars.json", tt.o)); got != 3 {
				t.Errorf("applyOptions has %d options, want 3", got)
			}
		})
	}
	if got := len(applyOptions("vars.json", automation.Options{ExtendTo: time.Now()})); got != 5 {
		t.Errorf("applyOptions with Extend has %d options, want 5 (no refresh, one target)", got)
	}
}
