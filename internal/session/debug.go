package session

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/prenv/prenv/stacks"
)

// Debugging says how to reach a session's stack without prenv: the
// environment the plain pulumi CLI needs, and the commands that read the
// stack or run its program from this checkout under a debugger.
type Debugging struct {
	// Env holds NAME=value lines; a secret is never among them, only the
	// name of the file or variable that holds it.
	Env []string
	// Commands are shell lines, each with a comment saying what it does.
	Commands []DebugCommand
}

// DebugCommand is one shell line of Debugging.
type DebugCommand struct {
	Why, Line string
}

// Debugging returns how to reach s's stack with the pulumi CLI, and how
// to run its program, which prenv runs in its own process, from checkout
// (prenv's source) with go run or delve. Only the Pulumi engine has stacks.
func (h Host) Debugging(s *Session, checkout string) (Debugging, error) {
	bp := s.Blueprint
	if bp.Engine != stacks.EnginePulumi {
		return Debugging{}, stacks.Input(fmt.Errorf("prenv debug shows Pulumi stacks, and %s has engine: %s; its workspaces are under %s", bp.Path(), bp.Engine, s.Backend))
	}
	stack := "organization/" + bp.Project + "/" + s.Env.Stack
	d := Debugging{Env: []string{"PULUMI_BACKEND_URL=" + shellQuote(s.Backend)}}
	switch {
	case bp.SecretsProvider != stacks.SecretsPassphrase: // the key service opens them, with this shell's cloud credentials
	case h.Getenv("PULUMI_CONFIG_PASSPHRASE") != "":
		d.Env = append(d.Env, "PULUMI_CONFIG_PASSPHRASE  # already set in this shell; keep it exported")
	case h.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE") != "":
		d.Env = append(d.Env, "PULUMI_CONFIG_PASSPHRASE_FILE="+shellQuote(h.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE")))
	default:
		d.Env = append(d.Env, "PULUMI_CONFIG_PASSPHRASE_FILE="+shellQuote(filepath.Join(s.Home, "passphrase")))
	}
	code := "stacks/" + string(bp.Target) + "/"
	if bp.Target == stacks.TargetNone {
		code = "stacks/target.go"
	}
	args := fmt.Sprintf("--env %s --blueprint %s", s.Env.Name, shellQuote(absPath(bp.Path())))
	d.Commands = []DebugCommand{
		{"the project's stacks", "pulumi stack ls --project " + bp.Project + " --all"},
		{"the stack's outputs, secrets included", "pulumi stack output --stack " + stack + " --show-secrets"},
		{"its resources and their state", "pulumi stack export --stack " + stack},
		{"its update history", "pulumi stack history --stack " + stack},
		{"run its program from this checkout: prenv runs the target's program in its own process", "cd " + shellQuote(checkout) + " && go run . preview " + args},
		{"the same under a debugger: set breakpoints in " + code, "cd " + shellQuote(checkout) + " && dlv debug . -- preview " + args},
	}
	return d, nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,~", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
