package local

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prenv/prenv/internal/router"
	"github.com/prenv/prenv/internal/stub"
	"github.com/prenv/prenv/stacks"
)

// command is what starts service s: its run command, or for a stub this
// prenv serving the stub's mappings (on the PORT every service gets).
func (t Target) command(bp *stacks.Blueprint, s stacks.Service) string {
	if !s.IsStub() {
		return s.Run
	}
	return shellQuote(t.Binary) + " stub serve --mappings " + shellQuote(bp.Resolve(s.Stub.Mappings))
}

// shellQuote quotes s for /bin/sh as one word.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// stubRevisions loads every stub's mappings, refusing one prenv cannot
// serve before anything starts, and fingerprints each, so a stub restarts
// when its mappings change.
func stubRevisions(bp *stacks.Blueprint) (map[string]string, error) {
	revs := map[string]string{}
	var errs []error
	for i, s := range bp.Services {
		if !s.IsStub() {
			continue
		}
		set, err := stub.Load(bp.Resolve(s.Stub.Mappings))
		if err != nil {
			errs = append(errs, fmt.Errorf("services[%d].stub.mappings of %s:\n%w", i, s.Name, err))
			continue
		}
		revs[s.Name] = set.Revision()
	}
	return revs, stacks.Input(errors.Join(errs...))
}

// UnmatchedStubRequests implements stacks.StubCounter: each stub env's
// route reaches, asked directly at its address.
func (t Target) UnmatchedStubRequests(ctx context.Context, bp *stacks.Blueprint, env stacks.Env) (map[string]int64, error) {
	route, ok, err := router.Load(t.RoutesDir, env.Name)
	if err != nil || !ok {
		return nil, err
	}
	client := &http.Client{Timeout: 5 * time.Second}
	counts := map[string]int64{}
	var errs []error
	for _, s := range bp.Services {
		svc, runs := route.Services[s.Name]
		if !s.IsStub() || !runs {
			continue
		}
		u, err := stub.FetchUnmatched(ctx, client, svc.URL)
		if err != nil {
			errs = append(errs, fmt.Errorf("stub %s of %s: %w", s.Name, env.Name, err))
			continue
		}
		counts[s.Name] = u.Count
	}
	return counts, errors.Join(errs...)
}
