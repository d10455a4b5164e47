package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/stacks"
)

const benchProject = "bench"

// upNoopOverhead times a no-change `prenv up` against a no-change
// `pulumi up --yes --skip-preview` of the same program on the same stack,
// alternating the two so both see the same machine.
func upNoopOverhead(ctx context.Context, bin string, rounds int) error {
	fmt.Fprintln(os.Stderr, "bench: timing no-change ups (prenv against pulumi)...")
	work, err := os.MkdirTemp("", "prenv-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	backend := "file://" + filepath.Join(work, "state")
	project, raw := filepath.Join(work, "project"), filepath.Join(work, "raw")
	for _, d := range []string{project, raw, filepath.Join(work, "state")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	env := append(os.Environ(), "CI=", "GITHUB_ACTIONS=", "PULUMI_CONFIG_PASSPHRASE=bench", "PULUMI_SKIP_UPDATE_CHECK=true",
		"PRENV_HOME="+filepath.Join(work, "home"), "PRENV_BACKEND_URL="+backend, "PULUMI_BACKEND_URL="+backend)
	files := map[string]string{
		filepath.Join(project, "prenv.yaml"): "project: " + benchProject + "\ntarget: none\nttl: 24h\n",
		filepath.Join(raw, "Pulumi.yaml"):    "name: " + benchProject + "\nruntime: go\nbackend:\n  url: " + backend + "\n",
	}
	for path, body := range files {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			return err
		}
	}

	prenvUp := command(ctx, project, env, filepath.Join(bin, "prenv"), "up", "--pr", "1")
	if out, err := prenvUp().CombinedOutput(); err != nil {
		return fmt.Errorf("first prenv up: %v: %s", err, out)
	}
	if out, err := command(ctx, raw, env, filepath.Join(bin, "pulumi"), "stack", "select", "pr-1", "--non-interactive")().CombinedOutput(); err != nil {
		return fmt.Errorf("pulumi stack select: %v: %s", err, out)
	}
	bp, err := stacks.Load(filepath.Join(project, "prenv.yaml"))
	if err != nil {
		return err
	}
	e, err := stacks.NewEnv(bp, stacks.EnvOptions{PR: 1})
	if err != nil {
		return err
	}
	addr, stop, err := pulumi.ServeProgram(stacks.None{}.Program(bp, e))
	if err != nil {
		return err
	}
	defer stop()
	pulumiUp := command(ctx, raw, env, filepath.Join(bin, "pulumi"), "up", "--yes", "--skip-preview",
		"--stack", "pr-1", "--non-interactive", "--client="+addr)

	var prenvTimes, pulumiTimes []time.Duration
	for range rounds {
		for _, r := range []struct {
			cmd   func() *exec.Cmd
			times *[]time.Duration
		}{{prenvUp, &prenvTimes}, {pulumiUp, &pulumiTimes}} {
			start := time.Now()
			if out, err := r.cmd().CombinedOutput(); err != nil {
				return fmt.Errorf("%v: %s", err, out)
			}
			*r.times = append(*r.times, time.Since(start))
		}
	}
	pm, qm := median(prenvTimes), median(pulumiTimes)
	fmt.Printf("bench: up-noop-prenv-median %.2f s\n", pm.Seconds())
	fmt.Printf("bench: up-noop-pulumi-median %.2f s\n", qm.Seconds())
	fmt.Printf("bench: up-noop-overhead %.2f x (goal <= 1.15)\n", pm.Seconds()/qm.Seconds())
	return nil
}

func command(ctx context.Context, dir string, env []string, name string, args ...string) func() *exec.Cmd {
	return func() *exec.Cmd {
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir, cmd.Env = dir, env
		return cmd
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
