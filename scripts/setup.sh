#!/usr/bin/env bash
# Installs every Debian package corral needs to build, test and run, only where missing.
# Safe to run again: it asks apt only about packages that are not installed yet.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache lld pkg-config git
  libboost-dev libboost-system-dev
  libgit2-dev libsqlite3-dev libspdlog-dev nlohmann-json3-dev libcli11-dev libssl-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev
  runc crun iproute2 procps curl sqlite3 python3 openssl
  clang libclang-rt-14-dev clang-format
  docker.io
  chromium
  prometheus  # the metrics test scrapes the daemon with its own server (and checks with promtool)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

# The real agent CLIs the end-to-end tests drive (against a scripted model
# server), from the npm registry, pinned; kept in .cache/ (git-ignored).
# Node and npm from Debian only where none are installed already (Gemini CLI
# runs on node >= 20).
if ! command -v npm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
fi
agents="$(cd "$(dirname "$0")/.." && pwd)/.cache/agents"
wanted="@anthropic-ai/claude-code@2.1.331 @google/gemini-cli@0.61.0 @openai/codex@0.169.0"
if [[ "$(cat "$agents/installed" 2>/dev/null)" != "$wanted" ]]; then
  echo "setup: installing $wanted into $agents"
  mkdir -p "$agents"
  # shellcheck disable=SC2086 # one argument per package
  npm install --prefix "$agents" --no-audit --no-fund --silent $wanted
  echo "$wanted" > "$agents/installed"
fi

# The web UI (web/): its npm packages as the lockfile pins them, then built
# into web/dist, which `corral serve` serves; again only when the lockfile or
# a source changed since the last build.
web="$(cd "$(dirname "$0")/.." && pwd)/web"
stamp="$(cat "$web/package-lock.json" "$web/build.mjs" $(find "$web/src" -type f | sort) | sha256sum | cut -d' ' -f1)"
if [[ "$(cat "$web/dist/.built-from" 2>/dev/null)" != "$stamp" ]]; then
  echo "setup: building the web UI into $web/dist"
  npm ci --prefix "$web" --no-audit --no-fund --silent
  node "$web/build.mjs"
  echo "$stamp" > "$web/dist/.built-from"
fi

# dockerd runs without systemd here (containers, CI): start it where no engine answers.
"$(dirname "$0")/start-docker.sh"
