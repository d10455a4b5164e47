package cli

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/prenv/prenv/internal/checkout"
	"github.com/prenv/prenv/internal/session"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/prenv/prenv/internal/anonymize"
	"github.com/prenv/prenv/stacks"
)

// anonymizeFlags are prenv anonymize's flags.
type anonymizeFlags struct {
	blueprint   string
	databaseURL string
	scope       string
	migrations  string
	base, head  string
	plan        bool
	verify      bool
	sourceURL   string
	workers     int
	migrate     bool
}

func (a *App) anonymizeCommand() *cobra.Command {
	f := &anonymizeFlags{}
	cmd := &cobra.Command{
		Use:   "anonymize",
		Short: "Anonymise a database by the blueprint's rules (all tables, or those a PR's migrations touch)",
		Long: "anonymize rewrites the ruled columns of the database at --database-url, one table per transaction. " +
			"With --scope migrations it rewrites only the columns the migrations changed between --base and --head write (values already anonymised are kept). " +
			"It refuses to run while a column looks personal without a rule. --plan shows the work; --verify --source-url proves no sampled original survives.",
		Args: exactArgs(0),
	}
	fs := cmd.Flags()
	fs.StringVar(&f.blueprint, "blueprint", "prenv.yaml", "path of the blueprint holding database.anonymize")
	fs.StringVar(&f.databaseURL, "database-url", "", "postgres:// URL of the database to anonymise (default $PRENV_DATABASE_URL)")
	fs.StringVar(&f.scope, "scope", "", "all, or migrations (default: the blueprint's database.anonymize.scope)")
	fs.StringVar(&f.migrations, "migrations", "", "directory of the migrations (default: the blueprint's database.migrations)")
	fs.StringVar(&f.base, "base", "", "git ref the PR's migrations are compared with (scope migrations)")
	fs.StringVar(&f.head, "head", "HEAD", "git ref of the PR's migrations (scope migrations)")
	fs.BoolVar(&f.plan, "plan", false, "print what would be anonymised and stop")
	fs.BoolVar(&f.verify, "verify", false, "only verify: prove no sampled original value of a ruled column survives (needs --source-url)")
	fs.StringVar(&f.sourceURL, "source-url", "", "postgres:// URL of the original database, for --verify")
	fs.IntVar(&f.workers, "workers", 0, "parallel transform workers (default: one per CPU)")
	fs.BoolVar(&f.migrate, "migrate", false, "first apply the migrations (--migrations, or the blueprint's database.migrations) to the database, as its user (the aws target's Job does)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return a.anonymize(cmd.Context(), f) }
	return cmd
}

func (a *App) anonymize(ctx context.Context, f *anonymizeFlags) error {
	bp, err := stacks.Load(f.blueprint)
	if err != nil {
		return usage(err)
	}
	if reflect.ValueOf(bp.Database).IsZero() {
		return usage(fmt.Errorf("%s has no database section, so its environments have no database to anonymise: add database.anonymize.rules to anonymise one by them", f.blueprint))
	}
	if (f.plan || f.verify) && f.migrate {
		return usage(errors.New("--plan and --verify change nothing, but --migrate applies the migrations: drop --migrate, on a database the migrations have reached"))
	}
	dbURL := session.FirstOf(f.databaseURL, a.Getenv("PRENV_DATABASE_URL"))
	if dbURL == "" {
		return usage(errors.New("no database to anonymise: pass --database-url or set PRENV_DATABASE_URL"))
	}
	rules := map[string]anonymize.Rule{}
	for col, r := range bp.Database.Anonymize.Rules {
		rules[col] = anonymize.Rule{Transformer: r.Transformer, Options: r.Options}
	}
	if len(rules) == 0 {
		if !f.migrate {
			return usage(fmt.Errorf("%s has no database.anonymize.rules: add a rule for each personal column", f.blueprint))
		}
		if err := a.migrateFirst(ctx, bp, f, dbURL); err != nil {
			return err
		}
		fmt.Fprintln(a.Stdout, "nothing to anonymise: the blueprint has no rules")
		return nil
	}
	var o anonymize.Options
	if !f.verify { // every input is checked before --migrate changes the database
		if o, err = a.anonymizeOptions(ctx, bp, f, rules); err != nil {
			return err
		}
	}
	if f.migrate {
		if err := a.migrateFirst(ctx, bp, f, dbURL); err != nil {
			return err
		}
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("connect to --database-url: %w", err)
	}
	defer conn.Close(context.Background())
	if f.verify {
		return a.verifyAnonymized(ctx, f, conn, rules)
	}
	rep, err := anonymize.Run(ctx, conn, o)
	for _, t := range rep.Tables {
		switch {
		case f.plan:
			fmt.Fprintf(a.Stdout, "would anonymise %-24s %v by %s (about %d rows)\n", t.Table, t.Columns, t.Method, t.Rows)
		case t.Method == "columns":
			fmt.Fprintf(a.Stdout, "anonymised %-24s %v: %d of %d rows changed by columns in %s\n", t.Table, t.Columns, t.Rows, t.Checked, t.Duration.Round(time.Millisecond))
		default:
			fmt.Fprintf(a.Stdout, "anonymised %-24s %v: %d rows by %s in %s (%.0f rows/s)\n", t.Table, t.Columns, t.Rows, t.Method, t.Duration.Round(time.Millisecond), t.RowsPerSecond())
		}
	}
	if err == nil && len(rep.Tables) == 0 {
		fmt.Fprintln(a.Stdout, "nothing to anonymise: no ruled table is in scope")
	}
	return err
}

// anonymizeOptions resolves the salt and the scope of a run over rules.
func (a *App) anonymizeOptions(ctx context.Context, bp *stacks.Blueprint, f *anonymizeFlags, rules map[string]anonymize.Rule) (anonymize.Options, error) {
	home, err := a.home()
	if err != nil {
		return anonymize.Options{}, err
	}
	salt, err := a.host().Salt(bp, home)
	if err != nil {
		return anonymize.Options{}, err
	}
	o := anonymize.Options{Rules: rules, Allow: bp.Database.Anonymize.Allow, Salt: []byte(salt), Workers: f.workers, Plan: f.plan, Progress: a.Stderr}
	switch scope := session.FirstOf(f.scope, bp.Database.Anonymize.Scope); scope {
	case "all":
	case "migrations":
		err = a.migrationScope(ctx, bp, f, &o)
	default:
		err = usage(fmt.Errorf("--scope %q is not all or migrations", scope))
	}
	return o, err
}

// migrationScope limits o to what the migrations changed between --base
// and --head touch.
func (a *App) migrationScope(ctx context.Context, bp *stacks.Blueprint, f *anonymizeFlags, o *anonymize.Options) error {
	dir := migrationsDir(bp, f)
	if dir == "" || f.base == "" {
		return usage(errors.New("scope migrations needs the migrations and the PR's refs: pass --migrations DIR (or set database.migrations) and --base REF, or use --scope all"))
	}
	files, err := checkout.ChangedMigrations(ctx, dir, f.base, f.head)
	if err != nil {
		return usage(err)
	}
	scope, err := anonymize.ScopeFiles(files)
	if err != nil {
		return usage(err)
	}
	for _, w := range scope.Warnings {
		a.notice("anonymize: " + w)
	}
	o.FromGolden = true // a PR's database: a clone of the anonymised golden
	if !scope.Everything {
		o.Tables, o.Derived, o.Columns = append([]string{}, scope.Tables...), scope.Derived, scope.Writes
	}
	a.notice(fmt.Sprintf("%d changed migrations between %s and %s touch %d tables and write %d", len(files), f.base, f.head, len(scope.Tables), len(scope.Writes)))
	return nil
}

func (a *App) verifyAnonymized(ctx context.Context, f *anonymizeFlags, conn *pgx.Conn, rules map[string]anonymize.Rule) error {
	if f.sourceURL == "" {
		return usage(errors.New("--verify compares with the original: pass --source-url"))
	}
	src, err := pgx.Connect(ctx, f.sourceURL)
	if err != nil {
		return fmt.Errorf("connect to --source-url: %w", err)
	}
	defer src.Close(context.Background())
	rep, err := anonymize.Verify(ctx, src, conn, rules)
	for _, c := range rep.Columns {
		fmt.Fprintf(a.Stdout, "verified %-32s %d sampled originals, %d found\n", c.Column, c.Sampled, c.Survivors)
	}
	return err
}
