package local

import (
	"context"
	"reflect"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
)

// updatable are the Database inputs a change to which restarts a thin
// clone's PostgreSQL, keeping its data; any other change makes a new
// database.
var updatable = map[string]bool{"sharedBuffers": true, "maxConnections": true}

// Diff implements infer.CustomDiff. A replacement deletes the old
// database first: the new one has the same name (and, thin, directory),
// which creating it first would take over, and deleting the old one after
// would remove.
func (*Database) Diff(_ context.Context, req infer.DiffRequest[DatabaseArgs, DatabaseState]) (infer.DiffResponse, error) {
	diff := map[string]p.PropertyDiff{}
	for name, kind := range databaseChanges(req.State.DatabaseArgs, req.Inputs) {
		diff[name] = p.PropertyDiff{Kind: kind, InputDiff: true}
	}
	// A thin clone whose PostgreSQL refresh found stopped: up starts it.
	if req.State.thin() && !req.State.Golden && req.State.PID == 0 {
		diff["pid"] = p.PropertyDiff{Kind: p.Update}
	}
	return infer.DiffResponse{HasChanges: len(diff) > 0, DetailedDiff: diff, DeleteBeforeReplace: true}, nil
}

// databaseChanges names each input that differs between old and new, by
// its property name, with whether it updates or replaces.
func databaseChanges(old, new DatabaseArgs) map[string]p.DiffKind {
	changes := map[string]p.DiffKind{}
	ov, nv := reflect.ValueOf(old), reflect.ValueOf(new)
	for i := range ov.NumField() {
		if reflect.DeepEqual(ov.Field(i).Interface(), nv.Field(i).Interface()) {
			continue
		}
		name, _, _ := strings.Cut(ov.Type().Field(i).Tag.Get("pulumi"), ",")
		changes[name] = p.UpdateReplace
		if updatable[name] {
			changes[name] = p.Update
		}
	}
	return changes
}

// Update implements infer.CustomUpdate, which Diff asks for only when a
// thin clone's sizes change or its PostgreSQL was found stopped: it
// (re)starts with them, on its port, with its data.
func (*Database) Update(ctx context.Context, req infer.UpdateRequest[DatabaseArgs, DatabaseState]) (infer.UpdateResponse[DatabaseState], error) {
	state := req.State
	state.DatabaseArgs = req.Inputs
	if req.DryRun || !state.thin() || state.Golden {
		return infer.UpdateResponse[DatabaseState]{Output: state}, nil
	}
	pid, err := restartThin(ctx, state.DatabaseArgs)
	state.PID = pid
	return infer.UpdateResponse[DatabaseState]{Output: state}, err
}
