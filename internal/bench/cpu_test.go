package main

import (
	"os"
	"testing"
	"time"
)

func TestParseCPUTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, stat string
		want       time.Duration
		wantOK     bool
	}{
		{"plain", "42 (caddy) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 10 0", 3 * time.Second, true},
		{"a name with spaces and parentheses", "7 (prenv (x) y) R 1 7 7 0 -1 0 0 0 0 0 3 2 0 0", 50 * time.Millisecond, true},
		{"cut short", "7 (prenv) R 1 7", 0, false},
		{"not a stat line", "nothing", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := parseCPUTime(tt.stat)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseCPUTime(%q) = %v, %v; want %v, %v", tt.stat, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestCPUTimeOfThisProcess(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this system: the bench prints no CPU figures here")
	}
	if _, ok := cpuTime(os.Getpid()); !ok {
		t.Error("cpuTime of this process: not read from /proc")
	}
}
