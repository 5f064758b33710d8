#!/usr/bin/env bash
# Builds each policy fuzz target with clang's libFuzzer and AddressSanitizer
# and runs it for a bounded time. Fails if a target finds a crash, a leak, an
# invariant broken (abort) or a slow input, or if it cannot be built; and if
# any URL the URL target found allowed has another host for a WHATWG parser
# (Node's URL class) than for libcurl.
# Usage: run_fuzzers.sh SOURCE_DIR BUILD_DIR [SECONDS_EACH=10]
set -euo pipefail
src=$1 out=$2/fuzz seconds=${3:-10}
mkdir -p "$out"
command -v clang++ >/dev/null || { echo "run_fuzzers: clang++ is missing (scripts/setup.sh installs it)" >&2; exit 1; }
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I"$src")
common=("$src/policy/tool_verdict.cpp" "$src/policy/path_glob.cpp" "$src/policy/sensitive_files.cpp")
build() {  # NAME SOURCES... [-- LIBS...]
  local name=$1; shift
  clang++ "${flags[@]}" "$src/tests/fuzz/$name.cpp" "${common[@]}" "$@" -o "$out/$name"
}
build fuzz_path_rules "$src/policy/path_rules.cpp" "$src/policy/path_spelling.cpp"
build fuzz_command_rules "$src/policy/command_rules.cpp"
build fuzz_url_rules "$src/policy/url_rules.cpp" "$src/policy/network_address.cpp" "$src/core/url.cpp" \
  "$src/core/status.cpp" -lcurl
build fuzz_secret_scan "$src/policy/secret_scan.cpp" "$src"/policy/secrets/*.cpp
# Allowed URLs to start the URL target from, so it mutates what passes.
mkdir -p "$out/fuzz_url_rules.corpus"
i=0
for url in https://api.example.com/ https://API.example.com:443/v1?q=a@b#f https://cdn.example.org/a/b.tgz \
           https://x.y.example.org/%2e%2e/ https://api.example.com/@me; do
  printf '%s' "$url" >"$out/fuzz_url_rules.corpus/seed$((i++))"
done
for target in fuzz_path_rules fuzz_command_rules fuzz_url_rules fuzz_secret_scan; do
  corpus="$out/$target.corpus"
  mkdir -p "$corpus"
  echo "== $target ($seconds s)"
  log="$out/$target.log"
  if ! (cd "$out" && "./$target" -max_total_time="$seconds" -timeout=5 -max_len=4096 -print_final_stats=1 \
          "$corpus" >"$log" 2>&1); then
    cat "$log" >&2
    echo "run_fuzzers: $target found a problem (the input is in $out)" >&2
    exit 1
  fi
  grep -E 'Done|stat::(number_of_executed_units|new_units_added)' "$log"
done

# Every URL the URL target's corpus holds that it allows, against a WHATWG parse.
allowed="$out/allowed-urls.jsonl"
rm -f "$allowed"
(cd "$out" && find fuzz_url_rules.corpus -type f -print0 |
   FUZZ_ALLOWED_URLS="$allowed" xargs -0 -r ./fuzz_url_rules >/dev/null 2>&1)
touch "$allowed"
echo "== allowed URLs against a WHATWG parse: $(wc -l <"$allowed")"
if ! node "$src/tests/policy/whatwg_hosts.mjs" "$allowed"; then
  echo "run_fuzzers: an allowed URL has another host for a WHATWG parser than for libcurl (above)" >&2
  exit 1
fi
