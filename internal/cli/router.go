package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/internal/router"
)

func (a *App) routerCommand() *cobra.Command {
	var addr, routes string
	cmd := &cobra.Command{
		Use:   "router",
		Short: "Run the local router that serves http://<env>.localhost",
		Long:  "router proxies <env>.localhost and <service>.<env>.localhost to the environments' services, and picks sandboxed services by the x-prenv-route header. prenv up starts it when it is not running.",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if routes == "" {
				home, err := a.home()
				if err != nil {
					return err
				}
				routes = filepath.Join(home, "routes")
			}
			// The router's heap is small and short-lived: collect less often.
			debug.SetGCPercent(400)
			logger := slog.New(slog.NewTextHandler(a.Stderr, nil))
			rt := router.New(router.Options{RoutesDir: routes, Logger: logger})
			ctx, stop := context.WithCancel(cmd.Context())
			defer stop()
			go rt.Watch(ctx, 300*time.Millisecond)
			srv := &http.Server{Addr: addr, Handler: rt, ReadHeaderTimeout: 10 * time.Second}
			go func() {
				<-ctx.Done()
				shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = srv.Shutdown(shutdown)
			}()
			fmt.Fprintf(a.Stderr, "prenv router on http://%s, routes from %s\n", addr, routes)
			if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("router on %s: %w: free the port or pass --addr", addr, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", router.DefaultAddr, "address to listen on")
	cmd.Flags().StringVar(&routes, "routes", "", "routes directory (default ~/.prenv/routes)")
	return cmd
}
