package cli

import (
	"context"

	"github.com/prenv/prenv/internal/session"
)

// host is the process prenv runs in, as the session package reads it.
func (a *App) host() session.Host {
	return session.Host{Getenv: a.Getenv, Notices: a.Stderr}
}

// open resolves the session the flags describe; with withEnv it refuses a
// command without --pr or --env.
func (a *App) open(ctx context.Context, f *envFlags, withEnv bool) (*session.Session, error) {
	return a.host().Open(ctx, f.options(withEnv))
}

// home is prenv's own directory.
func (a *App) home() (string, error) { return a.host().Home() }
