package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/stacks"
)

// migrateFirst applies the migrations before the anonymisation,
// so its migrations scope covers tables that exist.
func (a *App) migrateFirst(ctx context.Context, bp *stacks.Blueprint, f *anonymizeFlags, dbURL string) error {
	dir := migrationsDir(bp, f)
	if dir == "" {
		return usage(errors.New("--migrate needs the migrations: pass --migrations DIR or set database.migrations, the directory of <version>_<name>.up.sql files"))
	}
	applied, err := pg.MigrateURL(ctx, dbURL, dir)
	for _, m := range applied {
		fmt.Fprintf(a.Stdout, "migrated %s\n", m)
	}
	return err
}

// migrationsDir is --migrations, else the blueprint's database.migrations.
func migrationsDir(bp *stacks.Blueprint, f *anonymizeFlags) string {
	if f.migrations == "" && bp.Database.Migrations != "" {
		return bp.Resolve(bp.Database.Migrations)
	}
	return f.migrations
}
