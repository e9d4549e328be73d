#!/usr/bin/env bash
# Benchmarks the channel service against nginx + nchan under the same load
# and prints ours/nchan ratios (the targets of the channel issue):
#
#   N polls parked across SOURCES 127.0.0.x addresses, M messages delivered at
#   RATE per second (channel: Thrift deliver batches; nchan: one HTTP POST per
#   message), reporting delivered / lost / duplicated, latency p50/p99/p99.9,
#   server RSS per idle poll and server CPU per delivered message.
#
# Environment (defaults are the issue's full size):
#   N=10000 MSGS=100000 (or M) RATE=10000 SOURCES=4 PUBLISHERS=4 MAX_BATCH=1000
#   CHANNEL_PORT=28101 NCHAN_PORT=28102 (and CHANNEL_PORT+1000/+1100 for
#   the channel's Thrift and admin ports)
# A quick run: N=500 MSGS=5000 RATE=2000 scripts/bench-channel.sh
#
# Exit status: 0 when every target is met, 2 when one is missed, 1 on error.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-10000} M=${MSGS:-${M:-100000}} RATE=${RATE:-10000} SOURCES=${SOURCES:-4}
PUBLISHERS=${PUBLISHERS:-4} MAX_BATCH=${MAX_BATCH:-1000}
CHANNEL_PORT=${CHANNEL_PORT:-28101} NCHAN_PORT=${NCHAN_PORT:-28102}
thrift_port=$((CHANNEL_PORT + 1000)) admin_port=$((CHANNEL_PORT + 1100))
log() { printf 'bench-channel: %s\n' "$*" >&2; }

# One process holds about 19,900 files here; every poll is a socket on both ends.
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((N + 200)) ] || { log "open files limit $(ulimit -n) is too low for N=$N"; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

log "building"
(cd "$root" && go build -o "$tmp/channel" ./services/channel && go build -o "$tmp/loadgen" ./services/channel/cmd/loadgen)
secret=$(head -c 32 /dev/urandom | base64)
common=(-users "$N" -messages "$M" -rate "$RATE" -sources "$SOURCES" -publishers "$PUBLISHERS" -max-batch "$MAX_BATCH")

wait_http() { # url: wait up to 10 s for a 200
  for _ in $(seq 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  log "no answer from $1"; return 1
}

# --- ours: holds long enough that no poll times out during the run.
log "channel: N=$N M=$M RATE=$RATE"
"$tmp/channel" -thrift-addr "127.0.0.1:$thrift_port" -http-addr "127.0.0.1:$CHANNEL_PORT" \
  -admin-addr "127.0.0.1:$admin_port" -advertise 127.0.0.1 -token-secret "$secret" \
  -hold 600s -hold-jitter 1s -log-level warn -log-format json 2>"$tmp/channel.log" &
channel_pid=$!
pids+=("$channel_pid")
wait_http "http://127.0.0.1:$admin_port/readyz"
"$tmp/loadgen" run -target channel -pid "$channel_pid" -http "127.0.0.1:$CHANNEL_PORT" \
  -thrift "127.0.0.1:$thrift_port" -admin "127.0.0.1:$admin_port" -token-secret "$secret" \
  "${common[@]}" -out "$tmp/channel.json"
kill "$channel_pid"; wait "$channel_pid" 2>/dev/null || true

# --- nchan: Debian's nginx with ONE worker process (with two, nchan 1.3.6
# crashes and loses messages when long-polls time out), in the foreground as
# our child, configured in a temp dir.
mkdir -p "$tmp/nginx/logs"
cat >"$tmp/nginx/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
worker_processes 1;
worker_rlimit_nofile $(ulimit -n);
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections $(( $(ulimit -n) - 100 )); }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NCHAN_PORT backlog=4096;
    location ~ ^/sub/(\w+)\$ { nchan_subscriber longpoll; nchan_channel_id \$1; nchan_subscriber_timeout 600s; }
    location ~ ^/pub/(\w+)\$ { nchan_publisher http; nchan_channel_id \$1; }
    location = /nchan_status { nchan_stub_status; }
  }
}
CONF
log "nchan: N=$N M=$M RATE=$RATE"
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
pids+=("$nginx_pid")
wait_http "http://127.0.0.1:$NCHAN_PORT/nchan_status"
worker_pid=$(pgrep -P "$nginx_pid" | head -1)
[ -n "$worker_pid" ] || { log "no nginx worker"; exit 1; }
"$tmp/loadgen" run -target nchan -pid "$worker_pid" -http "127.0.0.1:$NCHAN_PORT" \
  "${common[@]}" -out "$tmp/nchan.json"
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true

echo
echo "channel vs nchan: N=$N polls, M=$M messages at RATE=$RATE/s, $SOURCES source addresses, $(nproc) cores"
status=0
"$tmp/loadgen" compare "$tmp/channel.json" "$tmp/nchan.json" || status=$?
exit "$status"
