#!/usr/bin/env bash
# Starts the servers the integration tests need (PostgreSQL and RabbitMQ on 127.0.0.1), installing what is
# missing on a clean Debian machine (run as root). Safe to run again: it reuses running servers.
# Prints the two export lines for CYPHER_TEST_POSTGRES and CYPHER_TEST_RABBITMQ on stdout.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

log() { echo "[servers] $*" >&2; }

wait_port() { # host port seconds
  local i
  for ((i = 0; i < $3; i++)); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then exec 3>&- 3<&-; return 0; fi
    sleep 1
  done
  return 1
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >&2; apt_updated=1; fi
  apt-get install -y -qq "$@" >&2
}

# --- PostgreSQL -------------------------------------------------------------------------------------------
PG_USER=cypher_test
PG_PASS=cypher_test_pw   # a local, loopback-only test password, not a secret
PG_DB=cypher_test
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  log "installing postgresql"
  apt_install postgresql
fi
if ! wait_port 127.0.0.1 5432 1; then
  cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    log "creating a PostgreSQL cluster"
    pg_createcluster 15 main >&2 || true
    cluster="15 main"
  fi
  log "starting PostgreSQL ($cluster)"
  pg_ctlcluster $cluster start >&2 || true
  wait_port 127.0.0.1 5432 60 || { log "PostgreSQL did not open port 5432"; exit 1; }
fi
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASS'\"" >&2
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE DATABASE $PG_DB OWNER $PG_USER\"" >&2

# --- RabbitMQ ---------------------------------------------------------------------------------------------
# A broker this script starts is a throwaway test broker: it gets a fresh data directory every time, so
# queues that earlier runs left behind are never recovered at boot (thousands of them made a restart take
# longer than any wait). scripts/test.sh also gives each test run its own virtual host and deletes it after.
RABBIT_BASE=/var/lib/rabbitmq/cypher-test-mnesia
RABBIT_LOG=/tmp/rabbitmq-server.log

rabbit_failed() {
  log "RabbitMQ did not open port 5672: $1"
  log "last lines of $RABBIT_LOG:"
  tail -n 30 "$RABBIT_LOG" 2>/dev/null | sed 's/^/[servers]   /' >&2 || true
  exit 1
}

if ! wait_port 127.0.0.1 5672 1; then
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    log "installing rabbitmq-server"
    apt_install rabbitmq-server
    # The Debian package may have started it through its service scripts.
    wait_port 127.0.0.1 5672 5 || true
  fi
fi
if ! wait_port 127.0.0.1 5672 1; then
  if pgrep -u rabbitmq beam.smp >/dev/null 2>&1; then
    log "a RabbitMQ node is running without its AMQP port; giving it 30 s before replacing it"
    if ! wait_port 127.0.0.1 5672 30; then
      pkill -u rabbitmq beam.smp || true
      sleep 2
      pkill -9 -u rabbitmq beam.smp 2>/dev/null || true
    fi
  fi
fi
if ! wait_port 127.0.0.1 5672 1; then
  log "starting RabbitMQ (fresh data directory $RABBIT_BASE)"
  rm -rf "$RABBIT_BASE"
  install -d -o rabbitmq -g rabbitmq "$RABBIT_BASE"
  ulimit -n 65536 2>/dev/null || true
  setsid nohup runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq RABBITMQ_MNESIA_BASE="$RABBIT_BASE" \
    /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >"$RABBIT_LOG" 2>&1 &
  rabbit_pid=$!
  for ((i = 0; i < 180; i++)); do
    wait_port 127.0.0.1 5672 1 && break
    kill -0 "$rabbit_pid" 2>/dev/null || rabbit_failed "the node exited"
  done
  wait_port 127.0.0.1 5672 1 || rabbit_failed "not open after 180 s"
fi

echo "export CYPHER_TEST_POSTGRES='Host=127.0.0.1;Port=5432;Username=$PG_USER;Password=$PG_PASS;Database=$PG_DB;Maximum Pool Size=50'"
echo "export CYPHER_TEST_RABBITMQ='amqp://guest:guest@127.0.0.1:5672/'"
