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
	if t.Clone.Method == stacks.CloneThin {
		return t.refreshThinGolden(ctx, bp, spec)
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

// refreshThinGolden is RefreshGolden for thin clones: the new golden is a
// cluster built beside the old one, verified before it is stopped and
// swapped in. Environments copied from the old one keep their blocks.
func (t Target) refreshThinGolden(ctx context.Context, bp *stacks.Blueprint, spec string) (anonymize.VerifyReport, error) {
	var rep anonymize.VerifyReport
	var a Anonymization
	if err := json.Unmarshal([]byte(spec), &a); err != nil {
		return rep, err
	}
	golden := GoldenName(bp.Project)
	in := DatabaseArgs{Name: golden, ObjectsOwner: ObjectsOwner(bp.Project), Golden: true, Source: t.GoldenSource(bp), Anonymize: spec, Salt: t.Salt,
		Clone: string(stacks.CloneThin), ClusterDir: t.thinGoldenDir(bp.Project)}
	check := func(ctx context.Context, admin *pg.Admin, adminURL string) (err error) {
		// The source to verify against: the production URL itself, or the
		// SQL file loaded as it is into a scratch database, which must be
		// gone before the cluster becomes the golden every clone copies.
		sourceURL := in.Source
		if !IsDatabaseURL(sourceURL) {
			raw := in
			raw.AdminURL, raw.Name = adminURL, golden+"_source"
			if err := loadSource(ctx, admin, raw); err != nil {
				return err
			}
			sourceURL = databaseURL(adminURL, raw.Name)
			defer func() {
				if derr := admin.DropDatabase(context.Background(), raw.Name); derr != nil && err == nil {
					err = fmt.Errorf("drop the raw copy of the source from the new golden, which therefore stays out: %w", derr)
				}
			}()
		}
		if rep, err = verify(ctx, sourceURL, databaseURL(adminURL, golden), a.Rules); err != nil {
			return fmt.Errorf("the new golden failed verification, so the old one stays: %w", err)
		}
		return nil
	}
	return rep, createThinGolden(ctx, in, check)
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
