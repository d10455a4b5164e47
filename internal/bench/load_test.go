package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func answering(t *testing.T, body string) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, body) }))
	t.Cleanup(s.Close)
	return s.URL
}

// TestGetRefusesAnotherAnswer: a proxy that answers 200 on its own (Caddy
// does, for a host no site names) must not pass for one that proxied.
func TestGetRefusesAnotherAnswer(t *testing.T) {
	t.Parallel()
	if err := (target{url: answering(t, backendBody), body: backendBody}).get(); err != nil {
		t.Errorf("the upstream's answer: %v", err)
	}
	err := (target{url: answering(t, ""), body: backendBody}).get()
	if err == nil || !strings.Contains(err.Error(), `not the upstream's "ok"`) {
		t.Errorf("an empty 200: got %v, want an error naming the upstream's answer", err)
	}
}

// TestInterleavedRounds sends every round to each target and keeps only
// rounds whose requests all succeeded.
func TestInterleavedRounds(t *testing.T) {
	t.Parallel()
	good := []target{{name: "a", url: answering(t, backendBody), body: backendBody}, {name: "b", url: answering(t, backendBody), body: backendBody}}
	rounds, failed := interleaved(good, 200, 100*time.Millisecond)
	if len(rounds) == 0 || failed != 0 {
		t.Fatalf("%d rounds, %d failed; want some, none failed", len(rounds), failed)
	}
	for _, r := range rounds {
		if len(r) != 2 || r[0] <= 0 || r[1] <= 0 {
			t.Fatalf("round %v: want a latency for each target", r)
		}
	}
	bad := append(good[:1:1], target{name: "wrong", url: answering(t, "no"), body: backendBody})
	rounds, failed = interleaved(bad, 200, 100*time.Millisecond)
	if len(rounds) != 0 || failed == 0 {
		t.Errorf("with a target answering wrongly: %d rounds kept, %d failed; want none kept", len(rounds), failed)
	}
}
