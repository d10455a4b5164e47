package stats_test

import (
	"testing"
	"time"

	"github.com/prenv/prenv/internal/events"
	"github.com/prenv/prenv/internal/stats"
)

// TestPercentilesNearestRank: the p-th of n sorted values is the
// ceil(p/100*n)-th.
func TestPercentilesNearestRank(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		minutes       []int
		p50, p95, max float64 // minutes
	}{
		{"one", []int{7}, 7, 7, 7},
		{"two", []int{9, 3}, 3, 9, 9},
		{"four", []int{4, 1, 3, 2}, 2, 4, 4},
		{"twenty", []int{20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 10, 19, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var evs []events.Event
			for i, m := range tt.minutes {
				start := since.Add(time.Duration(i) * time.Hour)
				evs = append(evs, ev("pr-1", events.KindUp, events.ResultOK, start, start.Add(time.Duration(m)*time.Minute)))
			}
			got := stats.Compute(evs, stats.Options{Project: "shop", Since: since, Now: now}).Provisioning.Update
			want := stats.Percentiles{Count: len(tt.minutes), P50: tt.p50 * 60, P95: tt.p95 * 60, Max: tt.max * 60}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestComputeNothing(t *testing.T) {
	t.Parallel()
	r := stats.Compute(nil, stats.Options{Project: "shop", Since: since, Now: now})
	if r.Ups.SuccessRate != nil || r.Teardowns.SuccessRate != nil || r.Environments != (stats.Environments{}) || r.Cost.Rated ||
		len(r.Days) != 3 || len(r.Overruns) != 0 || len(r.Notes) != 1 {
		t.Errorf("report of no events = %+v", r)
	}
}
