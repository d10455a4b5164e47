package pulumi_test

import (
	"os"
	"testing"
	"time"

	sdk "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/prenv/prenv/automation/internal/enginetest"
	"github.com/prenv/prenv/stacks"
)

// urlProgram is the none target's program with a url output, as real
// targets export one.
func urlProgram(env stacks.Env) (sdk.RunFunc, error) {
	inner := stacks.None{}.Program(nil, env)
	return func(ctx *sdk.Context) error {
		ctx.Export("url", sdk.String("http://"+env.Name+".example.test"))
		return inner(ctx)
	}, nil
}

// TestListReadsStateOnEveryBackend: List shows each stack's lifetime, url,
// repository and last update from its state, and as running only a stack
// whose lock may be live.
func TestListReadsStateOnEveryBackend(t *testing.T) {
	t.Parallel()
	enginetest.ForEachBackend(t, func(t *testing.T, backend string) {
		eng := newEngineOn(t, backend, urlProgram)
		t0 := time.Now().UTC().Truncate(time.Second)
		for _, pr := range []int{21, 22} {
			if _, err := eng.Up(t.Context(), envAt(t, pr, t0)); err != nil {
				t.Fatal(err)
			}
		}
		here, _ := os.Hostname()
		plantLock(t, backend, "pr-21", deadPID(t), here, time.Now())  // a killed run's: stale
		plantLock(t, backend, "pr-22", os.Getpid(), here, time.Now()) // this live process's
		list, err := eng.List(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Fatalf("List = %+v, want pr-21 and pr-22", list)
		}
		for i, s := range list {
			name := []string{"pr-21", "pr-22"}[i]
			if s.Name != name || !s.CreatedAt.Equal(t0) || !s.ExpiresAt.Equal(t0.Add(time.Hour)) ||
				s.URL != "http://"+name+".example.test" || s.Repo != "acme/shop" || s.ResourceCount == 0 ||
				s.LastUpdate.Before(t0.Add(-time.Second)) || time.Since(s.LastUpdate) > 5*time.Minute {
				t.Errorf("List[%d] = %+v, want %s created %s, expiring an hour later, its url, acme/shop, resources and a last update", i, s, name, t0)
			}
			if wantRunning := name == "pr-22"; s.Running != wantRunning {
				t.Errorf("%s running = %v, want %v (its lock is %s)", name, s.Running, wantRunning, map[bool]string{true: "live", false: "a dead process's"}[wantRunning])
			}
		}
	})
}
