# Sourced by scripts/test.sh and scripts/quality.sh: starts the servers the tests need (scripts/servers.sh),
# exports CYPHER_TEST_POSTGRES / CYPHER_TEST_RABBITMQ for this run, and drops the run's own virtual host and
# database when the calling script exits.

# A failure here stops the run: tests without their servers would only fail one by one for the wrong reason.
if ! servers=$(bash scripts/servers.sh); then
  echo "${0##*/}: scripts/servers.sh could not start PostgreSQL and RabbitMQ (its reasons are above)" >&2
  exit 1
fi
eval "$servers"
export CYPHER_TEST_POSTGRES CYPHER_TEST_RABBITMQ

# This run's own RabbitMQ virtual host and PostgreSQL database, both deleted when the run ends, so no run
# leaves queues or schemas behind for the next one (test classes still isolate themselves inside them).
cypher_run="cypher_test_$(date -u +%Y%m%d%H%M%S)_$$"   # lower case: PostgreSQL folds unquoted names
cleanup() {
  rabbitmqctl -q delete_vhost "$cypher_run" >/dev/null 2>&1 || true
  su postgres -c "psql -qc 'DROP DATABASE IF EXISTS $cypher_run WITH (FORCE)'" >/dev/null 2>&1 || true
}
trap cleanup EXIT
if rabbitmqctl -q add_vhost "$cypher_run" >/dev/null && rabbitmqctl -q set_permissions -p "$cypher_run" guest '.*' '.*' '.*' >/dev/null; then
  CYPHER_TEST_RABBITMQ="${CYPHER_TEST_RABBITMQ%/}/$cypher_run"
else
  echo "${0##*/}: warning: no virtual host of its own (rabbitmqctl failed); the tests share the default one" >&2
fi
if su postgres -c "psql -qc 'CREATE DATABASE $cypher_run OWNER cypher_test'" >/dev/null; then
  CYPHER_TEST_POSTGRES="${CYPHER_TEST_POSTGRES/Database=cypher_test;/Database=$cypher_run;}"
else
  echo "${0##*/}: warning: no database of its own (CREATE DATABASE failed); the tests use cypher_test" >&2
fi
