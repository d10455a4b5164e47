package naming

import (
	"strconv"
	"testing"
)

// FuzzNames feeds arbitrary projects and numbers and checks that every name
// that comes out fits its system, and that bad input is refused, not mangled.
func FuzzNames(f *testing.F) {
	f.Add("shop", 42)
	f.Add("a", 1)
	f.Add("abcdefghijklmnopqrstuvwxyz0123", MaxPR)
	f.Add("x; rm -rf /", -1)
	f.Add("feature/ünïcode", 0)
	f.Fuzz(func(t *testing.T, project string, pr int) {
		n, err := ForPR(project, pr)
		if err != nil {
			if ValidateProject(project) == nil && pr >= 1 && pr <= MaxPR {
				t.Fatalf("ForPR(%q, %d) refused valid input: %v", project, pr, err)
			}
			return
		}
		if err := n.Check(); err != nil {
			t.Fatalf("ForPR(%q, %d) = %+v, which breaks a limit: %v", project, pr, n, err)
		}
		if got, ok := PRFromEnv(n.Stack); !ok || got != pr {
			t.Fatalf("PRFromEnv(%q) = %d, %v, want %d", n.Stack, got, ok, pr)
		}
		if parsed, err := ParsePR(strconv.Itoa(pr)); err != nil || parsed != pr {
			t.Fatalf("ParsePR(%d) = %d, %v", pr, parsed, err)
		}
	})
}

// TestNamesProperty runs the property over a deterministic spread of inputs
// on every `go test`, without the fuzzer.
func TestNamesProperty(t *testing.T) {
	t.Parallel()
	projects := []string{"a", "ab", "shop", "my-app", "abcdefghijklmnopqrstuvwxyz0123", "abcdefghijklmnopqrstuvwxyz01234",
		"-ab", "ab-", "a--b", "AB", "a_b", "a b", "a.b", "日本", "", "a\nb", "$(id)"}
	for _, p := range projects {
		for _, pr := range []int{-1 << 40, -1, 0, 1, 9, 10, 12345, MaxPR, MaxPR + 1, 1 << 40} {
			n, err := ForPR(p, pr)
			valid := ValidateProject(p) == nil && pr >= 1 && pr <= MaxPR
			if valid != (err == nil) {
				t.Fatalf("ForPR(%q, %d) error = %v, want valid=%v", p, pr, err, valid)
			}
			if err == nil {
				if err := n.Check(); err != nil {
					t.Fatalf("ForPR(%q, %d): %v", p, pr, err)
				}
			}
		}
	}
}
