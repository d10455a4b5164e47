package actions

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prenv/prenv/internal/naming"
	"github.com/prenv/prenv/stacks"
)

// Inputs are the Action's inputs, parsed and checked.
type Inputs struct {
	Command          string
	Blueprint        string
	WorkDir          string
	StackName        string
	PRNumber         int
	Engine           stacks.EngineName
	DeployTarget     stacks.TargetName
	BackendURL       string
	AllowLocalState  bool
	SecretsProvider  string
	ConfigMap        map[string]string // plain values
	ConfigSecrets    map[string]string // values config-map marks secret: true
	GitHubToken      string
	CommentOnPR      bool
	CommentOnSummary bool
	Deployment       bool
	DestroyOnPost    bool
	Remove           bool
	WaitForLock      time.Duration
	TTL              time.Duration
	Refresh          bool
	Diff             bool
	// The inputs pulumi/actions has too, with its meaning (pulumi_inputs.go).
	Targets          []string // resource URNs, or addresses with the Terraform engine
	TargetDependents bool
	SuppressOutputs  bool
	ExpectNoChanges  bool
	Message          string
	PulumiVersion    string // equal to the pulumi CLI prenv pins, or empty
	RequireLabel     string
	IncludeDrafts    bool
	ReapDryRun       bool
	ReapMaxDeletions int
	WaitForURL       time.Duration
	// StatsSince is the window of command stats.
	StatsSince time.Duration
	// TestCommand runs against the environment after up, for at most
	// TestTimeout; Ephemeral says the environment ends with the job.
	TestCommand string
	TestTimeout time.Duration
	Ephemeral   bool
}

// Commands are the values of the command input; update is pulumi/actions'
// name for up.
var Commands = []string{"auto", "up", "update", "preview", "destroy", "refresh", "output", "reap", "stats"}

// ReadInputs parses the step's inputs, with action.yml's defaults for any
// the runner did not set (as when prenv action runs outside a runner). An
// error names the input and the values it takes.
func ReadInputs(r *Runner) (Inputs, error) {
	p := inputParser{r: r}
	in := Inputs{
		Command:          p.oneOf("command", "auto", Commands),
		Blueprint:        p.text("blueprint", "prenv.yaml"),
		WorkDir:          p.text("work-dir", "./"),
		StackName:        p.text("stack-name", ""),
		PRNumber:         p.pr("pr-number"),
		Engine:           stacks.EngineName(p.oneOf("engine", "", []string{string(stacks.EnginePulumi), string(stacks.EngineTerraform)})),
		DeployTarget:     stacks.TargetName(p.oneOf("deploy-target", "", deployTargets)),
		BackendURL:       p.text("backend-url", ""),
		AllowLocalState:  p.boolean("allow-local-state", false),
		SecretsProvider:  p.secretsProvider("secrets-provider"),
		GitHubToken:      p.text("github-token", ""),
		CommentOnPR:      p.boolean("comment-on-pr", true),
		CommentOnSummary: p.boolean("comment-on-summary", true),
		Deployment:       p.boolean("deployment", true),
		DestroyOnPost:    p.boolean("destroy-on-post", false),
		Remove:           p.boolean("remove", true),
		WaitForLock:      p.duration("wait-for-lock", 5*time.Minute),
		TTL:              p.duration("ttl", 0),
		Refresh:          p.boolean("refresh", false),
		Diff:             p.boolean("diff", false),
		Targets:          p.targets("target"),
		TargetDependents: p.boolean("target-dependents", false),
		SuppressOutputs:  p.boolean("suppress-outputs", false),
		ExpectNoChanges:  p.boolean("expect-no-changes", false),
		Message:          p.text("message", ""),
		PulumiVersion:    p.pulumiVersion("pulumi-version"),
		RequireLabel:     p.text("require-label", ""),
		IncludeDrafts:    p.boolean("include-drafts", false),
		ReapDryRun:       p.boolean("reap-dry-run", false),
		ReapMaxDeletions: p.number("reap-max-deletions", 20),
		WaitForURL:       p.duration("wait-for-url", 0),
		StatsSince:       p.duration("stats-since", 30*24*time.Hour),
		TestCommand:      p.text("test-command", ""),
		TestTimeout:      p.duration("test-timeout", 15*time.Minute),
		Ephemeral:        p.boolean("ephemeral", false),
	}
	if in.TestTimeout == 0 {
		p.fail("test-timeout", "0 would kill the tests at once: use a duration such as 15m")
	}
	in.ConfigMap, in.ConfigSecrets = p.configMap("config-map")
	if in.Command == "update" {
		in.Command = ModeUp
	}
	if in.StackName != "" {
		if _, err := naming.ForEnv("check", in.StackName); err != nil {
			p.fail("stack-name", fmt.Sprintf("%q is not an environment name: use pr-<n> or baseline", in.StackName))
		}
	}
	return in, p.err
}

// inputParser reads inputs and keeps the first error.
type inputParser struct {
	r   *Runner
	err error
}

func (p *inputParser) fail(name, msg string) {
	if p.err == nil {
		p.err = fmt.Errorf("input %s: %s", name, msg)
	}
}

func (p *inputParser) text(name, def string) string {
	if v := p.r.Input(name); v != "" {
		return v
	}
	return def
}

func (p *inputParser) oneOf(name, def string, values []string) string {
	v := p.text(name, def)
	if v != "" && !slices.Contains(values, v) {
		p.fail(name, fmt.Sprintf("%q is not one of %s", v, strings.Join(values, ", ")))
	}
	return v
}

// boolean accepts YAML 1.2's core booleans, as actions/toolkit's getBooleanInput does.
func (p *inputParser) boolean(name string, def bool) bool {
	switch v := p.r.Input(name); v {
	case "":
		return def
	case "true", "True", "TRUE":
		return true
	case "false", "False", "FALSE":
		return false
	default:
		p.fail(name, fmt.Sprintf("%q is not a boolean: use true or false", v))
		return def
	}
}

func (p *inputParser) duration(name string, def time.Duration) time.Duration {
	v := p.r.Input(name)
	if v == "" {
		return def
	}
	d, err := stacks.ParseDuration(v)
	if err != nil || d < 0 {
		p.fail(name, fmt.Sprintf("%q is not a duration: use one such as 90s, 5m, 24h or 3d", v))
	}
	return d
}

func (p *inputParser) number(name string, def int) int {
	v := p.r.Input(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		p.fail(name, fmt.Sprintf("%q is not a positive whole number", v))
	}
	return n
}

func (p *inputParser) pr(name string) int {
	v := p.r.Input(name)
	if v == "" {
		return 0
	}
	n, err := naming.ParsePR(v)
	if err != nil {
		p.fail(name, err.Error())
	}
	return n
}

// secretsProvider reads passphrase or a key service's URL; empty leaves
// the blueprint's.
func (p *inputParser) secretsProvider(name string) string {
	v := p.r.Input(name)
	if v == "" {
		return ""
	}
	if err := stacks.CheckSecretsProvider(v); err != nil {
		p.fail(name, err.Error())
	}
	return v
}
