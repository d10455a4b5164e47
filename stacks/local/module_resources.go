package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/prenv/prenv/internal/atomicfile"
	"github.com/prenv/prenv/stacks"
)

// modules/local's provisioners run the local target's resources through
// the hidden `prenv local` commands, the spec as one JSON argument (no
// shell between). Each keeps
// what it made in the spec's state file, where the matching delete finds
// it and later commands read it (a service its DATABASE_URL, the route
// its services' addresses).

// databaseSpec is a Database's spec from modules/local.
type databaseSpec struct {
	State              string `json:"state"`
	Name               string `json:"name"`
	Role               string `json:"role"`
	Template           string `json:"template"`
	ObjectsOwner       string `json:"objects_owner"`
	Golden             bool   `json:"golden"`
	Source             string `json:"source"`
	Migrations         string `json:"migrations"`
	MigrationsRevision string `json:"migrations_revision"`
	Anonymize          string `json:"anonymize"`
	// Set only under database.clone: thin, so a template clone's spec,
	// and so its trigger, stays as it was.
	Clone          string `json:"clone,omitempty"`
	ClusterDir     string `json:"cluster_dir,omitempty"`
	GoldenDir      string `json:"golden_dir,omitempty"`
	SharedBuffers  string `json:"shared_buffers,omitempty"`
	MaxConnections int    `json:"max_connections,omitempty"`
}

// args are the Database inputs the spec describes, with adminURL and salt.
func (s databaseSpec) args(adminURL, salt string) DatabaseArgs {
	return DatabaseArgs{
		AdminURL: adminURL, Name: s.Name, Role: s.Role, Template: s.Template, ObjectsOwner: s.ObjectsOwner,
		Golden: s.Golden, Source: s.Source, Migrations: s.Migrations, MigrationsRevision: s.MigrationsRevision,
		Anonymize: s.Anonymize, Salt: salt, Clone: s.Clone, ClusterDir: s.ClusterDir, GoldenDir: s.GoldenDir,
		SharedBuffers: s.SharedBuffers, MaxConnections: s.MaxConnections,
	}
}

// adminURL is the shared PostgreSQL's superuser URL, which only a
// template clone needs: it starts prenv's managed cluster.
func (m ModuleResources) adminURL(ctx context.Context, s databaseSpec) (string, error) {
	if s.Clone == string(stacks.CloneThin) {
		return "", nil
	}
	return m.AdminURL(ctx)
}

// serviceSpec is a Service's spec from modules/local.
type serviceSpec struct {
	State       string            `json:"state"`
	Database    string            `json:"database"` // the database's state file, for DATABASE_URL; "" without one
	Env         string            `json:"env"`
	Name        string            `json:"name"`
	Command     string            `json:"command"`
	Dir         string            `json:"dir"`
	Environment map[string]string `json:"environment"`
	Health      string            `json:"health"`
	LogDir      string            `json:"log_dir"`
	Revision    string            `json:"revision"`
}

// routeSpec is a Route's spec from modules/local.
type routeSpec struct {
	Env        string            `json:"env"`
	RoutesDir  string            `json:"routes_dir"`
	Entry      string            `json:"entry"`
	RouterAddr string            `json:"router_addr"`
	Services   map[string]string `json:"services"` // service name: its state file
}

// ModuleResources are the local target's resources as modules/local's
// provisioners run them, through the hidden `prenv local` commands: each
// takes the resource's spec as one JSON argument.
type ModuleResources struct {
	// AdminURL returns the superuser URL of the local PostgreSQL, starting
	// prenv's managed cluster when needed.
	AdminURL func(ctx context.Context) (string, error)
	// Salt keys the deterministic anonymisation of a new database.
	Salt string
}

// decodeSpec reads one spec, refusing unknown fields so a module and a
// binary of different versions fail clearly.
func decodeSpec(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return stacks.Input(fmt.Errorf("the resource spec is not one this prenv reads (%v): use modules/local from the same prenv version", err))
	}
	return nil
}

// DatabaseCreate creates an environment's database from its spec.
func (m ModuleResources) DatabaseCreate(ctx context.Context, data []byte) error {
	var s databaseSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	admin, err := m.adminURL(ctx, s)
	if err != nil {
		return err
	}
	res, err := (&Database{}).Create(ctx, infer.CreateRequest[DatabaseArgs]{Name: s.Name, Inputs: s.args(admin, m.Salt)})
	if err != nil {
		return err
	}
	return writeResourceState(s.State, res.Output)
}

