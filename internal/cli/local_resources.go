package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi-go-provider/infer"
	"github.com/spf13/cobra"

	"github.com/prenv/prenv/internal/atomicfile"
	"github.com/prenv/prenv/stacks"
	"github.com/prenv/prenv/stacks/local"
)

// The hidden `prenv local` commands are the local target's resources for
// modules/local: Terraform's local-exec provisioners run them with the
// resource's spec as one JSON argument (no shell between), and each keeps
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
}

// serviceSpec is a Service's spec from modules/local.
type serviceSpec struct {
	State       string            `json:"state"`
	Database    string            `json:"database"` // the database's state file, for DATABASE_URL
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

func (a *App) localCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:    "local",
		Short:  "The local target's resources, for modules/local's provisioners",
		Hidden: true,
	}
	step := func(use string, run func(ctx context.Context, spec []byte) error) *cobra.Command {
		return &cobra.Command{
			Use:  use + " SPEC-JSON",
			Args: exactArgs(1),
			RunE: func(c *cobra.Command, args []string) error { return run(c.Context(), []byte(args[0])) },
		}
	}
	db := &cobra.Command{Use: "database", Short: "Create or delete an environment's database"}
	db.AddCommand(step("create", a.databaseCreate), step("delete", a.databaseDelete))
	svc := &cobra.Command{Use: "service", Short: "Start or stop one of an environment's services"}
	svc.AddCommand(step("start", a.serviceStart), step("stop", a.serviceStop))
	route := &cobra.Command{Use: "route", Short: "Publish or remove an environment's route"}
	route.AddCommand(step("publish", a.routePublish), step("remove", a.routeRemove))
	cmd.AddCommand(db, svc, route)
	return cmd
}

// decodeSpec reads one spec, refusing unknown fields so a module and a
// binary of different versions fail clearly.
func decodeSpec(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return usage(fmt.Errorf("the resource spec is not one this prenv reads (%v): use modules/local from the same prenv version", err))
	}
	return nil
}

// adminURL is the superuser URL of the local target's PostgreSQL.
func (a *App) adminURL(ctx context.Context) (string, error) {
	t, err := a.host().LocalMachine(ctx)
	return t.AdminURL, err
}

func (a *App) databaseCreate(ctx context.Context, data []byte) error {
	var s databaseSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	admin, err := a.adminURL(ctx)
	if err != nil {
		return err
	}
	res, err := (&local.Database{}).Create(ctx, infer.CreateRequest[local.DatabaseArgs]{Name: s.Name, Inputs: local.DatabaseArgs{
		AdminURL: admin, Name: s.Name, Role: s.Role, Template: s.Template, ObjectsOwner: s.ObjectsOwner,
		Golden: s.Golden, Source: s.Source, Migrations: s.Migrations, MigrationsRevision: s.MigrationsRevision,
		Anonymize: s.Anonymize, Salt: a.Getenv(stacks.DefaultSaltEnv),
	}})
	if err != nil {
		return err
	}
	return writeResourceState(s.State, res.Output)
}

func (a *App) databaseDelete(ctx context.Context, data []byte) error {
	var s databaseSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	admin, err := a.adminURL(ctx)
	if err != nil {
		return err
	}
	// Without a state file (a create that never finished), the spec names
	// what to drop all the same.
	state := local.DatabaseState{DatabaseArgs: local.DatabaseArgs{Name: s.Name, Role: s.Role}}
	if _, err := readResourceState(s.State, &state); err != nil {
		return err
	}
	state.AdminURL = admin
	if _, err := (&local.Database{}).Delete(ctx, infer.DeleteRequest[local.DatabaseState]{ID: s.Name, State: state}); err != nil {
		return err
	}
	return removeResourceState(s.State)
}

func (a *App) serviceStart(ctx context.Context, data []byte) error {
	var s serviceSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	var db local.DatabaseState
	if ok, err := readResourceState(s.Database, &db); err != nil || !ok {
		return errors.Join(err, fmt.Errorf("service %s of %s: the database's state %s is missing: run `prenv up` again to recreate the database", s.Name, s.Env, s.Database))
	}
	environ := map[string]string{"DATABASE_URL": db.URL}
	for k, v := range s.Environment {
		environ[k] = v
	}
	res, err := (&local.Service{}).Create(ctx, infer.CreateRequest[local.ServiceArgs]{Name: s.Name, Inputs: local.ServiceArgs{
		Env: s.Env, Name: s.Name, Command: s.Command, Dir: s.Dir, Environment: environ,
		Health: s.Health, LogDir: s.LogDir, Revision: s.Revision,
	}})
	if err != nil {
		return err
	}
	return writeResourceState(s.State, res.Output)
}

func (a *App) serviceStop(ctx context.Context, data []byte) error {
	var s serviceSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	var state local.ServiceState
	if ok, err := readResourceState(s.State, &state); err != nil || !ok {
		return err // never started, or already stopped
	}
	if _, err := (&local.Service{}).Delete(ctx, infer.DeleteRequest[local.ServiceState]{ID: s.Env + "/" + s.Name, State: state}); err != nil {
		return err
	}
	return removeResourceState(s.State)
}

// routeArgs reads the spec's services' addresses and logs from their
// state files.
func routeArgs(s routeSpec) (local.RouteArgs, error) {
	args := local.RouteArgs{RoutesDir: s.RoutesDir, Env: s.Env, Entry: s.Entry, RouterAddr: s.RouterAddr,
		URLs: map[string]string{}, Logs: map[string]string{}}
	for name, path := range s.Services {
		var st local.ServiceState
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

func (a *App) routePublish(ctx context.Context, data []byte) error {
	var s routeSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	args, err := routeArgs(s)
	if err != nil {
		return err
	}
	_, err = (&local.Route{}).Create(ctx, infer.CreateRequest[local.RouteArgs]{Name: "route", Inputs: args})
	return err
}

func (a *App) routeRemove(ctx context.Context, data []byte) error {
	var s routeSpec
	if err := decodeSpec(data, &s); err != nil {
		return err
	}
	args := local.RouteArgs{RoutesDir: s.RoutesDir, Env: s.Env, Entry: s.Entry, RouterAddr: s.RouterAddr}
	_, err := (&local.Route{}).Delete(ctx, infer.DeleteRequest[local.RouteArgs]{ID: s.Env, State: args})
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
