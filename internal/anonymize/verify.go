package anonymize

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"
)

// VerifyReport is, per ruled column, how many sampled original values
// were looked for in the anonymised database and how many survived.
type VerifyReport struct {
	Columns []ColumnCheck
}

// ColumnCheck is one column's verification.
type ColumnCheck struct {
	Column    string
	Sampled   int
	Survivors int
}

// verifySample is how many original values per column are looked for.
const verifySample = 2000

// Verify proves that no sampled original value of a ruled column survives
// in the anonymised database: it samples the source's values, and scans
// the anonymised column for any of them. Values are compared as keyed
// hashes under a key made for this run, so none is ever held in the clear
// beyond the row being read, printed or logged. Passthrough columns are
// skipped: they keep their values by design.
func Verify(ctx context.Context, source, anonymized *pgx.Conn, rules map[string]Rule) (VerifyReport, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return VerifyReport{}, err
	}
	sum := func(v string) string {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(v))
		return string(m.Sum(nil))
	}
	var rep VerifyReport
	var failed []string
	for _, k := range sortedKeys(rules) {
		if rules[k].Transformer == "passthrough" {
			continue
		}
		ref, err := ParseColumn(k)
		if err != nil {
			return rep, err
		}
		tbl := pgx.Identifier{ref.Schema, ref.Table}.Sanitize()
		col := pgx.Identifier{ref.Column}.Sanitize()
		rows, err := source.Query(ctx, fmt.Sprintf("SELECT %s::text FROM %s WHERE %s IS NOT NULL ORDER BY random() LIMIT %d", col, tbl, col, verifySample))
		if err != nil {
			return rep, fmt.Errorf("verify %s: sample the source: %w", ref, err)
		}
		originals := map[string]bool{}
		var v string
		if _, err := pgx.ForEachRow(rows, []any{&v}, func() error { originals[sum(v)] = true; return nil }); err != nil {
			return rep, fmt.Errorf("verify %s: %w", ref, err)
		}
		survivors, err := countSurvivors(ctx, anonymized, fmt.Sprintf("COPY (SELECT %s::text FROM %s WHERE %s IS NOT NULL) TO STDOUT", col, tbl, col), originals, sum)
		if err != nil {
			return rep, fmt.Errorf("verify %s: scan the anonymised column: %w", ref, err)
		}
		rep.Columns = append(rep.Columns, ColumnCheck{Column: ref.String(), Sampled: len(originals), Survivors: survivors})
		if survivors > 0 {
			failed = append(failed, fmt.Sprintf("%s (%d of %d sampled originals found)", ref, survivors, len(originals)))
		}
	}
	if len(failed) > 0 {
		return rep, fmt.Errorf("original values survive anonymisation in %s: check those rules", strings.Join(failed, ", "))
	}
	return rep, nil
}

// countSurvivors streams a COPY of one column and counts the distinct
// values whose hash is among originals.
func countSurvivors(ctx context.Context, conn *pgx.Conn, query string, originals map[string]bool, sum func(string) string) (int, error) {
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		buf := bufio.NewWriterSize(pw, 1<<20)
		_, err := conn.PgConn().CopyTo(ctx, buf, query)
		if err == nil {
			err = buf.Flush()
		}
		pw.CloseWithError(err)
		errc <- err
	}()
	found := map[string]bool{}
	r := bufio.NewReaderSize(pr, 1<<20)
	for {
		line, err := r.ReadString('\n')
		if line != "" {
			v, null := decodeField([]byte(strings.TrimSuffix(line, "\n")))
			if h := sum(v); !null && originals[h] {
				found[h] = true
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	return len(found), <-errc
}
