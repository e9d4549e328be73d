#!/usr/bin/env bash
# The chatlog benchmark (make bench-chatlog). Builds the real chatlog binary,
# runs it on a fresh data directory per run and drives it over Thrift from
# concurrent callers: durable appends per second and append latency
# (p50/p99/max) at each concurrency, with one Thrift call per append and
# through chatlogclient, and history latency. The peers, in the same run: one
# fsync per append (-commit-max-batch 1) and Thrift with no store. It ends
# with the target (>= 20,000 appends/s, p99 <= 10 ms), met or not. Then the
# store alone, without Thrift, as a Go benchmark.
#
#   CLIENTS    concurrent callers, comma-separated: one run each (default 32,64,96,128)
#   DURATION   how long each group-commit run appends (default 6s)
#   DATA_DIR   where the runs keep data; must be on the disk to measure
#              (default: a fresh directory under ./data, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${CLIENTS:-32,64,96,128}
duration=${DURATION:-6s}
mkdir -p data
work=$(mktemp -d "${DATA_DIR:-$PWD/data}/bench-chatlog.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the box skews the figures)"
echo "disk: $(df -h --output=source,fstype "$work" | tail -1)"
echo
bash scripts/build.sh "$work" # chatlog as the images have it
go build -o "$work/chatlogbench" ./services/chatlog/internal/cmd/chatlogbench
"$work/chatlogbench" -bin "$work/chatlog" -data "$work" -clients "$clients" -duration "$duration"
echo
# Built like the server above: with cgo when a C compiler is here.
cgo=0
command -v gcc >/dev/null && [ "${CHATLOG_CGO:-1}" != 0 ] && cgo=1
echo "the store alone, in process (go test -bench, 64 callers, CGO_ENABLED=$cgo, data under $work):"
TMPDIR=$work CGO_ENABLED=$cgo go test -run '^$' -bench '^BenchmarkAppend$' -benchtime 40000x ./services/chatlog/internal/pebblestore/ |
  grep -E '^(Benchmark|ok|FAIL)'
