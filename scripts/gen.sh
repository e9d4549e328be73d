#!/usr/bin/env bash
# Generates Go, PHP and Python code from thrift/*.thrift with Debian's
# thrift-compiler 0.17 (the pinned generator). Output goes to OUT (default: the
# repo root), as gen-go/, clients/php/gen/ and clients/python/gen/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root}
want="0.17.0"
have=$(thrift --version 2>/dev/null | awk '{print $3}') || true
if [ "$have" != "$want" ]; then
  echo "gen: need thrift-compiler $want, found '${have:-none}' (run scripts/install-deps.sh)" >&2
  exit 1
fi
rm -rf "$out/gen-go" "$out/clients/php/gen" "$out/clients/python/gen"
mkdir -p "$out/gen-go" "$out/clients/php/gen" "$out/clients/python/gen"
for idl in "$root"/thrift/*.thrift; do
  thrift -I "$root/thrift" --gen "go:package_prefix=github.com/thriftchat/thriftchat/gen-go/,skip_remote" -out "$out/gen-go" "$idl"
  thrift -I "$root/thrift" --gen php -out "$out/clients/php/gen" "$idl"
  thrift -I "$root/thrift" --gen py -out "$out/clients/python/gen" "$idl"
done
# Go's formatter is the canonical layout for generated Go too.
gofmt -w "$out/gen-go"
