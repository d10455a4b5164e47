package local

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/anonymize"
	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/stacks"
)

// RefreshGolden rebuilds bp's golden from its source: it loads the source
// into a new database, anonymises it whole, verifies that no sampled
// original value survives, and only then swaps it in for the old golden.
// A failure at any step leaves the old golden as it was.
func (t Target) RefreshGolden(ctx context.Context, bp *stacks.Blueprint) (anonymize.VerifyReport, error) {
	var rep anonymize.VerifyReport
	spec := AnonymizationOf(bp)
	if spec == "" {
		return rep, fmt.Errorf("the blueprint has no database.anonymize.rules: a golden without them would hold raw data; add rules first")
	}
	admin, err := pg.Connect(ctx, t.AdminURL)
	if err != nil {
		return rep, err
	}
	defer admin.Close(context.Background())
	golden := GoldenName(bp.Project)
	next, old, scratch := golden+"_next", golden+"_old", golden+"_source"
	in := DatabaseArgs{AdminURL: t.AdminURL, Name: next, ObjectsOwner: ObjectsOwner(bp.Project), Source: t.GoldenSource(bp), Anonymize: spec, Salt: t.Salt}
	if err := loadGolden(ctx, admin, in); err != nil {
		return rep, err
	}
	dropNext := func() { _ = admin.DropDatabase(context.Background(), next) }

	// The source to verify against: the production URL itself, or the SQL
	// file loaded as it is into a scratch database.
	sourceURL := in.Source
	if !IsDatabaseURL(sourceURL) {
		raw := in
		raw.Name = scratch
		if err := loadSource(ctx, admin, raw); err != nil {
			dropNext()
			return rep, err
		}
		defer admin.DropDatabase(context.Background(), scratch) //nolint:errcheck
		sourceURL = databaseURL(t.AdminURL, scratch)
	}
	var a Anonymization
	_ = json.Unmarshal([]byte(spec), &a)
	rep, err = verify(ctx, sourceURL, databaseURL(t.AdminURL, next), a.Rules)
	if err != nil {
		dropNext()
		return rep, fmt.Errorf("the new golden failed verification, so the old one stays: %w", err)
	}
	if err := admin.MakeTemplate(ctx, next); err != nil {
		dropNext()
		return rep, err
	}
	exists, err := admin.DatabaseExists(ctx, golden)
	if err != nil {
		dropNext()
		return rep, err
	}
	if exists {
		if err := admin.DropDatabase(ctx, old); err != nil {
			return rep, err
		}
		if err := admin.Rename(ctx, golden, old); err != nil {
			dropNext()
			return rep, fmt.Errorf("set the old golden aside (it stays in place): %w", err)
		}
	}
	if err := admin.Rename(ctx, next, golden); err != nil {
		if exists {
			_ = admin.Rename(context.Background(), old, golden)
		}
		dropNext()
		return rep, fmt.Errorf("swap in the new golden (the old one is back): %w", err)
	}
	if exists {
		if err := admin.DropDatabase(ctx, old); err != nil {
			return rep, fmt.Errorf("drop the old golden %s: %w", old, err)
		}
	}
	return rep, nil
}

func verify(ctx context.Context, sourceURL, anonymizedURL string, rules map[string]anonymize.Rule) (anonymize.VerifyReport, error) {
	src, err := pgx.Connect(ctx, sourceURL)
	if err != nil {
		return anonymize.VerifyReport{}, fmt.Errorf("connect to the golden's source: %w", err)
	}
	defer src.Close(context.Background())
	dst, err := pgx.Connect(ctx, anonymizedURL)
	if err != nil {
		return anonymize.VerifyReport{}, err
	}
	defer dst.Close(context.Background())
	return anonymize.Verify(ctx, src, dst, rules)
}

// databaseURL is adminURL pointed at database db.
func databaseURL(adminURL, db string) string {
	cfg, err := pgx.ParseConfig(adminURL)
	if err != nil {
		return adminURL
	}
	cfg.Database = db
	return pg.DatabaseURLFromConfig(cfg)
}
