#!/usr/bin/env bash
# Runs the whole system on this machine with embedded defaults: no Docker, no
# Consul, no database server. Static discovery on the default ports, embedded
# stores under DATA_DIR, demo users and friendships. Ctrl-C stops it cleanly.
#
#   DATA_DIR          where chatlog and web keep data (default ./data)
#   THRIFTCHAT_HOST   host the browser uses (default localhost)
#   WEB_PORT          the chat's HTTP port (default 8080)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin"
data=${DATA_DIR:-$root/data}
host=${THRIFTCHAT_HOST:-localhost}
web_port=${WEB_PORT:-8080}
log() { printf '\033[1mrun:\033[0m %s\n' "$*" >&2; }

for s in channel presence chatlog web; do
  [ -x "$bin/$s" ] || { log "missing $bin/$s: run 'make build' (or 'make run')"; exit 1; }
done
mkdir -p "$data"
# One secret for the web tier (which signs tokens) and channel (which checks
# them), kept across runs so open sessions survive a restart.
if [ ! -s "$data/token-secret" ]; then
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$data/token-secret"
  chmod 600 "$data/token-secret"
fi
secret=$(cat "$data/token-secret")

channel="127.0.0.1:9101|http_addr=127.0.0.1:8101"
presence="127.0.0.1:9102"
chatlog="127.0.0.1:9103"
common=(-log-format console -shutdown-timeout 10s -drain-window 1s)

pids=()
stop() {
  trap - INT TERM EXIT
  log "stopping…"
  # Web first (it calls the others; it was started last), then the rest together.
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[-1]}" 2>/dev/null && wait "${pids[-1]}" 2>/dev/null
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  fi
  wait 2>/dev/null || true
  log "stopped"
}
trap stop EXIT
trap 'stop; exit 0' INT TERM # Ctrl-C is the way to stop, not a failure

start() {
  local name=$1; shift
  # Process substitution keeps $! the service's own pid, not sed's. Ctrl-C
  # reaches neither the service (setsid) nor its sed (which must outlive it
  # to pass on its shutdown lines): this script stops them, web first.
  setsid "$bin/$name" "$@" > >(trap '' INT; exec sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
}

start chatlog "${common[@]}" -admin-addr 127.0.0.1:9203 -thrift-addr "$chatlog" -chatlog-addrs "$chatlog" -data-dir "$data/chatlog"
start presence "${common[@]}" -admin-addr 127.0.0.1:9202 -thrift-addr "$presence" -presence-addrs "$presence"
start channel "${common[@]}" -admin-addr 127.0.0.1:9201 -thrift-addr 127.0.0.1:9101 -http-addr 127.0.0.1:8101 \
  -channel-addrs "$channel" -presence-addrs "$presence" -token-secret "$secret" -web-origin "http://$host:$web_port"
start web "${common[@]}" -admin-addr 127.0.0.1:9204 -thrift-addr 127.0.0.1:9104 -http-addr ":$web_port" \
  -public-url "http://$host:$web_port" -dev -data-dir "$data/web" -token-secret "$secret" \
  -channel-addrs "$channel" -presence-addrs "$presence" -chatlog-addrs "$chatlog"

for port in 9203 9202 9201 9204; do
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 || { log "a service on admin port $port did not become ready"; exit 1; }
done
log "thriftchat is up: open http://$host:$web_port/ and sign in as a demo user (Ctrl-C stops)"
log "host apps: Thrift WebService on 127.0.0.1:9104 (framed transport, binary protocol)"
set +e
wait -n "${pids[@]}"
log "a service exited; stopping the rest"
exit 1
