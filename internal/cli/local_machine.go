package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/internal/comment"
	"github.com/prenv/prenv/stacks/local"
)

func (a *App) localStatusCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the router, the managed PostgreSQL and the environments running on this machine",
		Args:  exactArgs(0),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		m, err := a.host().LocateLocal()
		if err != nil {
			return err
		}
		st, err := m.Status(cmd.Context())
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(a.Stdout, st)
		}
		printLocalStatus(a.Stdout, st)
		return nil
	}
	return cmd
}

func (a *App) localStopCommand() *cobra.Command {
	var force, asJSON bool
	cmd := &cobra.Command{
		Use:   "stop",
		Short: "Stop the router and the managed PostgreSQL; refuses while environments exist unless --force",
		Long: "stop stops the router and the PostgreSQL cluster prenv manages on this machine. " +
			"While environments exist (a route, or a live service process) it refuses and names them; " +
			"with --force it stops the router and PostgreSQL anyway, leaving the environments' processes and routes, " +
			"and their next up starts both again. A server PRENV_POSTGRES_URL names is never stopped.",
		Args: exactArgs(0),
	}
	cmd.Flags().BoolVar(&force, "force", false, "stop them even while environments exist")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		m, err := a.host().LocateLocal()
		if err != nil {
			return err
		}
		rep, err := m.Stop(cmd.Context(), local.StopOptions{Force: force})
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(a.Stdout, rep)
		}
		printLocalStop(a.Stdout, m, rep)
		return nil
	}
	return cmd
}

func printLocalStatus(w io.Writer, st local.Status) {
	r := st.Router
	switch {
	case r.Running && r.PID != 0:
		fmt.Fprintf(w, "router       running on %s, pid %d, up %s\n", r.Addr, r.PID, comment.Age(time.Duration(r.UptimeSeconds)*time.Second))
	case r.Running:
		fmt.Fprintf(w, "router       running on %s (not started by prenv)\n", r.Addr)
	default:
		fmt.Fprintf(w, "router       not running (listens on %s when up starts it)\n", r.Addr)
	}
	if r.Other != "" {
		fmt.Fprintf(w, "             %s answers on %s\n", r.Other, st.Router.Addr)
	}
	fmt.Fprintf(w, "             routes %s, log %s\n", r.Routes, r.Log)
	p := st.Postgres
	switch {
	case p.Running:
		fmt.Fprintf(w, "postgres     running on 127.0.0.1:%d, pid %d, up %s, %s\n", p.Port, p.PID, comment.Age(time.Duration(p.UptimeSeconds)*time.Second), size(p.SizeBytes))
	case p.Initialised:
		fmt.Fprintf(w, "postgres     stopped, %s (up starts it when an environment needs a database)\n", size(p.SizeBytes))
	default:
		fmt.Fprintln(w, "postgres     none yet (up creates it when an environment needs a database)")
	}
	fmt.Fprintf(w, "             data %s\n", p.Dir)
	if p.External {
		fmt.Fprintln(w, "             PRENV_POSTGRES_URL is set: environments use that server, which prenv neither starts nor stops")
	}
	printClones(w, st.Clones)
	if len(st.Environments) == 0 {
		fmt.Fprintln(w, "environments none")
		return
	}
	fmt.Fprintln(w, "environments")
	for _, e := range st.Environments {
		var services []string
		for _, s := range e.Services {
			services = append(services, fmt.Sprintf("%s (pid %d)", s.Name, s.PID))
		}
		running := strings.Join(services, ", ")
		if running == "" {
			running = "no live processes"
		}
		route := "no route"
		if e.Route {
			route = "routed"
		}
		fmt.Fprintf(w, "  %-12s %-8s %s\n", e.Name, route, running)
		for _, d := range e.Databases {
			fmt.Fprintf(w, "  %-12s %-8s %s\n", "", "", postmasterLine(d))
		}
	}
}

func printClones(w io.Writer, c local.ClonesStatus) {
	fmt.Fprintf(w, "clones       database.clone: auto picks %s\n", c.Auto)
	for _, g := range c.Goldens {
		fmt.Fprintf(w, "             golden of %s, stopped, %s in %s\n", g.Project, size(g.SizeBytes), g.Dir)
	}
}

// postmasterLine describes a thin clone's PostgreSQL.
func postmasterLine(d local.PostmasterStatus) string {
	owns := size(d.OwnedBytes) + " of its own disk beyond the golden's shared blocks"
	if !d.Running {
		return fmt.Sprintf("postgres stopped (its next up starts it), %s", owns)
	}
	return fmt.Sprintf("postgres on 127.0.0.1:%d, pid %d, RSS %s, %s", d.Port, d.PID, size(d.RSSBytes), owns)
}

func printLocalStop(w io.Writer, m local.Machine, rep local.StopReport) {
	if rep.RouterPID != 0 {
		fmt.Fprintf(w, "stopped the router (pid %d)\n", rep.RouterPID)
	} else {
		fmt.Fprintln(w, "the router was not running")
	}
	if rep.PostgresPID != 0 {
		fmt.Fprintf(w, "stopped PostgreSQL in %s (pid %d)\n", m.ClusterDir, rep.PostgresPID)
	} else {
		fmt.Fprintf(w, "PostgreSQL in %s was not running\n", m.ClusterDir)
	}
	for _, d := range rep.Databases {
		fmt.Fprintf(w, "stopped the PostgreSQL of %s's database (pid %d)\n", d.Env, d.PID)
	}
	if len(rep.Left) > 0 {
		fmt.Fprintf(w, "left %s as they are: their next prenv up starts the router and PostgreSQL again\n", strings.Join(rep.Left, ", "))
	}
}

// size is n bytes for a person: 512 B, 3.1 MiB, 2.0 GiB.
func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for v := n / unit; v >= unit; v /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
