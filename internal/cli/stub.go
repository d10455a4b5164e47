package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/internal/stub"
	"github.com/prenv/prenv/stacks"
)

func (a *App) stubCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stub",
		Short: "Serve a stub service from WireMock mapping files, or record one from a real upstream",
		Long: "A service in the blueprint may be a stub (stub: {mappings: DIR}): prenv serves it from WireMock mapping files, " +
			"as a local process or a Deployment of aws.stub-image, so no JVM is needed. up runs prenv stub serve for each stub; " +
			"prenv stub record writes the mappings by proxying a real upstream.",
	}
	cmd.AddCommand(a.stubServeCommand(), a.stubRecordCommand())
	return cmd
}

func (a *App) stubServeCommand() *cobra.Command {
	var mappings, addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve a directory of WireMock mapping files",
		Long: "serve loads every mapping under --mappings, refusing any it cannot serve faithfully (naming the file and field), " +
			"and answers on --addr (default 127.0.0.1:$PORT). A request no mapping matches gets 404 naming the closest mapping; " +
			"GET " + stub.UnmatchedPath + " counts them, and " + stub.HealthPath + " answers once it serves.",
		Example: "  prenv stub serve --mappings stubs/payments --addr 127.0.0.1:8081",
		Args:    exactArgs(0),
	}
	cmd.Flags().StringVar(&mappings, "mappings", "", "directory of WireMock mapping files (required)")
	cmd.Flags().StringVar(&addr, "addr", "", "address to listen on (default 127.0.0.1:$PORT)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if mappings == "" {
			return usage(errors.New("--mappings DIR is required: the directory of WireMock mapping files to serve"))
		}
		if addr == "" {
			if a.Getenv("PORT") == "" {
				return usage(errors.New("no address to listen on: pass --addr host:port or set PORT"))
			}
			addr = "127.0.0.1:" + a.Getenv("PORT")
		}
		set, err := stub.Load(mappings)
		if err != nil {
			return usage(err)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("stub on %s: %w: free the port or pass another --addr", addr, err)
		}
		// The stub's heap is small and short-lived, as the router's: collect less often.
		debug.SetGCPercent(400)
		logger := slog.New(slog.NewTextHandler(a.Stderr, nil))
		fmt.Fprintf(a.Stderr, "prenv stub on http://%s: %d mappings from %s\n", ln.Addr(), len(set.Mappings), mappings)
		return serveUntilDone(cmd.Context(), ln, stub.NewServer(set, stub.ServerOptions{Logger: logger}))
	}
	return cmd
}

func (a *App) stubRecordCommand() *cobra.Command {
	var service, target, out, addr, blueprint string
	cmd := &cobra.Command{
		Use:   "record",
		Short: "Record a real upstream into WireMock mapping files",
		Long: "record proxies --addr to --target and writes one mapping per distinct request (method, path and query, body) into --out, " +
			"by default the stub.mappings of --service in the blueprint. Response headers that may hold secrets (cookies, tokens, keys) " +
			"are written as " + stub.Redacted + ". Point the service's callers at the printed address, exercise them, then stop with Ctrl-C.",
		Example: "  prenv stub record --service payments --target https://sandbox.payments.example.com --out stubs/payments",
		Args:    exactArgs(0),
	}
	fs := cmd.Flags()
	fs.StringVar(&service, "service", "", "the blueprint's stub service being recorded")
	fs.StringVar(&target, "target", "", "base URL of the real upstream, e.g. https://api.example.com (required)")
	fs.StringVar(&out, "out", "", "directory to write the mappings into (default the service's stub.mappings)")
	fs.StringVar(&addr, "addr", "127.0.0.1:0", "address the recording proxy listens on")
	fs.StringVar(&blueprint, "blueprint", "prenv.yaml", "path of the blueprint, for --service")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if target == "" {
			return usage(errors.New("--target URL is required: the real upstream to record"))
		}
		if out == "" {
			dir, err := stubMappings(blueprint, service)
			if err != nil {
				return err
			}
			out = dir
		}
		rec, err := stub.NewRecorder(target, out, stub.RecorderOptions{Logger: slog.New(slog.NewTextHandler(a.Stderr, nil))})
		if err != nil {
			return usage(err)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("recording proxy on %s: %w: pass another --addr", addr, err)
		}
		callers := "the callers"
		if service != "" {
			callers = strings.ToUpper(strings.ReplaceAll(service, "-", "_")) + "_URL"
		}
		fmt.Fprintf(a.Stderr, "prenv stub record: http://%s proxies to %s, writing mappings to %s; point %s at http://%s, then stop with Ctrl-C\n",
			ln.Addr(), target, out, callers, ln.Addr())
		err = serveUntilDone(cmd.Context(), ln, rec)
		fmt.Fprintf(a.Stdout, "%d mappings written to %s\n", len(rec.Written()), out)
		return err
	}
	return cmd
}

// stubMappings is the stub.mappings directory of the blueprint's service.
func stubMappings(blueprint, service string) (string, error) {
	if service == "" {
		return "", usage(errors.New("no directory to write into: pass --out DIR, or --service NAME to use its stub.mappings"))
	}
	bp, err := stacks.Load(blueprint)
	if err != nil {
		return "", usage(err)
	}
	i := slices.IndexFunc(bp.Services, func(s stacks.Service) bool { return s.Name == service })
	switch {
	case i < 0:
		return "", usage(fmt.Errorf("%s has no service %s: pass one of its services, or --out DIR", blueprint, service))
	case !bp.Services[i].IsStub():
		return "", usage(fmt.Errorf("service %s in %s is not a stub: give it stub: {mappings: DIR}, or pass --out DIR", service, blueprint))
	}
	return bp.Resolve(bp.Services[i].Stub.Mappings), nil
}

// serveUntilDone serves h on ln until ctx is cancelled (Ctrl-C, SIGTERM),
// then shuts down, letting requests under way finish for 5 seconds.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
