package local

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/proc"
)

// StopOptions say how Stop treats environments that still exist.
type StopOptions struct {
	// Force stops the router and the cluster, and the PostgreSQL of each
	// thin clone, while environments exist; their services and routes
	// stay, and each one's next up starts what it needs again.
	Force bool
	// Grace is how long the router has to exit after SIGTERM; 0 means 5s.
	Grace time.Duration
}

// StopReport says what Stop did.
type StopReport struct {
	// RouterPID is the router Stop stopped; 0 when none ran.
	RouterPID int `json:"router_pid,omitempty"`
	// PostgresPID is the managed cluster's postmaster Stop shut down; 0
	// when it was not running.
	PostgresPID int `json:"postgres_pid,omitempty"`
	// Databases are the thin clones whose PostgreSQL Stop shut down.
	Databases []StoppedDatabase `json:"databases,omitempty"`
	// Left names the environments that still exist, which --force left
	// as they are.
	Left []string `json:"left"`
}

// StoppedDatabase is a thin clone's PostgreSQL that Stop shut down.
type StoppedDatabase struct {
	Env string `json:"env"`
	PID int    `json:"pid"`
}

// Stop stops the router and the managed PostgreSQL cluster, and with
// o.Force the thin clones' PostgreSQL. It refuses while environments exist
// (a route, a live service process, a thin clone), naming them, unless
// o.Force. A server PRENV_POSTGRES_URL names is not prenv's to stop, and
// is left alone.
func (m Machine) Stop(ctx context.Context, o StopOptions) (StopReport, error) {
	grace := o.Grace
	if grace == 0 {
		grace = 5 * time.Second
	}
	rep := StopReport{Left: []string{}}
	for _, e := range m.environments() {
		rep.Left = append(rep.Left, e.Name)
	}
	if len(rep.Left) > 0 && !o.Force {
		which := "environment " + rep.Left[0] + " still exists"
		if len(rep.Left) > 1 {
			which = "environments " + strings.Join(rep.Left, ", ") + " still exist"
		}
		return rep, fmt.Errorf("%s on this machine: destroy them first (prenv destroy --env NAME), or pass --force to stop the router and PostgreSQL under them", which)
	}
	pids := m.routerPIDs()
	for _, pid := range pids {
		if err := stopProcess(pid, grace); err != nil {
			return rep, fmt.Errorf("stop the router (pid %d): %w", pid, err)
		}
	}
	if len(pids) > 0 {
		rep.RouterPID = pids[0]
	}
	var routerErr error
	if routes, answered := ping(ctx, m.RouterAddr()); answered && routes == m.RoutesDir {
		// Ours, by its answer, yet no process has our --routes argument:
		// one started by hand with the default routes directory.
		routerErr = fmt.Errorf("the router on %s serves %s but was not started by prenv: stop it where it runs (Ctrl-C)", m.RouterAddr(), m.RoutesDir)
	}
	cluster := &pg.Cluster{Dir: m.ClusterDir}
	st, err := cluster.Status()
	if err != nil {
		return rep, err
	}
	if st.Running {
		if err := cluster.Stop(ctx); err != nil {
			return rep, fmt.Errorf("stop PostgreSQL in %s: %w", m.ClusterDir, err)
		}
		rep.PostgresPID = st.PID
	}
	for _, pm := range m.postmasters() {
		if !pm.Running {
			continue
		}
		if err := (&pg.Cluster{Dir: pm.Dir}).Stop(ctx); err != nil {
			return rep, fmt.Errorf("stop the PostgreSQL of %s's database in %s: %w", pm.Env, pm.Dir, err)
		}
		rep.Databases = append(rep.Databases, StoppedDatabase{Env: pm.Env, PID: pm.PID})
	}
	return rep, routerErr
}

// stopProcess sends pid SIGTERM, then SIGKILL if it has not exited within
// grace. It signals the process alone: a router started by hand may share
// its group with the shell's other jobs.
func stopProcess(pid int, grace time.Duration) error {
	started, err := proc.StartTime(pid)
	if err != nil {
		return nil // gone already
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return err
	}
	for deadline := time.Now().Add(grace); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if !proc.Alive(pid, started) {
			return nil
		}
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && err != syscall.ESRCH {
		return err
	}
	return nil
}
