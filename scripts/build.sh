#!/usr/bin/env bash
# Configures (once) and builds corral into build/. Extra arguments are build targets.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON
fi
cmake --build build -j2 ${1:+--target "$@"}
