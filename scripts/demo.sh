#!/usr/bin/env bash
# npm run demo: sets this machine up, builds the metrics service, starts it on a free loopback port, shows
# it answering, and stops it. Later issues grow this into the whole local pipeline.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step 'Setting up (Debian packages and npm dependencies, only what is missing)'
bash scripts/bootstrap.sh

step 'Building the service bundle (service/dist/index.js)'
npm run --silent build:service

# A free loopback port, chosen by the kernel.
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
log=$(mktemp)
step "Starting the service on 127.0.0.1:${port} (JSON logs in ${log})"
PORT="$port" LISTEN_ADDRESS=127.0.0.1 APP_ENVIRONMENT=dev LATENCY_TARGETS="127.0.0.1:${port}" \
  LATENCY_INTERVAL_SECONDS=2 node service/dist/index.js >"$log" 2>&1 &
pid=$!
# Stop exactly the process this script started, whatever happens below.
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:${port}/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo 'demo: the service exited' >&2; exit 1; }
  sleep 0.2
done

show() {
  step "GET $1"
  curl -fsS "http://127.0.0.1:${port}$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(JSON.parse(s),null,2)))'
}
show /health
show /info
show /metrics/system
sleep 2 # one latency probe round (the service probes itself here)
show /metrics/latency

step 'GET /metrics (a few lines of the Prometheus exposition)'
curl -fsS "http://127.0.0.1:${port}/metrics" | grep -E '^(metrics_api_build_info|http_requests_total|system_(cpu_usage_ratio|memory_used_bytes|load1) |tcp_up)' || true

step 'Stopping the service (SIGTERM: readiness turns 503, connections drain)'
kill -TERM "$pid"
wait "$pid" && echo "stopped cleanly" || echo "stopped with exit code $?"
trap 'rm -f "$log"' EXIT
tail -n 3 "$log"
