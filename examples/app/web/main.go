// Command web is the example app's entry: it shows what orders and users
// answer for this environment.
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/prenv/prenv/examples/app/internal/httpx"
)

// version is what the demo's pull request changes.
const version = "web v1"

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		orders, err := httpx.Get(r, os.Getenv("ORDERS_URL")+"/orders/summary")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintf(w, "%s (%s)\n%s\n", version, os.Getenv("PRENV_ENV"), orders)
	})
	httpx.Serve(mux)
}