// DatabaseDelete drops the database its spec names.
func (m ModuleResources) DatabaseDelete(ctx context.Context, data []byte) error {
	var s databaseSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	admin, err := m.adminURL(ctx, s)
	if err != nil {
		return err
	}
	// Without a state file (a create that never finished), the spec names
	// what to drop all the same.
	state := DatabaseState{DatabaseArgs: s.args(admin, "")}
	if _, err := readResourceState(s.State, &state); err != nil {
		return err
	}
	state.AdminURL = admin
	if _, err := (&Database{}).Delete(ctx, infer.DeleteRequest[DatabaseState]{ID: s.Name, State: state}); err != nil {
		return err
	}
	return removeResourceState(s.State)
}

// ServiceStart starts one of an environment's services.
func (m ModuleResources) ServiceStart(ctx context.Context, data []byte) error {
	var s serviceSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	environ := map[string]string{}
	if s.Database != "" { // "": an application without a database
		var db DatabaseState
		if ok, err := readResourceState(s.Database, &db); err != nil || !ok {
			return errors.Join(err, fmt.Errorf("service %s of %s: the database's state %s is missing: run `prenv up` again to recreate the database", s.Name, s.Env, s.Database))
		}
		environ["DATABASE_URL"] = db.URL
	}
	for k, v := range s.Environment {
		environ[k] = v
	}
	res, err := (&Service{}).Create(ctx, infer.CreateRequest[ServiceArgs]{Name: s.Name, Inputs: ServiceArgs{
		Env: s.Env, Name: s.Name, Command: s.Command, Dir: s.Dir, Environment: environ,
		Health: s.Health, LogDir: s.LogDir, Revision: s.Revision,
	}})
	if err != nil {
		return err
	}
	return writeResourceState(s.State, res.Output)
}

// ServiceStop stops one of an environment's services.
func (m ModuleResources) ServiceStop(ctx context.Context, data []byte) error {
	var s serviceSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	var state ServiceState
	if ok, err := readResourceState(s.State, &state); err != nil || !ok {
		return err // never started, or already stopped
	}
	if _, err := (&Service{}).Delete(ctx, infer.DeleteRequest[ServiceState]{ID: s.Env + "/" + s.Name, State: state}); err != nil {
		return err
	}
	return removeResourceState(s.State)
}

// routeArgs reads the spec's services' addresses and logs from their
// state files.
func routeArgs(s routeSpec) (RouteArgs, error) {
	args := RouteArgs{RoutesDir: s.RoutesDir, Env: s.Env, Entry: s.Entry, RouterAddr: s.RouterAddr,
		URLs: map[string]string{}, Logs: map[string]string{}}
	for name, path := range s.Services {
		var st ServiceState
		ok, err := readResourceState(path, &st)
		if err != nil {
			return args, err
		}
		if !ok {
			return args, fmt.Errorf("route of %s: service %s has no state at %s: run `prenv up` again to restart it", s.Env, name, path)
		}
		args.URLs[name], args.Logs[name] = st.URL, st.Log
	}
	return args, nil
}

// RoutePublish publishes an environment's route to the router.
func (m ModuleResources) RoutePublish(ctx context.Context, data []byte) error {
	var s routeSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	args, err := routeArgs(s)
	if err != nil {
		return err
	}
	_, err = (&Route{}).Create(ctx, infer.CreateRequest[RouteArgs]{Name: "route", Inputs: args})
	return err
}

// RouteRemove removes an environment's route.
func (m ModuleResources) RouteRemove(ctx context.Context, data []byte) error {
	var s routeSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	args := RouteArgs{RoutesDir: s.RoutesDir, Env: s.Env, Entry: s.Entry, RouterAddr: s.RouterAddr}
	_, err := (&Route{}).Delete(ctx, infer.DeleteRequest[RouteArgs]{ID: s.Env, State: args})
	return err
}

// writeResourceState keeps what a command made, readable only by its user:
// a database's state holds its password.
func writeResourceState(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}

// readResourceState reads a state file into v; ok is false if it is absent.
func readResourceState(path string, v any) (ok bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("state file %s is damaged (%v): delete it and run `prenv up` again", path, err)
	}
	return true, nil
}

// removeResourceState removes a state file and its directory once empty.
func removeResourceState(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	_ = os.Remove(filepath.Dir(path))
	_ = os.Remove(filepath.Dir(filepath.Dir(path))) // the environment's directory, once its logs are gone too
	return nil
}
