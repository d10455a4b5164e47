// Command orders serves the example app's orders and asks users for its
// part of the answer.
package main

import (
	"context"
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
		fmt.Fprintf(w, "orders v1 (%s): %d orders\n%s", os.Getenv("PRENV_ENV"), n, users)
	})
	httpx.Serve(mux)
}
