package stub_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/stub"
)

// TestRefusesWhatItCannotServe loads each mapping of testdata/refused,
// alone in a directory, and checks that Load refuses it naming the file
// and every field it cannot serve.
func TestRefusesWhatItCannotServe(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file       string
		wantFields []string // each must appear as "<file>: <field>: "
		wantMsg    string   // part of the message
	}{
		{"everything.json", []string{"request.basicAuthCredentials", "request.cookies", "request.multipartPatterns", "request.bodyPatterns[0].equalToXml", "request.bodyPatterns[1].matchesXPath"}, "match headers.Cookie"},
		{"form-parameters.json", []string{"request.formParameters"}, "match the body with contains or matches"},
		{"path-template.json", []string{"request.urlPathTemplate", "request.pathParameters"}, "use urlPathPattern"},
		{"absent.json", []string{"request.headers.X-Absent.absent"}, "prenv serves only the matchers equalTo"},
		{"does-not-match.json", []string{"request.queryParameters.search_term.doesNotMatch"}, "prenv serves only the matchers"},
		{"json-path.json", []string{"request.bodyPatterns[0].matchesJsonPath"}, "prenv serves only the matchers"},
		{"status-message.json", []string{"response.statusMessage"}, "standard reason phrase"},
		{"random-delay.json", []string{"response.delayDistribution"}, "use fixedDelayMilliseconds"},
		{"fault.json", []string{"response.fault"}, "faults are not served"},
		{"proxy.json", []string{"response.proxyBaseUrl"}, "prenv stub record"},
		{"scenario.json", []string{"scenarioName", "requiredScenarioState"}, "scenarios are stateful"},
		{"lookahead.json", []string{"request.urlPathPattern"}, "no look-arounds"},
		{"placeholder.json", []string{"request.bodyPatterns[0].equalToJson"}, "${json-unit.ignore-element}"},
		{"two-urls.json", []string{"request.urlPath"}, "has url too"},
		{"two-bodies.json", []string{"response.jsonBody"}, "has body too"},
		{"missing-body-file.json", []string{"response.bodyFileName"}, "__files/nowhere.json"},
		{"typo.json", []string{"request.ulr"}, "is not a field prenv knows here"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "payments")
			data, err := os.ReadFile(filepath.Join("testdata", "refused", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, tc.file), data, 0o644); err != nil {
				t.Fatal(err)
			}
			set, err := stub.Load(dir)
			if err == nil {
				t.Fatalf("Load served %s (%d mappings); want it refused", tc.file, len(set.Mappings))
			}
			var le *stub.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load: %T %v, want a *stub.LoadError", err, err)
			}
			msg := err.Error()
			for _, field := range tc.wantFields {
				if want := filepath.Join(dir, tc.file) + ": " + field + ": "; !strings.Contains(msg, want) {
					t.Errorf("error lacks %q:\n%s", want, msg)
				}
			}
			if !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("error lacks %q:\n%s", tc.wantMsg, msg)
			}
			if lines := strings.Count(msg, "\n") + 1; lines != len(le.Errs) {
				t.Errorf("%d lines for %d problems: each problem is one line:\n%s", lines, len(le.Errs), msg)
			}
		})
	}
}

func TestLoadRefusesAMissingOrEmptyDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := []struct {
		name, dir, want string
	}{
		{"missing", filepath.Join(dir, "nowhere"), "not found: create it"},
		{"empty", dir, "holds no mapping"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := stub.Load(tc.dir); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.dir) {
				t.Errorf("Load(%s) = %v, want an error naming it and %q", tc.dir, err, tc.want)
			}
		})
	}
}

// TestLoadReadsAWireMockRoot: a directory with mappings/ and __files/, as
// WireMock's standalone server keeps them, loads like a flat one, and a
// {"mappings": [...]} file holds several mappings, the later preferred at
// equal priority.
func TestLoadReadsAWireMockRoot(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for path, body := range map[string]string{
		"mappings/all.json":  `{"mappings": [{"request": {"url": "/a"}, "response": {"body": "first"}}, {"name": "second", "request": {"url": "/a"}, "response": {"bodyFileName": "a.txt"}}], "meta": {"total": 2}}`,
		"mappings/notes.txt": "not a mapping",
		"__files/a.txt":      "from a file",
	} {
		p := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := stub.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Mappings[0].Label(); got != "second (mappings/all.json#1)" {
		t.Errorf("first mapping tried: %s, want second (mappings/all.json#1)", got)
	}
	var paths []string
	for _, f := range set.Files {
		paths = append(paths, f.Path)
	}
	if strings.Join(paths, " ") != "mappings/all.json __files/a.txt" {
		t.Errorf("files %v, want the mapping file and the body file it names", paths)
	}
}
