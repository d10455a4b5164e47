package pg

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Admin is a superuser connection to a cluster's maintenance database.
type Admin struct {
	conn *pgx.Conn
	url  string
}

// Connect opens an admin connection to the server at url.
func Connect(ctx context.Context, url string) (*Admin, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", redact(url), err)
	}
	return &Admin{conn: conn, url: url}, nil
}

// Close ends the connection.
func (a *Admin) Close(ctx context.Context) error { return a.conn.Close(ctx) }

// ident quotes a name for SQL.
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// literal quotes a string as an SQL literal.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// BusyError reports a template database that other sessions kept open.
type BusyError struct {
	Template string
	Sessions []string // "pid 123 user app (application) since T"
	Waited   time.Duration
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("template %s stayed in use for %s by %s: close those sessions (templates must have none) and retry",
		e.Template, e.Waited.Round(time.Second), strings.Join(e.Sessions, "; "))
}

// Clone creates database name as a file copy of template, owned by owner.
// While other sessions hold the template open, it retries for up to wait,
// then returns a *BusyError naming them.
func (a *Admin) Clone(ctx context.Context, template, name, owner string, wait time.Duration) error {
	sql := fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s OWNER %s STRATEGY FILE_COPY", ident(name), ident(template), ident(owner))
	start := time.Now()
	for delay := 50 * time.Millisecond; ; delay = min(delay*2, time.Second) {
		_, err := a.conn.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "55006" { // object_in_use
			if err != nil {
				return fmt.Errorf("clone %s from %s: %w", name, template, err)
			}
			return nil
		}
		if time.Since(start)+delay > wait {
			sessions, serr := a.sessions(ctx, template)
			if serr != nil {
				return serr
			}
			return &BusyError{Template: template, Sessions: sessions, Waited: time.Since(start)}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}

// sessions describes the sessions connected to database db.
func (a *Admin) sessions(ctx context.Context, db string) ([]string, error) {
	rows, err := a.conn.Query(ctx, `SELECT pid, coalesce(usename, ''), coalesce(application_name, ''), coalesce(backend_start, now())
		FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, db)
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		var (
			pid          int
			user, app    string
			backendStart time.Time
		)
		if err := rows.Scan(&pid, &user, &app, &backendStart); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("pid %d user %s (%s) since %s", pid, user, app, backendStart.UTC().Format(time.RFC3339)))
	}
	return out, rows.Err()
}

// Adopt gives role to every object in database db that role from owns:
// the tables, sequences and functions cloned from a golden copy become the
// environment's own, so its migrations can alter them. from must own no
// database or tablespace, which REASSIGN OWNED would move too.
func (a *Admin) Adopt(ctx context.Context, db, from, to string) error {
	conn, err := a.connectTo(ctx, db, false)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, fmt.Sprintf("REASSIGN OWNED BY %s TO %s", ident(from), ident(to)))
	return err
}

// connectTo connects to database db of the admin's server as the admin;
// simple sends statements unprepared, so a script of several runs as one.
func (a *Admin) connectTo(ctx context.Context, db string, simple bool) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(a.url)
	if err != nil {
		return nil, err
	}
	cfg.Database = db
	if simple {
		cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", db, err)
	}
	return conn, nil
}

// CreateDatabase creates an empty database owned by owner.
func (a *Admin) CreateDatabase(ctx context.Context, name, owner string) error {
	_, err := a.conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s OWNER %s", ident(name), ident(owner)))
	return err
}

// Freeze vacuums database db with FREEZE and ANALYZE: every row marked
// visible to all and its statistics current, so that reading a copy of
// its files writes nothing back (no hint bits, no autovacuum), and a
// copy that shares its blocks keeps sharing them.
func (a *Admin) Freeze(ctx context.Context, db string) error {
	conn, err := a.connectTo(ctx, db, false)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "VACUUM (FREEZE, ANALYZE)"); err != nil {
		return fmt.Errorf("vacuum %s: %w", db, err)
	}
	return nil
}

// SetOwner makes role the owner of database db.
func (a *Admin) SetOwner(ctx context.Context, db, role string) error {
	_, err := a.conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s OWNER TO %s", ident(db), ident(role)))
	return err
}

// MakeTemplate marks db as a template that accepts no connections, so no
// environment can write to the golden copy.
func (a *Admin) MakeTemplate(ctx context.Context, db string) error {
	if err := a.terminate(ctx, db); err != nil {
		return err
	}
	_, err := a.conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s WITH IS_TEMPLATE true ALLOW_CONNECTIONS false", ident(db)))
	return err
}

// EnsureGroup creates role name without login, to own a golden copy's
// objects; an existing one is kept.
func (a *Admin) EnsureGroup(ctx context.Context, name string) error {
	exists, err := a.RoleExists(ctx, name)
	if err != nil || exists {
		return err
	}
	_, err = a.conn.Exec(ctx, fmt.Sprintf("CREATE ROLE %s NOLOGIN", ident(name)))
	return err
}

// EnsureRole creates login role name with password, or resets the
// password of an existing one.
func (a *Admin) EnsureRole(ctx context.Context, name, password string) error {
	exists, err := a.RoleExists(ctx, name)
	if err != nil {
		return err
	}
	verb := "CREATE"
	if exists {
		verb = "ALTER"
	}
	_, err = a.conn.Exec(ctx, fmt.Sprintf("%s ROLE %s WITH LOGIN PASSWORD %s", verb, ident(name), literal(password)))
	return err
}

// DropDatabase ends db's sessions and drops it; a missing db is fine.
func (a *Admin) DropDatabase(ctx context.Context, db string) error {
	if _, err := a.conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s WITH IS_TEMPLATE false", ident(db))); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "3D000" { // invalid_catalog_name: already gone
			return nil
		}
		return err
	}
	_, err := a.conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", ident(db)))
	return err
}

// DropRole drops role name; a missing role is fine.
func (a *Admin) DropRole(ctx context.Context, name string) error {
	_, err := a.conn.Exec(ctx, fmt.Sprintf("DROP ROLE IF EXISTS %s", ident(name)))
	return err
}

// DatabaseExists reports whether db exists.
func (a *Admin) DatabaseExists(ctx context.Context, db string) (bool, error) {
	var ok bool
	err := a.conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", db).Scan(&ok)
	return ok, err
}

// RoleExists reports whether role name exists.
func (a *Admin) RoleExists(ctx context.Context, name string) (bool, error) {
	var ok bool
	err := a.conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", name).Scan(&ok)
	return ok, err
}

// Databases lists the databases whose names start with prefix.
func (a *Admin) Databases(ctx context.Context, prefix string) ([]string, error) {
	rows, err := a.conn.Query(ctx, "SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1", prefix)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Rename renames database from to to, ending its sessions first.
func (a *Admin) Rename(ctx context.Context, from, to string) error {
	if err := a.terminate(ctx, from); err != nil {
		return err
	}
	_, err := a.conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", ident(from), ident(to)))
	return err
}

// Roles lists the roles whose names start with prefix.
func (a *Admin) Roles(ctx context.Context, prefix string) ([]string, error) {
	rows, err := a.conn.Query(ctx, "SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY 1", prefix)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func (a *Admin) terminate(ctx context.Context, db string) error {
	_, err := a.conn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", db)
	return err
}

// DatabaseURL returns url pointing at database db as user with password.
func DatabaseURL(url, db, user, password string) (string, error) {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return "", err
	}
	u := neturl.URL{Scheme: "postgres", User: neturl.UserPassword(user, password),
		Host: net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String(), nil
}

// redact hides the password in a connection URL.
func redact(url string) string {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return "(unparsable URL)"
	}
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

// Load runs sql, a script of statements, in database db as role, so the
// objects it creates belong to role.
func (a *Admin) Load(ctx context.Context, db, role, sql string) error {
	conn, err := a.connectTo(ctx, db, true)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	setup := fmt.Sprintf("ALTER SCHEMA public OWNER TO %s; SET ROLE %s", ident(role), ident(role))
	if _, err := conn.Exec(ctx, setup); err != nil || sql == "" {
		return err
	}
	_, err = conn.Exec(ctx, sql)
	return err
}

// Migrate applies, as role, the *.up.sql files in dir whose version (the
// number that starts their name, golang-migrate style) is above the one
// recorded in db's schema_migrations table, in order, one transaction
// each. It returns the names it applied.
func (a *Admin) Migrate(ctx context.Context, db, role, dir string) ([]string, error) {
	files, err := upMigrations(dir)
	if err != nil || len(files) == 0 {
		return nil, err
	}
	conn, err := a.connectTo(ctx, db, true)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	setup := fmt.Sprintf(`SET ROLE %s;
CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)`, ident(role))
	if _, err := conn.Exec(ctx, setup); err != nil {
		return nil, err
	}
	var current int64
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range files {
		if m.version <= current {
			continue
		}
		sql, err := os.ReadFile(m.path)
		if err != nil {
			return applied, err
		}
		const begin = "BEGIN;\n"
		script := fmt.Sprintf("%s%s\n;DELETE FROM schema_migrations; INSERT INTO schema_migrations VALUES (%d, false); COMMIT;", begin, sql, m.version)
		if _, err := conn.Exec(ctx, script); err != nil {
			_, _ = conn.Exec(context.Background(), "ROLLBACK")
			return applied, &MigrationError{File: filepath.Base(m.path), Line: migrationLine(err, begin, string(sql)), Version: current, Err: err}
		}
		applied, current = append(applied, filepath.Base(m.path)), m.version
	}
	return applied, nil
}

type migration struct {
	version int64
	path    string
}

// upMigrations lists dir's NNN_name.up.sql files by version.
func upMigrations(dir string) ([]migration, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.up.sql"))
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, p := range paths {
		digits, _, ok := strings.Cut(filepath.Base(p), "_")
		v, err := strconv.ParseInt(digits, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s is not named <version>_<name>.up.sql", p)
		}
		ms = append(ms, migration{version: v, path: p})
	}
	slices.SortFunc(ms, func(a, b migration) int { return cmp.Compare(a.version, b.version) })
	return ms, nil
}

// Restore copies the database at sourceURL into db with pg_dump -Fc |
// pg_restore, its objects owned by role. It is how a golden copy is taken
// from a "production" server.
func (a *Admin) Restore(ctx context.Context, sourceURL, db, role string) error {
	bins, err := FindBinaries(ctx, "")
	if err != nil {
		return err
	}
	if err := a.Load(ctx, db, role, ""); err != nil { // hands role the public schema
		return err
	}
	cfg, err := pgx.ParseConfig(a.url)
	if err != nil {
		return err
	}
	cfg.Database = db
	target := DatabaseURLFromConfig(cfg)
	dump := exec.CommandContext(ctx, bins.path("pg_dump"), "-Fc", "--no-owner", "--no-acl", sourceURL)
	restore := exec.CommandContext(ctx, bins.path("pg_restore"), "--no-owner", "--no-acl", "--role="+role, "--exit-on-error", "-d", target)
	pipe, err := dump.StdoutPipe()
	if err != nil {
		return err
	}
	restore.Stdin = pipe
	var dumpErr, restoreErr bytes.Buffer
	dump.Stderr, restore.Stderr = &dumpErr, &restoreErr
	if err := dump.Start(); err != nil {
		return err
	}
	rerr := restore.Run()
	derr := dump.Wait()
	switch {
	case derr != nil:
		return fmt.Errorf("pg_dump %s: %v: %s", redact(sourceURL), derr, strings.TrimSpace(dumpErr.String()))
	case rerr != nil:
		return fmt.Errorf("pg_restore into %s: %v: %s", db, rerr, strings.TrimSpace(restoreErr.String()))
	}
	return nil
}

// DatabaseURLFromConfig renders a connection config back into a URL.
func DatabaseURLFromConfig(cfg *pgx.ConnConfig) string {
	u := neturl.URL{Scheme: "postgres", User: neturl.UserPassword(cfg.User, cfg.Password),
		Host: net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), Path: "/" + cfg.Database, RawQuery: "sslmode=disable"}
	return u.String()
}

// MigrateURL applies dir's migrations to the database at url as its own
// user, as Migrate does: how the aws target's Job migrates a clone before
// anonymising it.
func MigrateURL(ctx context.Context, url, dir string) ([]string, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse the database URL: %w", err)
	}
	a, err := Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer a.Close(context.Background())
	return a.Migrate(ctx, cfg.Database, cfg.User, dir)
}
