package cli

import (
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
)

func TestStatus(t *testing.T) {
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
			t.Errorf("%s: status = %q, want %q", tt.name, got, tt.want)
		}
	}
}
