package aws

import (
	"context"
	"fmt"
	"time"

	"github.com/prenv/prenv/stacks"
)

// OrphanFinder finds and deletes one project's orphaned namespaces, in
// the form the reaper takes. A namespace holds a whole environment, so
// each is marked for deletion on request only.
type OrphanFinder struct {
	Namespaces NamespaceClient
	Project    string
}

// Orphans lists the namespaces prenv made for the project's PR
// environments that are not in live, the names of the project's stacks.
func (f OrphanFinder) Orphans(ctx context.Context, live []string) ([]stacks.Orphan, error) {
	now := time.Now()
	found, err := Orphans(ctx, f.Namespaces, f.Project, live, now)
	if err != nil {
		return nil, fmt.Errorf("look for orphaned namespaces: %w", err)
	}
	out := make([]stacks.Orphan, 0, len(found))
	for _, o := range found {
		out = append(out, stacks.Orphan{
			Kind: "namespace", Name: o.Namespace, Env: o.Env, ID: o.UID,
			Created: now.Add(-o.Age), Terminating: o.Terminating, OnRequest: true,
		})
	}
	return out, nil
}

// Sweep deletes the orphans' namespaces, each only if it is still the
// namespace that was listed (its UID).
func (f OrphanFinder) Sweep(ctx context.Context, orphans []stacks.Orphan) error {
	own := make([]Orphan, 0, len(orphans))
	for _, o := range orphans {
		own = append(own, Orphan{Namespace: o.Name, Env: o.Env, UID: o.ID, Terminating: o.Terminating})
	}
	return DeleteOrphans(ctx, f.Namespaces, own)
}
