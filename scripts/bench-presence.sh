#!/usr/bin/env bash
# The presence benchmark (make bench-presence): one instance holding a million
# online users. Prints bytes per online user, report ingest rate and multi-get
# latency of 1,000 ids in process and over Thrift on loopback, each beside a
# peer measured in the same run, then the Go micro-benchmarks behind them.
# USERS, GETS and BENCHTIME override the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${USERS:-1000000}
gets=${GETS:-2000}
benchtime=${BENCHTIME:-2s}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the box skews latency)"
echo
go run ./services/presence/internal/cmd/presencebench -users "$users" -gets "$gets"
echo
echo "go test -bench (table: ns/entry ingest, 1,000-id get, B/user; thriftapi: calls over loopback)"
go test -run '^$' -bench . -benchtime "$benchtime" ./services/presence/internal/table/ ./services/presence/internal/thriftapi/ |
  grep -E '^(Benchmark|ok|FAIL)'
