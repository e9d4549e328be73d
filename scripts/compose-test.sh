#!/usr/bin/env bash
# Brings the compose stack up from locally built images (Consul from the
# project's own build: no registry needed), chats through the published web
# port, kills the channel container that owns a user, checks no acknowledged
# message is lost and delivery resumes, and tears everything down.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONSUL_IMAGE=${CONSUL_IMAGE:-thriftchat/consul:1.14.11}
docker info >/dev/null 2>&1 || { echo "compose-test: the Docker engine is not reachable" >&2; exit 1; }
CONSUL_IMAGE=$CONSUL_IMAGE bash scripts/images.sh
THRIFTCHAT_COMPOSE_TEST=1 timeout 900 go test -count=1 -timeout 12m -v -run TestCompose ./services/internal/composetest
