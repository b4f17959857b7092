#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock (or $DOCKER_HOST):
# installs Debian's docker.io when dockerd is missing and starts dockerd when none runs.
set -euo pipefail

ping_engine() {
  if [ -n "${DOCKER_HOST:-}" ] && [[ "$DOCKER_HOST" != unix://* ]]; then
    command -v docker >/dev/null && docker version >/dev/null 2>&1
  else
    local sock="${DOCKER_HOST:-}"; sock="${sock#unix://}"; sock="${sock:-/var/run/docker.sock}"
    [ -S "$sock" ] && curl -fsS --max-time 3 --unix-socket "$sock" http://docker/_ping >/dev/null 2>&1
  fi
}

if ping_engine; then exit 0; fi
if [ -n "${DOCKER_HOST:-}" ] && [[ "$DOCKER_HOST" != unix://* ]]; then
  echo "ensure-docker: DOCKER_HOST=$DOCKER_HOST does not answer; start that engine first" >&2
  exit 1
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v dockerd >/dev/null 2>&1; then
  echo "ensure-docker: installing docker.io from apt" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq docker.io curl >/dev/null
fi
command -v curl >/dev/null 2>&1 || { as_root apt-get update -qq; DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq curl >/dev/null; }

if ! ping_engine; then
  echo "ensure-docker: starting dockerd (log: /var/log/moat-dockerd.log)" >&2
  as_root sh -c 'nohup dockerd >/var/log/moat-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do
    ping_engine && exit 0
    sleep 0.5
  done
  echo "ensure-docker: dockerd did not answer within 30 s; see /var/log/moat-dockerd.log" >&2
  tail -n 20 /var/log/moat-dockerd.log >&2 || true
  exit 1
fi
