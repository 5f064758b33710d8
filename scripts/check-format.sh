#!/usr/bin/env bash
# Checks that every C++ file git tracks (and every new one it does not ignore)
# is laid out as .clang-format says; names the files that are not.
# --fix rewrites them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.h')
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
off=()
for file in "${files[@]}"; do
  clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || off+=("$file")
done
if ((${#off[@]} > 0)); then
  echo "check-format: ${#off[@]} file(s) are not laid out as .clang-format says (scripts/check-format.sh --fix):" >&2
  printf '  %s\n' "${off[@]}" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files laid out as .clang-format says"
