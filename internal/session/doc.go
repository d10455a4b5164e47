// Package session resolves what one prenv command acts on: it loads the
// blueprint, names the environment, prepares the blueprint's target and
// builds its engine, all from one Options value and the Host it runs on.
// The CLI and the GitHub Action both open a session and then call the
// engine; neither chooses a target or an engine by name.
//
//	s, err := session.Host{Getenv: os.Getenv, Notices: os.Stderr}.Open(ctx, session.Options{
//		Blueprint: "prenv.yaml", PR: "42", Program: true,
//	})
//	res, err := s.Engine.Up(ctx, s.Env, automation.WaitForLock(5*time.Minute))
//
// Targets and engines are registered by name in targets.go and engines.go:
// adding a target is one package under stacks/ and one line there.
package session
