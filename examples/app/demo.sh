#!/usr/bin/env bash
# make demo: the example app's baseline, then PR 1 with a visible change in
# one service, side by side on this machine; then PR 1 is destroyed.
# KEEP=1 leaves everything running so you can open it in a browser;
# otherwise the router and the managed PostgreSQL are stopped at the end.
# PRENV_BINARY runs another prenv build than ./bin/prenv.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
prenv="${PRENV_BINARY:-$repo/bin/prenv}"
port="${PRENV_ROUTER_PORT:-7070}"
blueprint="$repo/examples/app/prenv.yaml"

# The PR's checkout: a worktree of this repository whose web service says v2.
work=$(mktemp -d)
pr="$work/pr-1"
git -C "$repo" worktree add --quiet --detach "$pr" HEAD
sed -i 's/"web v1"/"web v2: the change in pull request 1"/' "$pr/examples/app/web/main.go"
finish() {
  if [ "${KEEP:-0}" != 1 ]; then
    "$prenv" destroy --pr 1 --blueprint "$pr/examples/app/prenv.yaml" >/dev/null 2>&1 || true
    "$prenv" destroy --env baseline --blueprint "$blueprint" >/dev/null 2>&1 || true
    # It refuses, naming them, while other environments of this prenv home exist.
    "$prenv" local stop >/dev/null || true
    git -C "$repo" worktree remove --force "$pr" 2>/dev/null || true
    rm -rf "$work"
  fi
}
trap finish EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

say "1. a \"production\" database of ${DEMO_ROWS:-200} fictional users (DEMO_ROWS raises it)"
(cd "$repo/examples/app" && go run ./seed -users "${DEMO_ROWS:-200}") > "$work/production.sql"
export PRENV_GOLDEN="$work/production.sql"
ls -lh "$work/production.sql" | awk '{print "   " $5 " of SQL in " $9}'

say "2. the baseline: PostgreSQL, the golden cloned from production, web -> orders -> users, and the payments stub"
t=$(now)
"$prenv" up --env baseline --blueprint "$blueprint"
baseline_time=$(since "$t")

say "3. pull request 1 changes only web: sandbox mode runs web, the rest come from the baseline"
t=$(now)
"$prenv" up --pr 1 --blueprint "$pr/examples/app/prenv.yaml" --base HEAD
pr_time=$(since "$t")

say "4. curl http://pr-1.localhost:$port/  (the PR's web, the baseline's orders and users)"
curl -sS -H "Host: pr-1.localhost" "http://127.0.0.1:$port/"
say "   curl http://baseline.localhost:$port/"
curl -sS -H "Host: baseline.localhost" "http://127.0.0.1:$port/"

say "   payments is a stub prenv serves from examples/app/stubs/payments; a request no mapping matches gets 404 naming the closest"
curl -sS "http://127.0.0.1:$port/_prenv/baseline/payments/payments/refunds" | sed -n '2p;5p'
"$prenv" outputs --env baseline --blueprint "$blueprint" | grep 'unmatched:'

say "5. no raw personal data: user 1 in production, then in pr-1's database"
grep -m1 '^(1, ' "$work/production.sql" | cut -c1-110
psql=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -n1)
db=$("$prenv" outputs --pr 1 --blueprint "$pr/examples/app/prenv.yaml" --json --show-secrets | sed -n 's/.*"databaseUrl": "\(.*\)".*/\1/p')
"$psql" "$db" -Atc "SELECT '(' || id || ', ' || quote_literal(name) || ', ' || quote_literal(email) || ', ' || quote_literal(phone) || ', ' || quote_literal(address) || ')' FROM users WHERE id = 1" | cut -c1-110

say "6. prenv ls"
"$prenv" ls --blueprint "$blueprint"

say "timings"
echo "baseline up: $baseline_time"
echo "pr-1 up:     $pr_time"
if [ "${KEEP:-0}" = 1 ]; then
  echo
  echo "Kept. Open http://pr-1.localhost:$port/ in a browser; $prenv local status shows what runs."
  echo "Remove it, then stop the router and PostgreSQL, with:"
  echo "  $prenv destroy --pr 1 --blueprint $pr/examples/app/prenv.yaml"
  echo "  $prenv destroy --env baseline --blueprint $blueprint"
  echo "  $prenv local stop"
else
  echo
  echo "Destroying pr-1 and the baseline, then stopping the router and PostgreSQL."
  echo "Run KEEP=1 make demo to keep them and open http://pr-1.localhost:$port/ in a browser."
fi
