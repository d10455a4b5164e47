// Command orders serves the example app's orders and asks users for its
// part of the answer, and payments (a stub: examples/app/stubs/payments)
// whether payments work.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/prenv/prenv/examples/app/internal/httpx"
)

func main() {
	db, err := pgxpool.New(context.Background(), os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.Ping(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("GET /orders/summary", func(w http.ResponseWriter, r *http.Request) {
		var n int
		if err := db.QueryRow(r.Context(), "SELECT count(*) FROM orders").Scan(&n); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		users, err := httpx.Get(r, os.Getenv("USERS_URL")+"/users/count")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		payments, err := paymentsStatus(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintf(w, "orders v1 (%s): %d orders%s\n%s", os.Getenv("PRENV_ENV"), n, payments, users)
	})
	httpx.Serve(mux)
}

// paymentsStatus asks payments for its status, as ", payments ok (stub)";
// "" for a blueprint without a payments service.
func paymentsStatus(r *http.Request) (string, error) {
	base := os.Getenv("PAYMENTS_URL")
	if base == "" {
		return "", nil
	}
	body, err := httpx.Get(r, base+"/payments/status")
	if err != nil {
		return "", err
	}
	var status struct{ Provider, Status string }
	if err := json.Unmarshal([]byte(body), &status); err != nil {
		return "", fmt.Errorf("payments answered %q: %w", body, err)
	}
	return fmt.Sprintf(", payments %s (%s)", status.Status, status.Provider), nil
}
