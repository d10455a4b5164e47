package cli_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/prenv/prenv/internal/testenv"
)

// localCI is the job of examples/workflows/preview-local.yml as the
// runner runs it: a test PostgreSQL stands for the job's services
// container (PRENV_POSTGRES_URL); the main step brings the example app's
// PR environment up with ephemeral and runs a test-command against it;
// every process the step started is killed when it ends, as its
// container's end kills them; the post step destroys the environment.
type localCI struct {
	*actionSandbox
	marker string // a file the PR's title and branch would create, were they run
}

func newLocalCI(t *testing.T) *localCI {
	t.Helper()
	return &localCI{
		actionSandbox: &actionSandbox{localSandbox: newLocalSandbox(t), gh: testenv.NewGitHub(t, "acme/shop", actionToken)},
		marker:        filepath.Join(t.TempDir(), "pwned"),
	}
}

// open runs the main step on PR pr, opened with a title and branch that
// are shell code, with test-command command and the other inputs.
func (s *localCI) open(pr int, command string, inputs map[string]string) step {
	s.t.Helper()
	s.gh.AddPR(testenv.FakePR{Number: pr})
	in := map[string]string{
		"blueprint": s.blueprint, "work-dir": filepath.Dir(s.blueprint), "deploy-target": "local", "ephemeral": "true", "deployment": "false",
		// ephemeral alone lets the state stay on the runner.
		"allow-local-state": "false", "backend-url": s.backendURL,
		"test-command": command,
	}
	for k, v := range inputs {
		in[k] = v
	}
	return s.runStep(pullRequestEvent("opened", pr, func(p map[string]any) {
		p["title"] = "$(touch " + s.marker + ") `touch " + s.marker + "` \";touch " + s.marker + ";#"
		p["head"].(map[string]any)["ref"] = "x\";touch${IFS}" + s.marker + ";#"
	}), in)
}

// ranNoPRText fails the test if the PR's title or branch ran.
func (s *localCI) ranNoPRText() {
	s.t.Helper()
	if _, err := os.Stat(s.marker); !os.IsNotExist(err) {
		s.t.Fatal("a command in the PR's title or branch ran")
	}
}

// TestActionEphemeralLocalTarget runs a passing test-command on an
// ephemeral environment of the example app, with each engine.
func TestActionEphemeralLocalTarget(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"pulumi", "terraform"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := newLocalCI(t)
			if engine == "terraform" {
				s.extraEnv = append(s.extraEnv, "PRENV_TERRAFORM="+testenv.Terraform(t))
			}
			envFile := filepath.Join(t.TempDir(), "test-env")
			command := `env > ` + envFile + `; echo "testing $PRENV_URL"; echo "db=$PRENV_OUTPUT_DATABASEURL"; curl --fail --silent --show-error "$PRENV_URL/"`
			main := s.open(1, command, map[string]string{"engine": engine})
			if main.code != 0 {
				t.Fatalf("main step with a passing test-command: %s", main)
			}
			s.ranNoPRText()
			if engine == "terraform" && !strings.Contains(main.stderr, "create terraform_data.database[0]") {
				t.Errorf("terraform did not make the database: %s", main)
			}
			if !strings.Contains(main.stdout, "prenv: test-command passed in") || !strings.Contains(main.stdout, "::group::prenv test-command on pr-1") {
				t.Errorf("the log does not show the tests: %s", main)
			}
			db := main.outputs["databaseUrl"]
			if !strings.HasPrefix(db, "postgres://") {
				t.Fatalf("databaseUrl output = %q", db)
			}
			comments := s.gh.Comments(1)
			if len(comments) != 1 {
				t.Fatalf("comments on #1 = %+v, want one", comments)
			}
			for name, text := range map[string]string{"comment": comments[0].Body, "summary": main.summary} {
				for _, want := range []string{
					"is ready", "| Tests | ✅ passed in ", "| URL health | ✅ `/healthz` answered 200 |", "| Lifetime | this job only",
					// The tests' output: every service runs in pr-1, on a
					// database built from the golden's source, and no
					// baseline anywhere.
					"testing http://pr-1.localhost:", "web v1 (pr-1)", "orders v1 (pr-1): 120 orders", "users v1 (pr-1): 50 users",
					"db=***", "Sandboxed | `web`, `orders`, `users`, `payments` |",
				} {
					if !strings.Contains(text, want) {
						t.Errorf("the %s lacks %q:\n%s", name, want, text)
					}
				}
				if strings.Contains(text, db) || strings.Contains(text, "touch") {
					t.Errorf("the %s holds the database URL or the PR's title:\n%s", name, text)
				}
			}
			env, err := os.ReadFile(envFile)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"PRENV_URL=http://pr-1.localhost:", "PRENV_ENV=pr-1\n", "PRENV_OUTPUT_URL_WEB=http://web.pr-1.localhost:", "PRENV_OUTPUT_DATABASEURL=postgres://"} {
				if !strings.Contains(string(env), want) {
					t.Errorf("the tests' environment lacks %q", want)
				}
			}
			for _, secret := range []string{actionToken, "PULUMI_CONFIG_PASSPHRASE=", "PRENV_POSTGRES_URL=", "PRENV_ANONYMIZE_SALT=", "GITHUB_OUTPUT=", "GITHUB_ENV=", "INPUT_"} {
				if strings.Contains(string(env), secret) {
					t.Errorf("the tests' environment holds %q", secret)
				}
			}
			if main.state["ephemeral"] != "true" || main.state["destroy-on-post"] != "true" {
				t.Errorf("state = %v, want an ephemeral environment the post step destroys", main.state)
			}
			if post := s.post(main); post.code != 0 || !strings.Contains(post.stdout, "destroyed pr-1") {
				t.Fatalf("post step: %s", post)
			}
			if names := s.appStacks(); len(names) != 0 {
				t.Errorf("stacks after the post step: %v", names)
			}
			if left := s.databases(); len(left) != 0 {
				t.Errorf("databases after the post step: %v; want none, and no golden", left)
			}
		})
	}
}

