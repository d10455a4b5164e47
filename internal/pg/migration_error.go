package pg

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// MigrationError is a migration that failed. Its transaction was rolled
// back, so nothing of it was applied; those before it stay applied.
type MigrationError struct {
	File    string // the migration's file name
	Line    int    // the line of the file PostgreSQL pointed at, or 0
	Version int64  // the version the database stays at
	Err     error
}

func (e *MigrationError) Error() string {
	at := ""
	if e.Line > 0 {
		at = fmt.Sprintf(":%d", e.Line)
	}
	return fmt.Sprintf("migration %s%s: %v; it was rolled back and the database stays at version %d: fix the migration and run again",
		e.File, at, e.Err, e.Version)
}

func (e *MigrationError) Unwrap() error { return e.Err }

// migrationLine is the line of a migration's sql that err's position
// points at, when PostgreSQL gave one for a script holding sql after
// prefix; else 0.
func migrationLine(err error, prefix, sql string) int {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Position <= 0 {
		return 0
	}
	i := int(pgErr.Position) - 1 - len([]rune(prefix)) // Position counts characters from 1
	runes := []rune(sql)
	if i < 0 || i >= len(runes) {
		return 0
	}
	return 1 + strings.Count(string(runes[:i]), "\n")
}
