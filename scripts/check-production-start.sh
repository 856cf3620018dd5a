#!/usr/bin/env bash
# The production start path, as the README describes it: a built tree (no sources), production dependencies only
# (npm ci --omit=dev), `npm run start:prod` on an external PostgreSQL (a fresh database), production mode. Checks that
# it answers /readyz, serves the console without its source maps, keeps /metrics off the public port, has no demo
# application, and stops cleanly on SIGTERM.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres scripts/check-production-start.sh [--no-build]
#
# DATABASE_URL names a server and a role that may create databases; the check creates and drops its own.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server where this role may create a database}"
if [ "${1:-}" != "--no-build" ]; then
  echo "-- npm run build"
  npm run build --silent
fi
for built in dist/apps/api/src/main.js apps/admin/dist/index.html; do
  [ -f "$built" ] || { echo "not built: $built (run npm run build)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/cm-production-start.XXXXXX)
DB="cm_prod_start_$$"
SERVER_PID=""
ADMIN_URL="$DATABASE_URL"
base_url() { node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.href)' "$ADMIN_URL" "$1"; }
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL -- "-$SERVER_PID" 2>/dev/null || true; fi
  psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "-- the built tree in $WORK, production dependencies only (node $(node --version))"
cp -a package.json package-lock.json bin scripts dist "$WORK/"
mkdir -p "$WORK/apps/admin" && cp -a apps/admin/dist "$WORK/apps/admin/"
(cd "$WORK" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
if [ -d "$WORK/node_modules/jest" ] || [ -d "$WORK/node_modules/vite" ]; then
  echo "FAIL: npm ci --omit=dev installed dev dependencies" >&2
  exit 1
fi

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
PORT=$(free_port)
METRICS_PORT=$(free_port)
psql "$ADMIN_URL" -qc "CREATE DATABASE $DB" >/dev/null

echo "-- npm run start:prod on port $PORT (metrics on 127.0.0.1:$METRICS_PORT), database $DB"
LOG="$WORK/server.log"
(
  cd "$WORK"
  # Only what an operator sets: no NODE_ENV (start:prod sets production), no CM_ENV.
  exec env -u NODE_ENV -u CM_ENV -u CM_DEMO_SEED -u CM_ALLOW_OPEN_APPLICATIONS \
    DATABASE_URL="$(base_url "$DB")" PORT="$PORT" CM_METRICS_PORT="$METRICS_PORT" \
    CM_ADMIN_EMAIL=ops@example.com CM_ADMIN_PASSWORD=production-check-password \
    setsid npm run start:prod --silent
) >"$LOG" 2>&1 &
SERVER_PID=$!

fail() {
  echo "FAIL: $*" >&2
  echo "--- server output" >&2
  tail -n 60 "$LOG" >&2
  exit 1
}
status() { curl -s -o /dev/null -w '%{http_code}' "$@" || true; }

for _ in $(seq 1 120); do
  [ "$(status "http://127.0.0.1:$PORT/readyz")" = 200 ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited before answering /readyz"
  sleep 0.5
done
[ "$(status "http://127.0.0.1:$PORT/readyz")" = 200 ] || fail "/readyz did not answer 200 within 60 s"
echo "ok: /readyz 200"

[ "$(status "http://127.0.0.1:$PORT/metrics")" = 404 ] || fail "/metrics answers on the public port"
# Read whole answers before grep: `curl | grep -q` under pipefail fails when grep stops reading early (SIGPIPE).
METRICS=$(curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" || true)
grep -q '^# TYPE ' <<<"$METRICS" || fail "no metrics on 127.0.0.1:$METRICS_PORT"
echo "ok: /metrics 404 on the public port, served on 127.0.0.1:$METRICS_PORT"

CONSOLE=$(curl -sf "http://127.0.0.1:$PORT/" || true)
grep -q '<div id="root">' <<<"$CONSOLE" || fail "the console is not served at /"
MAP=$(cd "$WORK/apps/admin/dist/assets" && ls ./*.js.map 2>/dev/null | head -n 1 || true)
if [ -n "$MAP" ]; then
  [ "$(status "http://127.0.0.1:$PORT/assets/${MAP#./}")" = 404 ] || fail "a source map is served in production"
fi
echo "ok: the console at /, no source maps"

[ "$(status -X POST "http://127.0.0.1:$PORT/v2/demo-app/sessions/idp/subject")" != 202 ] || fail "demo-app admits streams in production"
LOGIN=$(status -X POST -H 'content-type: application/json' -H "origin: http://127.0.0.1:$PORT" \
  --data '{"email":"ops@example.com","password":"production-check-password"}' "http://127.0.0.1:$PORT/api/v1/auth/login")
[ "$LOGIN" = 200 ] || fail "the first operator from CM_ADMIN_EMAIL/CM_ADMIN_PASSWORD cannot sign in ($LOGIN)"
echo "ok: no demo application; the first operator signs in"

kill -TERM -- "-$SERVER_PID"
for _ in $(seq 1 60); do
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.5
done
kill -0 "$SERVER_PID" 2>/dev/null && fail "still running 30 s after SIGTERM"
wait "$SERVER_PID" && code=0 || code=$?
SERVER_PID=""
# npm reports a child ended by SIGTERM as 143 on some versions; the server itself exits 0 after draining.
[ "$code" = 0 ] || [ "$code" = 143 ] || fail "exit code $code after SIGTERM"
echo "ok: stopped on SIGTERM (exit $code)"
echo "production start: all checks passed"
