package pg

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prenv/prenv/internal/atomicfile"
)

// AdminUser is the superuser of a managed cluster.
const AdminUser = "prenv"

// Cluster is a PostgreSQL cluster that prenv manages under Dir.
type Cluster struct {
	Dir      string   // holds data/, run/, postgres.log, port and admin-password
	Binaries Binaries // zero: FindBinaries
	// MaxConnections is the server's max_connections; 0 means 300.
	MaxConnections int
	// SharedBuffers is its shared_buffers, such as "16MB"; "" keeps the
	// data directory's.
	SharedBuffers string
	// CopyOnWrite says its files share blocks with another cluster's (a
	// ThinCopy): WAL segments are then neither zero-filled nor recycled,
	// which would write each one whole.
	CopyOnWrite bool
	// KeepPort makes Start fail, rather than move to another port, when
	// the port it last listened on is taken: clients hold URLs with it.
	KeepPort bool
}

// Start initialises the cluster on first use, starts it if it is not
// running, and returns its superuser URL. Concurrent callers are
// serialised by a lock file, so two prenv runs start one server.
func (c *Cluster) Start(ctx context.Context) (string, error) {
	if c.Binaries.Dir == "" {
		b, err := FindBinaries(ctx, "")
		if err != nil {
			return "", err
		}
		c.Binaries = b
	}
	owner, err := serverUser()
	if err != nil {
		return "", err
	}
	if err := c.prepareDir(owner); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(c.Dir, ".lock"), syscall.LOCK_EX)
	if err != nil {
		return "", err
	}
	defer unlock()

	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx, owner); err != nil {
			return "", err
		}
	}
	password, err := os.ReadFile(c.passwordFile())
	if err != nil {
		return "", fmt.Errorf("read the cluster's admin password: %w", err)
	}
	if c.run(ctx, owner, "pg_ctl", "status", "-D", c.dataDir()) == nil {
		port, err := c.port()
		if err != nil {
			return "", err
		}
		return adminURL(strings.TrimSpace(string(password)), port), nil
	}
	fresh := false
	for attempt := 1; ; attempt++ {
		port, err := c.choosePort(fresh)
		if err != nil {
			return "", err
		}
		err = c.startOn(ctx, owner, port)
		if err == nil {
			return adminURL(strings.TrimSpace(string(password)), port), nil
		}
		log := c.logTail()
		switch {
		case attempt == 10:
			return "", err
		case strings.Contains(log, "Address already in use") && !c.KeepPort && attempt < 3:
			// A port found free can be taken by another process before the
			// server binds it (an outgoing connection's ephemeral port, say).
			fresh = true
		case strings.Contains(log, "pre-existing shared memory block"):
			// A killed postmaster's children hold its shared memory until
			// they notice it is gone, within a second or so.
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(500 * time.Millisecond):
			}
		default:
			return "", err
		}
	}
}

func (c *Cluster) startOn(ctx context.Context, owner *user.User, port int) error {
	opts := strings.Join(c.serverOptions(port), " ")
	if err := c.run(ctx, owner, "pg_ctl", "start", "-w", "-t", "60", "-D", c.dataDir(), "-l", c.logFile(), "-o", opts); err != nil {
		return fmt.Errorf("start PostgreSQL in %s: %w; its log ends: %s", c.Dir, err, c.logTail())
	}
	return nil
}

// serverOptions are the postgres options of a start on port.
func (c *Cluster) serverOptions(port int) []string {
	maxConns := c.MaxConnections
	if maxConns == 0 {
		maxConns = 300
	}
	// A local cluster has no replicas: minimal WAL lets bulk loads into a
	// table emptied in the same transaction (anonymisation) skip the WAL.
	opts := []string{"-c listen_addresses=127.0.0.1", fmt.Sprintf("-c port=%d", port), "-c unix_socket_directories=" + c.runDir(),
		fmt.Sprintf("-c max_connections=%d", maxConns), "-c wal_level=minimal", "-c max_wal_senders=0"}
	if c.SharedBuffers != "" {
		opts = append(opts, "-c shared_buffers="+c.SharedBuffers)
	}
	if c.CopyOnWrite {
		opts = append(opts, "-c wal_init_zero=off", "-c wal_recycle=off")
	}
	return opts
}

// logTail is the last lines of the server's log, where it says why it stopped.
func (c *Cluster) logTail() string {
	data, err := os.ReadFile(c.logFile())
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, " | ")
}

