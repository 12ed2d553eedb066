#!/usr/bin/env bash
# A throwaway PostgreSQL server for the database tests.
# Installs Debian's postgresql when it is missing, starts a server on 127.0.0.1 (a free port,
# a fresh data directory under $TMPDIR, trust auth on loopback only), creates a database and
# prints its SQLAlchemy URL on stdout (everything else goes to stderr):
#   export TEST_POSTGRES_URL=$(bash .ci/postgres.sh)
# Stop it with:  pg_ctl -D "$(cat "${TMPDIR:-/tmp}/case-extract-pg.datadir")" stop
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
say() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

if ! bin=$(find_bin); then
  if [ "$(id -u)" -ne 0 ]; then
    say "PostgreSQL is not installed and installing it needs root"; exit 1
  fi
  say "installing postgresql"
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  bin=$(find_bin) || { say "postgresql installed but pg_ctl not found"; exit 1; }
fi

# The server refuses to run as root: run it as the 'postgres' user the package creates.
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  run_as=(runuser -u postgres --)
fi

datadir=$(mktemp -d "${TMPDIR:-/tmp}/case-extract-pg.XXXXXX")
[ "${#run_as[@]}" -gt 0 ] && chown postgres "$datadir"
port=$("${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
db=case_extract_test

"${run_as[@]}" "$bin/initdb" -D "$datadir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
  || "${run_as[@]}" "$bin/initdb" -D "$datadir" -U postgres --auth=trust -E UTF8 --no-locale >&2
# Loopback only, no Unix socket in a system directory, small footprint.
"${run_as[@]}" "$bin/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$datadir' -c max_connections=50 -c shared_buffers=32MB -c fsync=off" \
  start >&2 || { say "server did not start:"; tail -20 "$datadir/server.log" >&2; exit 1; }
echo "$datadir" > "${TMPDIR:-/tmp}/case-extract-pg.datadir"
"$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db" >&2
say "server in $datadir on 127.0.0.1:$port"
echo "postgresql+psycopg://postgres@127.0.0.1:$port/$db"
