package local

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/prenv/prenv/internal/proc"
)

// Service is one of an environment's services, run as a local process
// group with its own free PORT.
type Service struct{}

// ServiceArgs are a Service's inputs.
type ServiceArgs struct {
	Env           string            `pulumi:"env"`
	Name          string            `pulumi:"name"`
	Command       string            `pulumi:"command"`
	Dir           string            `pulumi:"dir"`
	Environment   map[string]string `pulumi:"environment,optional" provider:"secret"`
	Health        string            `pulumi:"health"`
	LogDir        string            `pulumi:"logDir"`
	HealthSeconds int               `pulumi:"healthSeconds,optional"`
	// Revision fingerprints the service's source files: a new one
	// restarts the service, and only that service.
	Revision string `pulumi:"revision,optional"`
}

// ServiceState is a Service's recorded state.
type ServiceState struct {
	ServiceArgs
	PID     int    `pulumi:"pid"`
	Started string `pulumi:"started"` // process start time, to spot pid reuse
	Port    int    `pulumi:"port"`
	URL     string `pulumi:"url"`
	Log     string `pulumi:"log"`
}

// Annotate documents the resource.
func (*Service) Annotate(a infer.Annotator) {
	a.Describe(&Service{}, "A service of one environment, run as a local process group.")
}

// Create implements infer.CustomCreate: start the process and wait, within
// a bound, for its health path to answer.
func (*Service) Create(ctx context.Context, req infer.CreateRequest[ServiceArgs]) (infer.CreateResponse[ServiceState], error) {
	if req.DryRun {
		return infer.CreateResponse[ServiceState]{ID: req.Inputs.Env + "/" + req.Inputs.Name, Output: ServiceState{ServiceArgs: req.Inputs}}, nil
	}
	state, err := start(ctx, req.Inputs)
	return infer.CreateResponse[ServiceState]{ID: req.Inputs.Env + "/" + req.Inputs.Name, Output: state}, err
}

// Update implements infer.CustomUpdate: a changed service restarts.
func (*Service) Update(ctx context.Context, req infer.UpdateRequest[ServiceArgs, ServiceState]) (infer.UpdateResponse[ServiceState], error) {
	if req.DryRun {
		return infer.UpdateResponse[ServiceState]{Output: ServiceState{ServiceArgs: req.Inputs}}, nil
	}
	stopGroup(req.State.PID, parseStarted(req.State.Started), 5*time.Second)
	state, err := start(ctx, req.Inputs)
	return infer.UpdateResponse[ServiceState]{Output: state}, err
}

// Read implements infer.CustomRead: a dead process is drift, reported as
// the resource being gone so the next up starts it again.
func (*Service) Read(_ context.Context, req infer.ReadRequest[ServiceArgs, ServiceState]) (infer.ReadResponse[ServiceArgs, ServiceState], error) {
	if !proc.Alive(req.State.PID, parseStarted(req.State.Started)) {
		return infer.ReadResponse[ServiceArgs, ServiceState]{}, nil
	}
	return infer.ReadResponse[ServiceArgs, ServiceState]{ID: req.ID, Inputs: req.Inputs, State: req.State}, nil
}

// Delete implements infer.CustomDelete: the whole process group goes, and
// its log, and the logs directory once it is empty.
func (*Service) Delete(_ context.Context, req infer.DeleteRequest[ServiceState]) (infer.DeleteResponse, error) {
	stopGroup(req.State.PID, parseStarted(req.State.Started), 5*time.Second)
	if err := os.Remove(req.State.Log); err != nil && !errors.Is(err, os.ErrNotExist) {
		return infer.DeleteResponse{}, err
	}
	// Removing a directory fails while another service's log is in it.
	_ = os.Remove(req.State.LogDir)
	_ = os.Remove(filepath.Dir(req.State.LogDir))
	return infer.DeleteResponse{}, nil
}

func start(ctx context.Context, in ServiceArgs) (ServiceState, error) {
	state := ServiceState{ServiceArgs: in}
	if err := os.MkdirAll(in.LogDir, 0o755); err != nil {
		return state, err
	}
	port, err := freePort()
	if err != nil {
		return state, err
	}
	state.Port = port
	state.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
	state.Log = filepath.Join(in.LogDir, in.Name+".log")
	// A run killed mid-create can leave a process that no state records;
	// the marker in its environment finds it, and its group is stopped.
	marker := serviceMarker + "=" + filepath.Join(in.LogDir, in.Name)
	for _, pid := range proc.WithEnv(func(e string) bool { return e == marker }) {
		stopGroup(pid, 0, 5*time.Second)
	}
	env := append(inheritedEnv(), "PORT="+strconv.Itoa(port), marker)
	for _, k := range slices.Sorted(maps.Keys(in.Environment)) {
		env = append(env, k+"="+in.Environment[k])
	}
	pid, started, err := startDetached(in.Command, in.Dir, env, state.Log)
	if err != nil {
		return state, err
	}
	state.PID, state.Started = pid, strconv.FormatUint(started, 10)
	if err := waitHealthy(ctx, state); err != nil {
		stopGroup(pid, started, 2*time.Second)
		return state, err
	}
	return state, nil
}

// waitHealthy polls the service's health path until it answers 2xx, the
// process exits, or the bound passes; failures quote the log's end.
func waitHealthy(ctx context.Context, s ServiceState) error {
	bound := time.Duration(max(s.HealthSeconds, 1)) * time.Second
	if s.HealthSeconds == 0 {
		bound = 60 * time.Second
	}
	deadline := time.Now().Add(bound)
	client := &http.Client{Timeout: time.Second}
	started := parseStarted(s.Started)
	for {
		resp, err := client.Get(s.URL + s.Health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return nil
			}
		}
		switch {
		case !proc.Alive(s.PID, started):
			return fmt.Errorf("service %s of %s exited before it was healthy; last lines of %s:\n%s", s.Name, s.Env, s.Log, tail(s.Log, 15))
		case time.Now().After(deadline):
			return fmt.Errorf("service %s of %s did not answer %s within %s; last lines of %s:\n%s", s.Name, s.Env, s.Health, bound, s.Log, tail(s.Log, 15))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func parseStarted(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}
