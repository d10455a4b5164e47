package pulumi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/state"
)

func TestCandidates(t *testing.T) {
	t.Parallel()
	taken := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	lock := automation.LockHolder{User: "runner", Host: "fv-az1", PID: 900, Since: taken}
	run := func(id int64) automation.RunInfo { return automation.RunInfo{Repo: "acme/shop", RunID: id, Attempt: 1} }
	runs := []state.RunRecord{
		{Key: "later", User: "runner", Host: "fv-az1", Started: taken.Add(-time.Second), Run: run(2)},
		{Key: "holder", User: "runner", Host: "fv-az1", Started: taken.Add(-time.Minute), Run: run(1)},
		{Key: "after the lock", User: "runner", Host: "fv-az1", Started: taken.Add(time.Second), Run: run(3)},
		{Key: "other host", User: "runner", Host: "fv-az2", Started: taken.Add(-time.Minute), Run: run(4)},
		{Key: "other user", User: "alice", Host: "fv-az1", Started: taken.Add(-time.Minute), Run: run(5)},
		{Key: "too old", User: "runner", Host: "fv-az1", Started: taken.Add(-7 * time.Hour), Run: run(6)},
	}
	var keys []string
	for _, r := range candidates(lock, runs, 6*time.Hour) {
		keys = append(keys, r.Key)
	}
	if got := strings.Join(keys, ","); got != "holder,later" {
		t.Errorf("candidates = %s, want holder,later (oldest first; on the lock's host, by its user, before it and within the job time)", got)
	}
	if c := candidates(automation.LockHolder{Unreadable: true, Host: "fv-az1", Since: taken}, runs, 6*time.Hour); len(c) != 0 {
		t.Errorf("an unreadable lock has candidates %+v", c)
	}
}

func TestRunJudge(t *testing.T) {
	t.Parallel()
	taken := time.Now().Add(-time.Minute)
	lock := automation.LockHolder{User: "runner", Host: "fv-az1", PID: 900, Since: taken}
	cancelled := automation.RunInfo{Repo: "acme/shop", RunID: 123, Attempt: 1, Job: "up"}
	running := automation.RunInfo{Repo: "acme/shop", RunID: 124, Attempt: 1, Job: "up"}
	record := func(r automation.RunInfo) state.RunRecord {
		return state.RunRecord{User: "runner", Host: "fv-az1", Started: taken.Add(-time.Second), Run: r}
	}
	var asked []automation.RunInfo
	github := func(_ context.Context, r automation.RunInfo) (bool, error) {
		asked = append(asked, r)
		switch r.RunID {
		case 123:
			return true, nil
		case 124:
			return false, nil
		}
		return false, errors.New("GitHub answered 503")
	}
	tests := []struct {
		name    string
		lock    automation.LockHolder
		runs    []state.RunRecord
		check   automation.RunChecker
		want    string
		asks    int
		unknown bool // the progress says GitHub could not answer
	}{
		{"cancelled run", lock, []state.RunRecord{record(cancelled)}, github, "run 123 attempt 1 of acme/shop is completed", 1, false},
		{"run in progress", lock, []state.RunRecord{record(running)}, github, "", 1, false},
		{"a completed and a running candidate", lock, []state.RunRecord{record(cancelled), record(running)}, github, "", 2, false},
		{"GitHub cannot answer", lock, []state.RunRecord{record(automation.RunInfo{Repo: "acme/shop", RunID: 999, Attempt: 1})}, github, "", 1, true},
		{"no token to ask with", lock, []state.RunRecord{record(cancelled)}, nil, "", 0, false},
		{"a run outside Actions", lock, []state.RunRecord{record(automation.RunInfo{})}, github, "", 0, false},
		{"no record", lock, nil, github, "", 0, false},
		{"a lock of this host", automation.LockHolder{User: "runner", Host: "me", PID: 900, Since: taken},
			[]state.RunRecord{{User: "runner", Host: "me", Started: taken.Add(-time.Second), Run: cancelled}}, github, "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked = nil
			var progress strings.Builder
			j := newRunJudge(automation.Options{RunStatus: tt.check, Progress: &progress})
			got := j.ended(t.Context(), "pr-5", tt.lock, tt.runs, "me", 6*time.Hour)
			if got != tt.want || len(asked) != tt.asks {
				t.Errorf("ended = %q after %d questions, want %q after %d", got, len(asked), tt.want, tt.asks)
			}
			if said := strings.Contains(progress.String(), "the lock is kept"); said != tt.unknown {
				t.Errorf("progress %q; want GitHub's silence reported: %v", progress.String(), tt.unknown)
			}
			if tt.unknown {
				j.ended(t.Context(), "pr-5", tt.lock, tt.runs, "me", 6*time.Hour)
				if n := strings.Count(progress.String(), "\n"); n != 1 {
					t.Errorf("asking twice reported GitHub's silence %d times, want once:\n%s", n, progress.String())
				}
			}
		})
	}
}
