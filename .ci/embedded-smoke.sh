#!/usr/bin/env bash
# Starts `npm start` with no DATABASE_URL (embedded PostgreSQL in a fresh DATA_DIR), waits for
# /readyz, signs up through the API, loads the web app, and shuts down gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=$(mktemp -d)
port=3917
log="$data_dir/server.log"
# Its own process group, so SIGTERM reaches npm, tsx and the server alike (as under a supervisor).
DATA_DIR="$data_dir" PORT=$port APP_URL="http://127.0.0.1:$port" EMBEDDED_PG_PORT=54377 LOG_LEVEL=warn setsid npm start >"$log" 2>&1 &
pid=$!
cleanup() { kill -TERM -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data_dir"; }
trap cleanup EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "server exited:"; cat "$log"; exit 1; fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/readyz"; echo
status=$(curl -s -o "$data_dir/signup.json" -w '%{http_code}' -X POST "http://127.0.0.1:$port/api/v1/auth/signup" \
  -H 'content-type: application/json' \
  -d '{"email":"smoke@example.com","password":"smoke test password","name":"Smoke Test","organizationName":"Smoke Diner"}')
[ "$status" = "201" ] || { echo "signup answered $status: $(cat "$data_dir/signup.json")"; cat "$log"; exit 1; }
curl -fsS "http://127.0.0.1:$port/" | grep -q '<div id="root"' || { echo "web app not served"; exit 1; }
[ -f "$data_dir/postgres/PG_VERSION" ] || { echo "embedded PostgreSQL data dir missing"; exit 1; }
kill -TERM -- "-$pid"
wait "$pid" || true
for _ in $(seq 1 15); do
  if ! curl -s "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    if pgrep -f "postgres -D $data_dir" >/dev/null; then sleep 1; continue; fi
    echo "embedded default: started, served a signup and the web app, shut down with its PostgreSQL"
    trap - EXIT
    rm -rf "$data_dir"
    exit 0
  fi
  sleep 1
done
echo "server still answering after SIGTERM"; exit 1
