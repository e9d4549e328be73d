#!/usr/bin/env bash
# Installs what building and testing thriftchat needs on a Debian machine:
# the Thrift compiler (0.17, the pinned generator), Chromium for the browser
# test, PHP and Python with Debian's Thrift libraries for the client tests,
# nginx with Nchan for the channel benchmark, and a C toolchain with a
# static libc for the race detector and the cgo chatlog (scripts/build.sh).
# Safe to run again: packages already present are skipped without touching
# apt.
set -euo pipefail

log() { printf 'install-deps: %s\n' "$*" >&2; }

packages=(gcc libc6-dev thrift-compiler chromium php-cli php-thrift python3-thrift nginx libnginx-mod-nchan curl procps iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  # The packaged nginx starts a system service on :80; the benchmark runs its own.
  $sudo systemctl disable --now nginx >/dev/null 2>&1 || $sudo service nginx stop >/dev/null 2>&1 || true
else
  log "system packages present"
fi

log "thrift: $(thrift --version)"
log "chromium: $(chromium --version 2>/dev/null || echo missing)"
log "php: $(php -r 'echo PHP_VERSION;')"
/usr/bin/python3 -c 'import thrift' || { log "python3-thrift is not importable by /usr/bin/python3"; exit 1; }