// Stop shuts the cluster down, ending open sessions; with Binaries zero it
// finds them as Start does. A stopped cluster is not an error.
func (c *Cluster) Stop(ctx context.Context) error {
	if c.Binaries.Dir == "" {
		b, err := FindBinaries(ctx, "")
		if err != nil {
			return err
		}
		c.Binaries = b
	}
	owner, err := serverUser()
	if err != nil {
		return err
	}
	if c.run(ctx, owner, "pg_ctl", "status", "-D", c.dataDir()) != nil {
		return nil
	}
	return c.run(ctx, owner, "pg_ctl", "stop", "-m", "fast", "-w", "-D", c.dataDir())
}

func (c *Cluster) dataDir() string      { return filepath.Join(c.Dir, "data") }
func (c *Cluster) runDir() string       { return filepath.Join(c.Dir, "run") }
func (c *Cluster) logFile() string      { return filepath.Join(c.Dir, "postgres.log") }
func (c *Cluster) portFile() string     { return filepath.Join(c.Dir, "port") }
func (c *Cluster) passwordFile() string { return filepath.Join(c.Dir, "admin-password") }

// prepareDir makes Dir and checks that the server's user can reach it.
func (c *Cluster) prepareDir(owner *user.User) error {
	if err := os.MkdirAll(filepath.Dir(c.Dir), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(c.Dir), err)
	}
	for _, d := range []string{c.Dir, c.runDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
		if err := chown(d, owner); err != nil {
			return err
		}
	}
	if owner == nil {
		return nil
	}
	if err := Reachable(c.Dir); err != nil {
		return fmt.Errorf("%w: keep the cluster outside it, e.g. /var/lib/prenv/postgres", err)
	}
	return nil
}

// Reachable reports whether the user PostgreSQL runs as can reach dir:
// when prenv runs as root, the server runs as postgres, which needs every
// directory above dir to be open to others.
func Reachable(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	for d := filepath.Dir(filepath.Clean(dir)); d != filepath.Dir(d); d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if errors.Is(err, os.ErrNotExist) {
			continue // made later, open to others
		}
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("the postgres user cannot reach %s because %s is private (%s)", dir, d, fi.Mode().Perm())
		}
	}
	return nil
}

func (c *Cluster) initdb(ctx context.Context, owner *user.User) error {
	password := randomSecret()
	pwfile := filepath.Join(c.Dir, ".initdb-pw")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(pwfile)
	if err := chown(pwfile, owner); err != nil {
		return err
	}
	err := c.run(ctx, owner, "initdb", "-D", c.dataDir(), "-U", AdminUser, "--pwfile="+pwfile,
		"--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C")
	if err != nil {
		os.RemoveAll(c.dataDir())
		return fmt.Errorf("initdb in %s: %w", c.dataDir(), err)
	}
	return atomicfile.Write(c.passwordFile(), []byte(password+"\n"), 0o600)
}

// choosePort keeps the port of the last start if it is free, so URLs stay
// the same across restarts, and otherwise (or when fresh) takes a free one;
// with KeepPort a taken port is an error.
func (c *Cluster) choosePort(fresh bool) (int, error) {
	if port, err := c.port(); err == nil && !fresh {
		if portFree(port) {
			return port, nil
		}
		if c.KeepPort {
			return 0, fmt.Errorf("port %d, where PostgreSQL in %s listened and its clients connect, is taken by another program: free it and start again", port, c.Dir)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port, atomicfile.Write(c.portFile(), []byte(strconv.Itoa(port)+"\n"), 0o644)
}

func (c *Cluster) port() (int, error) {
	data, err := os.ReadFile(c.portFile())
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(data)))
}

// run runs one PostgreSQL program as owner (nil: as ourselves).
func (c *Cluster) run(ctx context.Context, owner *user.User, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, c.Binaries.path(name), args...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// pg_ctl start leaves postgres running: give it its own session so it
	// outlives prenv and is not killed with prenv's process group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if owner != nil {
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// serverUser is the user the server runs as: postgres when we are root
// (PostgreSQL refuses to run as root), else nil for ourselves.
func serverUser() (*user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, prenv needs a postgres user to run PostgreSQL as: install the postgresql package, which creates it")
	}
	return u, nil
}

func chown(path string, owner *user.User) error {
	if owner == nil {
		return nil
	}
	uid, _ := strconv.Atoi(owner.Uid)
	gid, _ := strconv.Atoi(owner.Gid)
	return os.Chown(path, uid, gid)
}

func adminURL(password string, port int) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(AdminUser, password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Path: "/postgres", RawQuery: "sslmode=disable"}
	return u.String()
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func randomSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// lockFile takes a lock on path, exclusive (LOCK_EX) or shared
// (LOCK_SH), waiting for other holders.
func lockFile(path string, how int) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
