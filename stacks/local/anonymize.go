package local

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/jackc/pgx/v5"
	p "github.com/pulumi/pulumi-go-provider"

	"github.com/prenv/prenv/internal/anonymize"
	"github.com/prenv/prenv/stacks"
)

// Anonymization is what the Database resource needs of the blueprint's
// database.anonymize, carried as one JSON input.
type Anonymization struct {
	Scope string                    `json:"scope"` // migrations or all
	Rules map[string]anonymize.Rule `json:"rules"`
	Allow []string                  `json:"allow,omitempty"`
}

// AnonymizationOf encodes bp's anonymisation for the Database resource;
// "" when the blueprint has no rules.
func AnonymizationOf(bp *stacks.Blueprint) string {
	a := bp.Database.Anonymize
	if len(a.Rules) == 0 {
		return ""
	}
	out := Anonymization{Scope: a.Scope, Allow: a.Allow, Rules: map[string]anonymize.Rule{}}
	for col, r := range a.Rules {
		out.Rules[col] = anonymize.Rule{Transformer: r.Transformer, Options: r.Options}
	}
	data, _ := json.Marshal(out)
	return string(data)
}

// anonymizeDatabase runs the anonymisation spec describes on db (an empty
// spec has no rules, and only checks that nothing looks personal). files,
// when given, are the migrations just applied, and limit a migrations
// scope to the columns they wrote; nil means the whole database.
func anonymizeDatabase(ctx context.Context, adminURL, db, spec string, salt []byte, files []string, progress io.Writer) error {
	// Without rules nothing is rewritten, but detection still runs: a
	// database whose columns look personal is refused, not copied raw.
	a := Anonymization{Scope: "migrations"}
	if spec != "" {
		if err := json.Unmarshal([]byte(spec), &a); err != nil {
			return fmt.Errorf("read the anonymisation rules: %w", err)
		}
	}
	o := anonymize.Options{Rules: a.Rules, Allow: a.Allow, Salt: salt, Progress: progress}
	if files == nil {
		// A whole database (a golden) is rewritten, never updated in place:
		// an update leaves the raw rows behind as dead tuples in the files
		// every clone copies.
		o.Method = "rewrite"
	}
	if files != nil && a.Scope != "all" {
		scope, err := anonymize.ScopeFiles(files)
		if err != nil {
			return err
		}
		for _, w := range scope.Warnings {
			// Shown by prenv up (a warning of the Database resource).
			p.GetLogger(ctx).Warning("anonymize: " + w)
		}
		if !scope.Everything {
			// Only the columns the migrations wrote are rewritten.
			o.Tables, o.Derived, o.Columns = scope.Tables, scope.Derived, scope.Writes
			if o.Tables == nil {
				o.Tables = []string{}
			}
		}
	}
	// A PR's clone holds the anonymised golden and what its migrations
	// wrote: name and noise outputs met again are kept.
	o.FromGolden = files != nil
	cfg, err := pgx.ParseConfig(adminURL)
	if err != nil {
		return err
	}
	cfg.Database = db
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to %s to anonymise it: %w", db, err)
	}
	defer conn.Close(context.Background())
	if _, err := anonymize.Run(ctx, conn, o); err != nil {
		return fmt.Errorf("anonymise %s: %w", db, err)
	}
	return nil
}

// migrationPaths turns applied migration names back into paths in dir.
func migrationPaths(dir string, names []string) []string {
	paths := make([]string, 0, len(names))
	for _, n := range names {
		paths = append(paths, filepath.Join(dir, n))
	}
	return paths
}
