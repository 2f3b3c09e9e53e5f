#!/usr/bin/env bash
# The README's test command: starts PostgreSQL and RabbitMQ (installing RabbitMQ on a clean Debian machine),
# builds with warnings as errors and runs every test in the solution against the real servers.
# Extra arguments go to `dotnet test` (e.g. --filter Category!=Integration).
set -euo pipefail
cd "$(dirname "$0")/.."

# A failure here stops the run: tests without their servers would only fail one by one for the wrong reason.
if ! servers=$(bash scripts/servers.sh); then
  echo "scripts/test.sh: scripts/servers.sh could not start PostgreSQL and RabbitMQ (its reasons are above)" >&2
  exit 1
fi
eval "$servers"
export CYPHER_TEST_POSTGRES CYPHER_TEST_RABBITMQ

# This run's own RabbitMQ virtual host and PostgreSQL database, both deleted when the run ends, so no run
# leaves queues or schemas behind for the next one (test classes still isolate themselves inside them).
run="cypher_test_$(date -u +%Y%m%d%H%M%S)_$$"   # lower case: PostgreSQL folds unquoted names
cleanup() {
  rabbitmqctl -q delete_vhost "$run" >/dev/null 2>&1 || true
  su postgres -c "psql -qc 'DROP DATABASE IF EXISTS $run WITH (FORCE)'" >/dev/null 2>&1 || true
}
trap cleanup EXIT
rabbitmqctl -q add_vhost "$run" >/dev/null
rabbitmqctl -q set_permissions -p "$run" guest '.*' '.*' '.*' >/dev/null
CYPHER_TEST_RABBITMQ="${CYPHER_TEST_RABBITMQ%/}/$run"
su postgres -c "psql -qc 'CREATE DATABASE $run OWNER cypher_test'" >/dev/null
CYPHER_TEST_POSTGRES="${CYPHER_TEST_POSTGRES/Database=cypher_test;/Database=$run;}"
[[ $CYPHER_TEST_POSTGRES == *"Database=$run;"* ]] || { echo "scripts/test.sh: no Database= in CYPHER_TEST_POSTGRES" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build CypherScoping.sln -c Release -nologo -clp:ErrorsOnly
log=$(mktemp)
set +e
dotnet test CypherScoping.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for every runner that reads it: the sums over all test projects.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
