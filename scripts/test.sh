#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (unit,
# sandbox and end-to-end, with real git, SQLite and runc). Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then echo "test: run as root (the sandbox tests need runc)" >&2; exit 2; fi
scripts/setup.sh
scripts/check-format.sh
scripts/check-threads.sh
scripts/build.sh
cd build
ctest -j2 --output-on-failure --timeout 300
