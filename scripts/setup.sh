#!/usr/bin/env bash
# Sets up Moat on a fresh Debian 12 machine: a Docker engine, the project's own Node 24
# (from the npm registry, so the machine's older Node is left alone), dependencies and
# the build. With --test it also installs what the tests need (Chromium for the HTML
# report test; docker-registry, htpasswd and openssl for the registry client's tests).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v npm >/dev/null 2>&1; then
  echo "setup: npm is missing: install Node.js 20 or newer with npm (apt-get install nodejs npm)" >&2
  exit 1
fi

bash scripts/ensure-docker.sh

if [ "${1:-}" = "--test" ]; then
  if ! command -v chromium >/dev/null 2>&1; then
    echo "setup: installing chromium from apt (browser test of the HTML report)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
  fi
  # Registry tests: a real registry (distribution 2.8), htpasswd for its Basic auth, openssl for certificates.
  if ! command -v docker-registry >/dev/null 2>&1 || ! command -v htpasswd >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
    echo "setup: installing docker-registry, apache2-utils and openssl from apt (registry tests)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq docker-registry apache2-utils openssl >/dev/null
  fi
  # Network picture test: Graphviz's dot renders the DOT `moat network` writes.
  if ! command -v dot >/dev/null 2>&1; then
    echo "setup: installing graphviz from apt (moat network's DOT output is rendered by dot in its test)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq graphviz >/dev/null
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "setup: installing debootstrap from apt (the image tests build a Debian root file system)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq debootstrap >/dev/null
  fi
  # Analyzer tests: rpm and BerkeleyDB's db_load make real rpm databases, Go builds real Go
  # binaries (go version -m is the oracle), zip/unzip make and list real jars.
  if ! command -v rpmbuild >/dev/null 2>&1 || ! command -v db5.3_load >/dev/null 2>&1 || ! command -v go >/dev/null 2>&1 || ! command -v zip >/dev/null 2>&1 || ! command -v unzip >/dev/null 2>&1; then
    echo "setup: installing rpm, db5.3-util, golang-go, zip and unzip from apt (analyzer tests)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq rpm db5.3-util golang-go zip unzip >/dev/null
  fi
  # Server tests: each starts a private PostgreSQL 15 cluster (initdb/pg_ctl from Debian's postgresql) on a loopback port.
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    echo "setup: installing postgresql from apt (moat serve's tests on a real PostgreSQL)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  # The remote-daemon tests reach a daemon over ssh:// through a real sshd on 127.0.0.1 (a port, keys and config of their own).
  if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null 2>&1; then
    echo "setup: installing openssh-server and openssh-client from apt (ssh:// remote-daemon tests)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends openssh-server openssh-client >/dev/null
  fi
  # The rootless-daemon tests run Debian's dockerd-rootless.sh (docker.io) under RootlessKit and slirp4netns
  # as an unprivileged user with subordinate uid and gid ranges of its own.
  if ! command -v rootlesskit >/dev/null 2>&1 || ! command -v newuidmap >/dev/null 2>&1 || ! command -v slirp4netns >/dev/null 2>&1; then
    echo "setup: installing rootlesskit, uidmap and slirp4netns from apt (rootless-daemon tests)" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq rootlesskit uidmap slirp4netns >/dev/null
  fi
  if ! id moat-rootless >/dev/null 2>&1; then
    echo "setup: creating the system user moat-rootless (rootless-daemon tests)" >&2
    as_root useradd --system --create-home --home-dir /var/lib/moat-rootless --shell /usr/sbin/nologin moat-rootless
  fi
  if ! grep -q '^moat-rootless:' /etc/subuid 2>/dev/null || ! grep -q '^moat-rootless:' /etc/subgid 2>/dev/null; then
    echo "setup: giving moat-rootless subordinate ids 200000-265535 (rootless-daemon tests)" >&2
    as_root usermod --add-subuids 200000-265535 --add-subgids 200000-265535 moat-rootless
  fi
fi

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
