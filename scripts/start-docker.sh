#!/usr/bin/env bash
# Starts dockerd if no engine answers on its socket (machines without systemd,
# CI). Idempotent and safe to run from parallel tests (one flock).
set -euo pipefail
socket=${DOCKER_HOST:-}
socket=${socket#unix://}
socket=${socket:-/var/run/docker.sock}
answers() { curl -fsS --unix-socket "$socket" http://docker/_ping >/dev/null 2>&1; }
exec 9>/run/corral-start-docker.lock
flock 9
answers && exit 0
command -v dockerd >/dev/null || { echo "start-docker: dockerd is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
nohup dockerd >/var/log/corral-dockerd.log 2>&1 &
for _ in $(seq 1 100); do
  answers && exit 0
  sleep 0.3
done
echo "start-docker: dockerd did not come up; see /var/log/corral-dockerd.log" >&2
exit 1
