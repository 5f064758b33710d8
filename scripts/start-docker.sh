#!/usr/bin/env bash
# Starts dockerd if no engine answers on its socket (machines without systemd,
# CI). Idempotent and safe to run from parallel tests (one flock).
set -euo pipefail
socket=${DOCKER_HOST:-}
socket=${socket#unix://}
socket=${socket:-/var/run/docker.sock}
answers() { curl -fsS --max-time 5 --unix-socket "$socket" http://docker/_ping >/dev/null 2>&1; }
answers && exit 0
exec 9>/run/corral-start-docker.lock
flock --timeout 120 9 || { echo "start-docker: another start-docker still holds /run/corral-start-docker.lock" >&2; exit 1; }
answers && exit 0
command -v dockerd >/dev/null || { echo "start-docker: dockerd is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
# 9>&-: dockerd must not inherit the lock, or it would hold it for its whole
# life and every later caller would wait forever.
nohup dockerd >/var/log/corral-dockerd.log 2>&1 9>&- &
for _ in $(seq 1 100); do
  answers && exit 0
  sleep 0.3
done
echo "start-docker: dockerd did not come up; see /var/log/corral-dockerd.log" >&2
exit 1
