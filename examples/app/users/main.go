// Command users serves the example app's users from its database.
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
	mux.HandleFunc("GET /users/count", func(w http.ResponseWriter, r *http.Request) {
		var n int
		if err := db.QueryRow(r.Context(), "SELECT count(*) FROM users").Scan(&n); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "users v1 (%s): %d users", os.Getenv("PRENV_ENV"), n)
	})
	httpx.Serve(mux)
}
