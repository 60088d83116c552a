#!/usr/bin/env bash
# Make sure a Docker engine answers. Tests and the bench call this; they never mock the engine.
# When none answers: install Debian's docker.io if dockerd is absent, start dockerd in the
# background with its log in a file, and wait (bounded) until it answers.
set -euo pipefail

STATE_DIR="${CODEINJECT_ENGINE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/codeinject/engine}"
LOG="$STATE_DIR/dockerd.log"
WAIT_SECONDS="${CODEINJECT_ENGINE_WAIT:-90}"
mkdir -p "$STATE_DIR"

say() { echo "[engine] $*" >&2; }
answers() { docker info >/dev/null 2>&1; }

# One caller at a time: parallel test workers must not start two daemons.
exec 9>"$STATE_DIR/ensure.lock"
flock 9

if answers; then
  say "Docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    say "no Docker engine answers and dockerd is not installed; as root run: apt-get install docker.io" 
    exit 1
  fi
  say "installing Debian's docker.io (apt-get update first)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$STATE_DIR/apt.log" 2>&1
  apt-get install -y -qq docker.io >>"$STATE_DIR/apt.log" 2>&1 || { say "apt-get install docker.io failed; see $STATE_DIR/apt.log"; exit 1; }
fi

if [ "$(id -u)" != 0 ]; then
  say "no Docker engine answers; start one (as root: dockerd &) or set DOCKER_HOST"
  exit 1
fi

# Debian's client (/usr/bin/docker, 20.10) talks to Debian's engine; a stale pid file blocks a restart.
if ! pgrep -x dockerd >/dev/null 2>&1; then
  rm -f /var/run/docker.pid
  say "starting dockerd (log: $LOG)"
  # 9>&- : the daemon must not inherit (and so hold forever) the lock above.
  nohup dockerd >"$LOG" 2>&1 </dev/null 9>&- &
  disown || true
fi

for _ in $(seq 1 "$WAIT_SECONDS"); do
  if answers; then
    say "Docker engine started ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    exit 0
  fi
  sleep 1
done
say "dockerd did not answer within ${WAIT_SECONDS}s; last log lines from $LOG:"
tail -n 15 "$LOG" >&2 || true
exit 1
