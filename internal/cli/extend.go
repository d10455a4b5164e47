package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/internal/comment"
	"github.com/prenv/prenv/stacks"
)

func (a *App) extendCommand() *cobra.Command {
	f := &envFlags{}
	cmd := &cobra.Command{
		Use:   "extend DURATION",
		Short: "Move an environment's expiry later, e.g. prenv extend --pr 7 24h",
		Long: "extend adds DURATION to the environment's expiry (counted from now if it already passed), " +
			"up to the blueprint's policy.max-ttl from now. It changes nothing else in the environment.",
		Args: exactArgs(1),
	}
	f.register(cmd)
	f.registerOffline(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		by, err := stacks.ParseDuration(args[0])
		if err != nil || by <= 0 {
			return usage(fmt.Errorf("extend by %q: give a positive duration such as 24h or 2d", args[0]))
		}
		opts, err := a.lockOptions(f)
		if err != nil {
			return err
		}
		s, err := a.open(cmd.Context(), f, true)
		if err != nil {
			return err
		}
		list, err := s.Engine.List(cmd.Context())
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		from := now
		for _, st := range list {
			if st.Name == s.Env.Stack && st.ExpiresAt.After(now) {
				from = st.ExpiresAt
			}
		}
		until := from.Add(by)
		if limit := s.Blueprint.Policy.MaxTTL.Duration; until.Sub(now) > limit {
			return usage(fmt.Errorf("extending %s to %s would keep it %s from now, over policy.max-ttl %s: extend by less, or raise the policy",
				s.Env.Stack, until.Format(time.RFC3339), comment.Age(until.Sub(now)), s.Blueprint.Policy.MaxTTL))
		}
		res, err := s.Engine.Up(cmd.Context(), s.Env, append(opts, automation.Extend(until))...)
		if err != nil {
			return err
		}
		return a.printResult(f, s, res)
	}
	return cmd
}
