#!/usr/bin/env bash
# The prenv lifecycle on this machine: up, a no-change up, outputs, ls and
# destroy of PR 42's environment, with state in a throwaway directory.
set -euo pipefail
cd "$(dirname "$0")"
# PRENV_BINARY runs another prenv build than ./bin/prenv.
prenv="${PRENV_BINARY:-$PWD/../../bin/prenv}"
export PRENV_HOME="${PRENV_HOME:-$(mktemp -d)}"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-demo-only-passphrase}"
trap '"$prenv" destroy --pr 42 >/dev/null 2>&1 || true' EXIT

step() { printf '\n\033[1m$ prenv %s\033[0m\n' "$*"; "$prenv" "$@"; }

step up --pr 42
step up --pr 42
step outputs --pr 42 --json
step ls
step destroy --pr 42
step destroy --pr 42
printf '\nstate lived in %s; nothing is left running.\n' "$PRENV_HOME"
