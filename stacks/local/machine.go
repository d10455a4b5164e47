package local

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/prenv/prenv/internal/router"
	"github.com/prenv/prenv/stacks"
)

// Machine is where this machine's local target lives: the router and its
// routes, the services' logs and prenv's managed PostgreSQL cluster.
// Locating it starts nothing.
type Machine struct {
	Home       string // prenv's own directory
	RoutesDir  string // the router's routes directory
	LogsDir    string // parent of each environment's logs directory
	RouterPort int    // where the router listens
	ClusterDir string // the managed PostgreSQL cluster's directory
	// ThinDir holds the clusters of database.clone: thin, a directory per
	// project: its golden and a copy of it per environment.
	ThinDir string
	// PostgresURL is PRENV_POSTGRES_URL: a server prenv uses instead of
	// its managed cluster, and never starts or stops.
	PostgresURL string
}

// Locate says where s's local target lives: under s.Home, with the
// router's port from PRENV_ROUTER_PORT and the cluster's directory from
// PRENV_POSTGRES_DIR when they are set.
func Locate(s stacks.Setup) (Machine, error) {
	port := router.DefaultPort
	if p := s.Getenv("PRENV_ROUTER_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Machine{}, stacks.Input(fmt.Errorf("PRENV_ROUTER_PORT=%q is not a port: use 1-65535", p))
		}
		port = n
	}
	return Machine{
		Home:        s.Home,
		RoutesDir:   filepath.Join(s.Home, "routes"),
		LogsDir:     filepath.Join(s.Home, "envs"),
		RouterPort:  port,
		ClusterDir:  postgresDir(s),
		ThinDir:     thinDir(s),
		PostgresURL: s.Getenv("PRENV_POSTGRES_URL"),
	}, nil
}

// RouterAddr is the address the router listens on.
func (m Machine) RouterAddr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(m.RouterPort))
}

// RouterLog is the file a router that prenv started logs to.
func (m Machine) RouterLog() string { return filepath.Join(m.Home, "router.log") }

// postgresDir is where the managed cluster lives: <prenv home>/postgres,
// or /var/lib/prenv/postgres for root's default home, which the postgres
// user cannot enter.
func postgresDir(s stacks.Setup) string {
	if d := s.Getenv("PRENV_POSTGRES_DIR"); d != "" {
		return d
	}
	if os.Geteuid() == 0 && s.Getenv("PRENV_HOME") == "" {
		return "/var/lib/prenv/postgres"
	}
	return filepath.Join(s.Home, "postgres")
}

// thinDir is where thin clones live: <prenv home>/thin, or
// /var/lib/prenv/thin for root's default home, as for the managed cluster.
func thinDir(s stacks.Setup) string {
	if os.Geteuid() == 0 && s.Getenv("PRENV_HOME") == "" {
		return "/var/lib/prenv/thin"
	}
	return filepath.Join(s.Home, "thin")
}
