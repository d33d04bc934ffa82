#!/usr/bin/env bash
# Run a command with a private PostgreSQL cluster: scripts/with-postgres.sh -- <cmd> [args...]
# Starts initdb/pg_ctl from /usr/lib/postgresql/*/bin in a temporary folder on a free loopback
# port (as the 'postgres' user when run as root), exports BACKSTRIDE_TEST_POSTGRES_URL to the
# command, and stops and removes the cluster afterwards, even when the command fails.
set -euo pipefail
if [ "${1:-}" = "--" ]; then shift; fi
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: PostgreSQL is not installed (add it via scripts/ensure-system-deps.sh)" >&2
  exit 1
fi
as_user=()
owner="$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  id -u "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
  as_user=(runuser -u "$owner" --)
fi
tmp="$(mktemp -d -t backstride-pg.XXXXXX)"
chown "$owner" "$tmp"
chmod 700 "$tmp"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
stop() {
  "${as_user[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT
"${as_user[@]}" "$bindir/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --no-sync >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; exit 1; }
"${as_user[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $tmp -F -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
export BACKSTRIDE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: cluster on 127.0.0.1:$port ($tmp)"
set +e
"$@"
rc=$?
set -e
exit "$rc"
