package automation_test

import (
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
)

func TestStackInfoState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		st   automation.StackInfo
		want string
	}{
		{"updating", automation.StackInfo{Running: true, ResourceCount: 3}, "updating"},
		{"empty", automation.StackInfo{}, "empty"},
		{"expired", automation.StackInfo{ResourceCount: 3, ExpiresAt: now.Add(-time.Minute)}, "expired"},
		{"up", automation.StackInfo{ResourceCount: 3, ExpiresAt: now.Add(time.Hour)}, "up"},
		{"up without a known expiry", automation.StackInfo{ResourceCount: 3}, "up"},
	}
	for _, tt := range tests {
		if got := tt.st.State(now); got != tt.want {
			t.Errorf("%s: State = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestResultSummary(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		changes map[string]int
		want    string
	}{
		{nil, "no changes"},
		{map[string]int{"same": 4, "read": 1}, "no changes"},
		{map[string]int{"update": 1, "create": 2, "same": 3}, "2 create, 1 update"},
	} {
		if got := (automation.Result{Changes: tt.changes}).Summary(); got != tt.want {
			t.Errorf("Summary of %v = %q, want %q", tt.changes, got, tt.want)
		}
	}
}
