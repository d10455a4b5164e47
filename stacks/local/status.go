package local

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/internal/router"
)

// Status is what of the local target runs on this machine.
type Status struct {
	Home         string         `json:"home"`
	Router       RouterStatus   `json:"router"`
	Postgres     PostgresStatus `json:"postgres"`
	Clones       ClonesStatus   `json:"clones"`
	Environments []EnvStatus    `json:"environments"`
}

// RouterStatus is the router's: where it listens and whether it runs.
type RouterStatus struct {
	Addr          string    `json:"addr"`
	Routes        string    `json:"routes"`
	Log           string    `json:"log"`
	Running       bool      `json:"running"`
	PID           int       `json:"pid,omitempty"`
	Started       time.Time `json:"started,omitzero"`
	UptimeSeconds int64     `json:"uptime_seconds,omitempty"`
	// Other names what answers on Addr when it is not this home's router.
	Other string `json:"other,omitempty"`
}

// PostgresStatus is the managed cluster's, and whether PRENV_POSTGRES_URL
// points prenv at another server.
type PostgresStatus struct {
	Dir           string    `json:"dir"`
	Initialised   bool      `json:"initialised"`
	Running       bool      `json:"running"`
	PID           int       `json:"pid,omitempty"`
	Port          int       `json:"port,omitempty"`
	Started       time.Time `json:"started,omitzero"`
	UptimeSeconds int64     `json:"uptime_seconds,omitempty"`
	SizeBytes     int64     `json:"size_bytes"`
	// External is set when PRENV_POSTGRES_URL names the server prenv
	// uses, which it neither starts nor stops.
	External bool `json:"external"`
}

// EnvStatus is one environment on this machine: its route, the services
// of it whose processes are alive, and its thin clone's PostgreSQL.
type EnvStatus struct {
	Name      string             `json:"name"`
	Route     bool               `json:"route"`
	Services  []ServiceStatus    `json:"services"`
	Databases []PostmasterStatus `json:"databases,omitempty"`
}

// ServiceStatus is one live service: the leader of its process group.
type ServiceStatus struct {
	Name string `json:"name"`
	PID  int    `json:"pid"`
}

// Status reads what runs: the router (by its --routes argument and its
// ping), the managed cluster (from its directory) and the environments
// that have a route or live service processes. It starts nothing.
func (m Machine) Status(ctx context.Context) (Status, error) {
	now := time.Now()
	st := Status{Home: m.Home, Router: m.routerStatus(ctx, now)}
	cluster, err := (&pg.Cluster{Dir: m.ClusterDir}).Status()
	if err != nil {
		return st, err
	}
	st.Postgres = PostgresStatus{Dir: m.ClusterDir, Initialised: cluster.Initialised, Running: cluster.Running,
		PID: cluster.PID, Port: cluster.Port, Started: cluster.Started, SizeBytes: cluster.SizeBytes, External: m.PostgresURL != ""}
	if cluster.Running {
		st.Postgres.UptimeSeconds = int64(now.Sub(cluster.Started).Seconds())
	}
	if st.Clones, err = m.clonesStatus(); err != nil {
		return st, err
	}
	st.Environments = m.environments()
	return st, nil
}

// routerStatus finds this home's router by its process and by what
// answers on its address.
func (m Machine) routerStatus(ctx context.Context, now time.Time) RouterStatus {
	rs := RouterStatus{Addr: m.RouterAddr(), Routes: m.RoutesDir, Log: m.RouterLog()}
	if pids := m.routerPIDs(); len(pids) > 0 {
		rs.Running, rs.PID = true, pids[0]
		if addr := argAfter(rs.PID, "--addr"); addr != "" {
			rs.Addr = addr // started on another PRENV_ROUTER_PORT
		}
		if at, err := proc.StartedAt(rs.PID); err == nil {
			rs.Started, rs.UptimeSeconds = at, int64(now.Sub(at).Seconds())
		}
	}
	switch routes, answered := ping(ctx, m.RouterAddr()); {
	case answered && routes == m.RoutesDir:
		rs.Running = true
	case answered && filepath.IsAbs(routes):
		rs.Other = "the prenv router of " + routes
	case answered || dialable(m.RouterAddr()):
		rs.Other = "a program that is not prenv's router"
	}
	return rs
}

// routerPIDs lists the live `prenv router` processes serving this home's
// routes directory.
func (m Machine) routerPIDs() []int {
	var out []int
	for _, pid := range proc.WithArgs("--routes", m.RoutesDir) {
		if args, err := proc.Args(pid); err == nil && slices.Contains(args, "router") {
			out = append(out, pid)
		}
	}
	return out
}

// argAfter is the argument that follows flag on pid's command line.
func argAfter(pid int, flag string) string {
	args, _ := proc.Args(pid)
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

// ping asks what answers on addr for its routes directory; answered is
// false when nothing speaks HTTP there.
func ping(ctx context.Context, addr string) (routes string, answered bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+router.PingPath, nil)
	if err != nil {
		return "", false
	}
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return "", true
	}
	return strings.TrimSpace(string(body)), true
}

// environments lists the environments with a route in RoutesDir or a
// live service process under LogsDir, by name.
func (m Machine) environments() []EnvStatus {
	byName := map[string]*EnvStatus{}
	get := func(name string) *EnvStatus {
		if byName[name] == nil {
			byName[name] = &EnvStatus{Name: name, Services: []ServiceStatus{}}
		}
		return byName[name]
	}
	routes, _ := filepath.Glob(filepath.Join(m.RoutesDir, "*.json"))
	for _, f := range routes {
		get(strings.TrimSuffix(filepath.Base(f), ".json")).Route = true
	}
	for key, pid := range m.serviceLeaders() {
		env, svc, _ := strings.Cut(key, "/")
		e := get(env)
		e.Services = append(e.Services, ServiceStatus{Name: svc, PID: pid})
	}
	for _, pm := range m.postmasters() {
		e := get(pm.Env)
		e.Databases = append(e.Databases, pm)
	}
	out := make([]EnvStatus, 0, len(byName))
	for _, e := range byName {
		slices.SortFunc(e.Services, func(a, b ServiceStatus) int { return strings.Compare(a.Name, b.Name) })
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b EnvStatus) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// serviceLeaders maps "<env>/<service>" to the pid that leads the
// service's process group (the shell prenv started), from the marker every
// process of the group inherits: PRENV_SERVICE=<LogsDir>/<env>/logs/<service>.
func (m Machine) serviceLeaders() map[string]int {
	prefix := serviceMarker + "=" + filepath.Clean(m.LogsDir) + string(filepath.Separator)
	leaders := map[string]int{}
	for _, pid := range proc.WithEnv(func(e string) bool { return strings.HasPrefix(e, prefix) }) {
		rest, _ := strings.CutPrefix(markerOf(pid), prefix)
		parts := strings.Split(rest, string(filepath.Separator))
		if len(parts) != 3 || parts[1] != "logs" {
			continue
		}
		key := parts[0] + "/" + parts[2]
		// Prefer the process whose pid is its group's; else the lowest.
		if old, ok := leaders[key]; !ok || (!isGroupLeader(old) && (isGroupLeader(pid) || pid < old)) {
			leaders[key] = pid
		}
	}
	return leaders
}

func isGroupLeader(pid int) bool {
	pgid, err := syscall.Getpgid(pid)
	return err == nil && pgid == pid
}
