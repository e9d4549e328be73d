#!/usr/bin/env bash
# gofmt, go vet and staticcheck (installed from the Go module proxy, pinned)
# over everything but generated code.
set -euo pipefail
cd "$(dirname "$0")/.."
STATICCHECK_VERSION=${STATICCHECK_VERSION:-v0.8.2}

files=$(git ls-files '*.go' | grep -v '^gen-go/' || true)
bad=$(gofmt -l $files)
if [ -n "$bad" ]; then
  echo "lint: gofmt would change:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "lint: gofmt ok"
go vet ./...
echo "lint: go vet ok"
bin=$(go env GOPATH)/bin/staticcheck
if [ ! -x "$bin" ] || ! "$bin" -version 2>/dev/null | grep -q "${STATICCHECK_VERSION#v}"; then
  echo "lint: installing staticcheck $STATICCHECK_VERSION" >&2
  go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
fi
pkgs=$(go list ./... | grep -v '/gen-go/')
"$bin" $pkgs
echo "lint: staticcheck ok"
