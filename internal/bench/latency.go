package main

import (
	"math"
	"slices"
	"time"
)

// round is one tick of an interleaved load: the latency of the same
// request sent to each target in turn, indexed like the targets.
type round []time.Duration

// latencies returns target i's latency in every round.
func latencies(rounds []round, i int) []time.Duration {
	out := make([]time.Duration, len(rounds))
	for k, r := range rounds {
		out[k] = r[i]
	}
	return out
}

// added returns, per round, target i's latency minus target base's: what
// going through i adds to the same request sent at the same moment. Its
// percentiles are the added latency's; a difference of two percentiles is
// not.
func added(rounds []round, i, base int) []time.Duration {
	out := make([]time.Duration, len(rounds))
	for k, r := range rounds {
		out[k] = r[i] - r[base]
	}
	return out
}

// percentile returns the nearest-rank p-th percentile of ds (0 for none).
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
