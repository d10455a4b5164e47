package terraform

import (
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
)

func TestStaleReason(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	o := automation.Options{MaxJobTime: 6 * time.Hour}
	here := func(age time.Duration) automation.LockHolder {
		return automation.LockHolder{User: "ci", Host: "runner-1", Since: now.Add(-age)}
	}
	elsewhere := func(age time.Duration) automation.LockHolder {
		return automation.LockHolder{User: "ci", Host: "runner-2", Since: now.Add(-age)}
	}
	tests := []struct {
		name string
		h    automation.LockHolder
		r    run
		o    automation.Options
		want string // a part of the reason; "" for a lock that may be live
	}{
		{"its run here is gone", here(time.Minute), run{here: true}, o, "its process is gone"},
		{"its run here is alive", here(time.Minute), run{here: true, pid: 42}, o, ""},
		{"an unmarked terraform runs here", here(time.Minute), run{here: true, unmarked: true}, o, ""},
		{"alive here past the job time", here(7 * time.Hour), run{here: true, pid: 42}, o, "maximum job time"},
		{"young elsewhere", elsewhere(time.Minute), run{}, o, ""},
		{"old elsewhere", elsewhere(7 * time.Hour), run{}, o, "maximum job time"},
		{"elsewhere, its run ended", elsewhere(time.Minute), run{}, automation.Options{MaxJobTime: 6 * time.Hour, FinishedHost: "runner-2"}, "whose run has ended"},
		{"unreadable, young", automation.LockHolder{Unreadable: true, Since: now.Add(-time.Minute)}, run{}, o, ""},
		{"unreadable, old", automation.LockHolder{Unreadable: true, Since: now.Add(-7 * time.Hour)}, run{}, o, "no lock record"},
	}
	for _, tt := range tests {
		got := staleReason(tt.h, tt.r, now, tt.o)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: staleReason = %q, want %q", tt.name, got, tt.want)
		}
	}
}
