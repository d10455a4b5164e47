package main

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(100-i) * time.Millisecond // unsorted on purpose
	}
	tests := []struct {
		name string
		ds   []time.Duration
		p    float64
		want time.Duration
	}{
		{"none", nil, 99, 0},
		{"one", []time.Duration{7}, 99, 7},
		{"median of a hundred", hundred, 50, 50 * time.Millisecond},
		{"p99 of a hundred", hundred, 99, 99 * time.Millisecond},
		{"p100 is the largest", hundred, 100, 100 * time.Millisecond},
		{"p0 is the smallest", hundred, 0, time.Millisecond},
		{"p99 of ten is the largest", hundred[:10], 99, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := percentile(tt.ds, tt.p); got != tt.want {
				t.Errorf("percentile(%d values, %v) = %v, want %v", len(tt.ds), tt.p, got, tt.want)
			}
		})
	}
}

// TestAddedIsPerPair holds the method the issue asked for: the added
// latency is taken per pair, so a slow moment that hits both the direct
// and the routed request of a round adds nothing, where subtracting the
// two p99s would report a difference that no request saw.
func TestAddedIsPerPair(t *testing.T) {
	t.Parallel()
	const direct, routed = 0, 1
	var rounds []round
	for i := range 100 {
		base := time.Millisecond
		if i >= 95 { // a stall both requests of the round wait through
			base = 20 * time.Millisecond
		}
		rounds = append(rounds, round{direct: base, routed: base + 100*time.Microsecond})
	}
	rounds[10][routed] = rounds[10][direct] - 50*time.Microsecond // the routed one won this once

	got := added(rounds, routed, direct)
	if p50 := percentile(got, 50); p50 != 100*time.Microsecond {
		t.Errorf("added p50 = %v, want 100µs", p50)
	}
	if p99 := percentile(got, 99); p99 != 100*time.Microsecond {
		t.Errorf("added p99 = %v, want 100µs (the stall is in both requests)", p99)
	}
	if p0 := percentile(got, 0); p0 != -50*time.Microsecond {
		t.Errorf("added min = %v, want -50µs", p0)
	}
	if d, r := latencies(rounds, direct), latencies(rounds, routed); len(d) != 100 || r[99] != 20*time.Millisecond+100*time.Microsecond {
		t.Errorf("latencies: %d direct, routed[99] = %v", len(d), r[99])
	}
}
