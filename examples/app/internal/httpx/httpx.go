// Package httpx is what the example services share: serving on $PORT and
// passing prenv's routing key on to the next service.
package httpx

import (
	"context"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// RouteHeader carries prenv's routing key between services.
const RouteHeader = "x-prenv-route"

// Serve runs h on 127.0.0.1:$PORT until SIGTERM.
func Serve(h http.Handler) {
	addr := "127.0.0.1:" + os.Getenv("PORT")
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	log.Printf("listening on %s", addr)
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

// Get calls url, passing on the routing key (and W3C baggage) of in.
func Get(in *http.Request, url string) (string, error) {
	req, err := http.NewRequestWithContext(in.Context(), http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	for _, h := range []string{RouteHeader, "Baggage"} {
		if v := in.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}
