package anonymize

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Finding is a column that looks personal and has no rule.
type Finding struct {
	Column ColumnRef
	Why    string // what gave it away: its name, its content, or both
}

var (
	personalName = regexp.MustCompile(`(^|_)(e_?mails?|phones?|mobiles?|tel|telephones?|first_?names?|last_?names?|full_?names?|given_?names?|family_?names?|surnames?|address(es)?|streets?|city|zip|zipcode|postcode|postal_?code|ssn|social_security|iban|account_number|card_number|ips?|ip_address(es)?|birth|birthday|birthdate|date_of_birth|dob|passport|tax_id|national_id)($|_)`)
	// embeddedPatterns find personal values inside a json document or an
	// array's text.
	embeddedPatterns = []struct {
		what string
		re   *regexp.Regexp
	}{
		{"email addresses", regexp.MustCompile(`[^@\s"{},]+@[^@\s"{},]+\.[A-Za-z]{2,}`)},
		{"phone numbers", regexp.MustCompile(`\+\d[\d ().-]{6,}\d`)},
		{"IP addresses", regexp.MustCompile(`\b\d{1,3}(\.\d{1,3}){3}\b`)},
		{"social security numbers", regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b`)},
	}
	contentPatterns = []struct {
		what string
		re   *regexp.Regexp
	}{
		{"email addresses", regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$`)},
		{"phone numbers", regexp.MustCompile(`^\+?[0-9][0-9 ().-]{6,}[0-9]$`)},
		{"IP addresses", regexp.MustCompile(`^\d{1,3}(\.\d{1,3}){3}(/\d+)?$`)},
		{"IBANs", regexp.MustCompile(`^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$`)},
		{"social security numbers", regexp.MustCompile(`^\d{3}-\d{2}-\d{4}$`)},
		{"person names", regexp.MustCompile(`^[A-Z][a-z]+ [A-Z][A-Za-z'-]+$`)},
	}
)

// sampleRows is how many values of a column detection reads.
const sampleRows = 200

// detect returns the columns of tables that look personal by name or by
// sampled content and are neither ruled nor allowed.
func detect(ctx context.Context, q querier, tables []*table, rules compiled, allow map[string]bool) ([]Finding, error) {
	var found []Finding
	for _, t := range tables {
		if t.schema == "public" && t.name == "schema_migrations" {
			continue // versions only
		}
		for _, c := range t.columns {
			ref := ColumnRef{t.schema, t.name, c.name}
			if _, ruled := rules[ref.TableName()][c.name]; ruled || allow[ref.String()] || c.generated {
				continue
			}
			var why []string
			lower := strings.ToLower(c.name)
			if personalName.MatchString(lower) {
				why = append(why, "its name")
			}
			if kind := typeKind(c.typ); kind == "text" || kind == "inet" || isDocument(c.typ) {
				what, err := sampleLooksPersonal(ctx, q, t, c.name, isDocument(c.typ))
				if err != nil {
					return nil, err
				}
				if what != "" {
					why = append(why, "its values look like "+what)
				}
			}
			if len(why) > 0 {
				found = append(found, Finding{Column: ref, Why: strings.Join(why, " and ")})
			}
		}
	}
	return found, nil
}

// sampleLooksPersonal reads some of a column's values and says which kind
// of personal data most of them look like, or "". Values never leave
// this function.
func sampleLooksPersonal(ctx context.Context, q querier, t *table, col string, document bool) (string, error) {
	id := pgx.Identifier{col}.Sanitize()
	rows, err := q.Query(ctx, fmt.Sprintf("SELECT %s::text FROM %s WHERE %s IS NOT NULL LIMIT %d", id, t.ident(), id, sampleRows))
	if err != nil {
		return "", fmt.Errorf("sample %s.%s: %w", t, col, err)
	}
	values, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(values) == 0 {
		return "", err
	}
	patterns := contentPatterns
	if document {
		patterns = embeddedPatterns
	}
	for _, p := range patterns {
		n := 0
		for _, v := range values {
			if p.re.MatchString(strings.TrimSpace(v)) {
				n++
			}
		}
		if n*2 > len(values) {
			return p.what, nil
		}
	}
	return "", nil
}

// isDocument reports whether typ holds free-form structure (json, jsonb or
// an array) whose values detection samples as text.
func isDocument(typ string) bool {
	return typ == "json" || typ == "jsonb" || strings.HasSuffix(typ, "[]")
}