// TestActionFailingTestCommand fails the step after the comment says so;
// the environment stays until the post step.
func TestActionFailingTestCommand(t *testing.T) {
	t.Parallel()
	s := newLocalCI(t)
	main := s.open(2, `echo "checking $PRENV_URL"; curl --fail --silent --show-error "$PRENV_URL/nowhere"`, nil)
	if main.code != 1 || !strings.Contains(main.stdout, "::error::test-command failed with exit code 22") {
		t.Fatalf("main step with a failing test-command: %s", main)
	}
	s.ranNoPRText()
	comments := s.gh.Comments(2)
	if len(comments) != 1 {
		t.Fatalf("comments on #2 = %+v, want one", comments)
	}
	for _, want := range []string{
		"is ready", "| Tests | ❌ failed with exit code 22 after ", "| URL health | ✅ `/healthz` answered 200 |",
		"<details open><summary>Test output", "checking http://pr-2.localhost:", "The tests failed",
	} {
		if !strings.Contains(comments[0].Body, want) || !strings.Contains(main.summary, want) {
			t.Errorf("the comment or summary lacks %q:\n%s", want, comments[0].Body)
		}
	}
	if names := s.appStacks(); len(names) != 1 || names[0] != "pr-2" {
		t.Errorf("stacks after failed tests = %v; the environment stays until the post step", names)
	}
	if post := s.post(main); post.code != 0 || !strings.Contains(post.stdout, "destroyed pr-2") {
		t.Fatalf("post step after failed tests: %s", post)
	}
	if names := s.appStacks(); len(names) != 0 {
		t.Errorf("stacks after the post step: %v", names)
	}
}

// runStep runs the main step for a pull_request event as a Docker action
// runs: in a container whose end kills every process it started, here
// every process that inherited the step's marker.
func (s *actionSandbox) runStep(payload map[string]any, inputs map[string]string) step {
	s.t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	container := "PRENV_E2E_CONTAINER=" + hex.EncodeToString(b)
	cmd, finish := s.startMain("pull_request", payload, inputs)
	cmd.Env = append(cmd.Env, container)
	res := finish(cmd.Run())
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		left := testenv.ProcessesWithEnv(container)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the step's processes %v outlived its container", left)
		}
		for _, pid := range left {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return res
}

// appStacks lists the example app's stacks.
func (s *actionSandbox) appStacks() []string {
	s.t.Helper()
	out, stderr, code := s.sandbox.run("ls", "--json", "--blueprint", s.blueprint)
	if code != 0 {
		s.t.Fatalf("ls: %s", stderr)
	}
	var names []string
	for _, line := range strings.Split(out, "\n") {
		if _, rest, ok := strings.Cut(line, `"stack": "`); ok {
			name, _, _ := strings.Cut(rest, `"`)
			names = append(names, name)
		}
	}
	return names
}

// databases lists the example app's databases on the sandbox's server.
func (s *actionSandbox) databases() []string {
	s.t.Helper()
	conn, err := pgx.Connect(s.t.Context(), s.adminURL)
	if err != nil {
		s.t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(s.t.Context(), "SELECT datname FROM pg_database WHERE datname LIKE 'prenv_shop%' ORDER BY 1")
	if err != nil {
		s.t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		s.t.Fatal(err)
	}
	return names
}
