#!/usr/bin/env bash
# Builds the FROM-scratch images compose runs: one per service from bin/
# (make build), and a Consul image from the project's own Consul build.
#   TAG            image tag for the services (default dev)
#   CONSUL_IMAGE   the Consul image compose will use; when it is the
#                  project's own (thriftchat/consul:*), it is built here too
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${TAG:-dev}
log() { printf 'images: %s\n' "$*" >&2; }
for s in channel presence chatlog web; do
  [ -x "bin/$s" ] || { log "bin/$s missing: run 'make build'"; exit 1; }
  log "building thriftchat/$s:$tag"
  docker build -q -f deploy/Dockerfile --build-arg SERVICE="$s" -t "thriftchat/$s:$tag" . >/dev/null
done
consul_image=${CONSUL_IMAGE:-hashicorp/consul:1.14.11}
if [[ "$consul_image" == thriftchat/consul:* ]]; then
  cp "$(bash scripts/build-consul.sh)" bin/consul
  log "building $consul_image from the project's Consul build"
  docker build -q -f deploy/consul.Dockerfile -t "$consul_image" . >/dev/null
fi
log "done"
