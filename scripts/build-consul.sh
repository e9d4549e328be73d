#!/usr/bin/env bash
# Builds a Consul agent from the Go module proxy at v1.14.11, the last MPL-2.0
# release line (1.15.10+/1.16.4+ are BSL), and caches the binary so later runs
# skip the ~10 minute build. Prints the binary's path on stdout.
#
#   CONSUL_VERSION  release to build (default v1.14.11; keep it MPL-2.0)
#   CONSUL_CACHE    cache folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/thriftchat)
set -euo pipefail

version=${CONSUL_VERSION:-v1.14.11}
cache=${CONSUL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thriftchat}
bin="$cache/consul-$version"

log() { printf 'build-consul: %s\n' "$*" >&2; }

# Refuse BSL releases: v1.15.10 and later 1.15s, v1.16.4 and later.
older() { [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$1" ]; }
if ! older "$version" v1.15.10 && { older "$version" v1.16.0 || ! older "$version" v1.16.4; }; then
  log "consul $version is under the BSL; use an MPL-2.0 release such as v1.14.11"
  exit 1
fi

if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

log "fetching github.com/hashicorp/consul@$version from the module proxy"
modfile=$(go mod download -json "github.com/hashicorp/consul@$version" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
[ -f "$modfile" ] || { log "could not download consul $version"; exit 1; }

# Consul's own go.mod replaces its api, sdk and proto-public modules with local
# folders; replaces only apply to the main module, so pin the versions it requires.
pin() { awk -v m="github.com/hashicorp/consul/$1" '$1 == m { print $2; exit }' "$modfile"; }
api=$(pin api); sdk=$(pin sdk); proto=$(pin proto-public)
log "pinning api $api, sdk $sdk, proto-public $proto"

cat > go.mod <<MOD
module thriftchat.local/consulbuild

go 1.20

require (
	github.com/hashicorp/consul $version
	github.com/hashicorp/consul/api $api
	github.com/hashicorp/consul/sdk $sdk
	github.com/hashicorp/consul/proto-public $proto
)

replace launchpad.net/gocheck => github.com/go-check/check v0.0.0-20140225173054-eb6ee6f84d0a
MOD
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/hashicorp/consul"
GO

log "resolving dependencies"
# Use consul's own requirement graph: the minimum versions it was released with.
GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true
# Re-pin with go mod edit, not go get: "go get github.com/hashicorp/consul/api@vX"
# also probes the module github.com/hashicorp/consul at vX (a BSL release for
# api's version numbers) to see whether it holds the api package.
go mod edit -require="github.com/hashicorp/consul@$version" \
  -require="github.com/hashicorp/consul/api@$api" -require="github.com/hashicorp/consul/sdk@$sdk" \
  -require="github.com/hashicorp/consul/proto-public@$proto"
got=$(GOFLAGS=-mod=mod go list -m -f '{{.Version}}' github.com/hashicorp/consul)
[ "$got" = "$version" ] || { log "resolved consul $got, not $version; refusing to build"; exit 1; }

log "compiling (static; the first build takes about ten minutes on two cores)"
CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$bin.tmp" github.com/hashicorp/consul
# consul is the binary's main module ("mod"); a stray copy would be a "dep".
linked=$(go version -m "$bin.tmp" | awk '($1 == "mod" || $1 == "dep") && $2 == "github.com/hashicorp/consul" { print $3 }')
[ "$linked" = "$version" ] || { rm -f "$bin.tmp"; log "binary links consul ${linked:-?}, not $version"; exit 1; }
mv "$bin.tmp" "$bin"
log "built $("$bin" version | head -1)"
echo "$bin"
