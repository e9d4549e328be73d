#!/usr/bin/env bash
# Runs `docker compose` where the plugin exists, else the older
# `docker-compose`; both read docker-compose.yml the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
if docker compose version >/dev/null 2>&1; then
  exec docker compose "$@"
elif command -v docker-compose >/dev/null 2>&1; then
  exec docker-compose "$@"
fi
echo "compose: neither 'docker compose' nor 'docker-compose' is installed" >&2
exit 1
