#!/usr/bin/env bash
# Regenerates from thrift/ into a temporary folder and fails on any
# difference with the committed gen-go/ and client code.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash "$root/scripts/gen.sh" "$tmp"
status=0
for d in gen-go clients/php/gen clients/python/gen; do
  if ! diff -ruN "$root/$d" "$tmp/$d" >"$tmp/diff.txt"; then
    echo "check-gen: $d differs from what thrift/ generates; run 'make gen' and commit:" >&2
    head -40 "$tmp/diff.txt" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "check-gen: generated code matches thrift/"
exit $status
