#!/usr/bin/env bash
# The README's test command: starts PostgreSQL and RabbitMQ (installing RabbitMQ on a clean Debian machine),
# builds with warnings as errors and runs every test in the solution against the real servers.
# Extra arguments go to `dotnet test` (e.g. --filter Category!=Integration).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/test-env.sh
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
