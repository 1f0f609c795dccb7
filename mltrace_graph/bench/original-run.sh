#!/usr/bin/env bash
# Runs mltrace_graph/bench/original.py against a throwaway PostgreSQL cluster.
#
#   original-run.sh PYTHON OUT_DIR [original.py options...]
#
# PYTHON is the interpreter of the virtualenv that has the original mltrace installed.
# The cluster lives in a fresh temporary directory, listens on 127.0.0.1 only, on a free
# port, and is stopped and deleted when this script exits, whether it succeeded or not.
# PostgreSQL refuses to run as root: as root the cluster runs as the user in PG_USER
# (default "postgres"), which must exist. PG_BIN may name the directory of initdb/pg_ctl.
set -euo pipefail

python=${1:?usage: original-run.sh PYTHON OUT_DIR [options]}
out_dir=${2:?usage: original-run.sh PYTHON OUT_DIR [options]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)

find_pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
    return
  fi
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"
    return
  fi
  local candidate
  for candidate in /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return
    fi
  done
}

pg_bin=$(find_pg_bin)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/pg_ctl" ]; then
  echo "error: PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in" \
    "/usr/lib/postgresql/*/bin; install them (apt-get install postgresql) or set PG_BIN" >&2
  exit 1
fi

as_owner=()
if [ "$(id -u)" = 0 ]; then
  pg_user=${PG_USER:-postgres}
  if ! id "$pg_user" >/dev/null 2>&1; then
    echo "error: running as root, and PostgreSQL refuses to; user '$pg_user' does not" \
      "exist (create it, or set PG_USER to an unprivileged user)" >&2
    exit 1
  fi
  as_owner=(runuser -u "$pg_user" --)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mltrace-original-pg.XXXXXX")
data="$work/data"
started=0
cleanup() {
  local status=$?
  if [ "$started" = 1 ]; then
    "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$work"
if [ "${#as_owner[@]}" -gt 0 ]; then
  chown "$pg_user" "$work"
fi

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

echo "PostgreSQL: $("$pg_bin/pg_ctl" --version), throwaway cluster in $work, port $port"
"${as_owner[@]}" "$pg_bin/initdb" -D "$data" -U mltrace -A trust -E UTF8 --no-sync \
  >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
# Server defaults otherwise (fsync and synchronous commit on), like a real deployment.
# mltrace opens a new engine, hence a new connection, on every API call: leave room.
started=1
"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$data" -l "$work/server.log" -w -t 60 \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c max_connections=400" start \
  >/dev/null || { cat "$work/server.log" >&2; exit 1; }

mkdir -p "$out_dir"
DB_URI="postgresql://mltrace@127.0.0.1:$port/postgres" \
  "$python" "$here/original.py" \
  --db-uri "postgresql://mltrace@127.0.0.1:$port/postgres" \
  --postgres-version "$("$pg_bin/pg_ctl" --version)" \
  --out "$out_dir/original-mltrace" "$@"
