#!/usr/bin/env bash
# Builds the four service binaries, static, into a directory (default bin/).
#
# channel, presence and web are pure Go (CGO_ENABLED=0). chatlog is built
# with cgo and linked statically when this machine has a C compiler and a
# static libc (Debian: gcc and libc6-dev). Pebble then keeps its memtables
# and block cache off the Go heap, as it is designed to. Without cgo, each
# 64 MiB memtable is allocated on the Go heap. When that meets a garbage
# collection, every append stalls for 50-800 ms (docs/benchmarks.md).
#
#   CHATLOG_CGO=0   build chatlog in pure Go anyway
#
# Usage: scripts/build.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bin}
mkdir -p "$out"
CGO_ENABLED=0 go build -trimpath -o "$out/" ./services/channel ./services/presence ./services/web

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ "${CHATLOG_CGO:-1}" != 0 ] &&
  CGO_ENABLED=1 go build -trimpath -tags netgo,osusergo \
    -ldflags '-linkmode external -extldflags -static' \
    -o "$out/chatlog" ./services/chatlog 2>"$log"; then
  echo "build: chatlog with cgo, linked statically (Pebble's memory off the Go heap)"
else
  if [ "${CHATLOG_CGO:-1}" != 0 ]; then
    echo "build: chatlog cannot be built with cgo here; building it in pure Go:" >&2
    head -5 "$log" | sed 's/^/build:   /' >&2
  fi
  echo "build: warning: pure-Go chatlog keeps Pebble's memtables on the Go heap; appends stall during some garbage collections under heavy load" >&2
  CGO_ENABLED=0 go build -trimpath -o "$out/chatlog" ./services/chatlog
fi
