#!/usr/bin/env bash
# corral's main job on the embedded defaults: installs what is missing, builds,
# makes a sample repository, and runs one task with a bundled demo agent in a
# hardened sandbox. Prints the result, the task's events, the audit, and the
# branch as plain git shows it. Run as root (runc needs it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if [[ $(id -u) -ne 0 ]]; then echo "demo: run as root (the OCI runtime needs it)" >&2; exit 2; fi

scripts/setup.sh
scripts/build.sh corral corral-supervisor
corral="$root/build/bin/corral"

work=$(mktemp -d /tmp/corral-demo-XXXXXX)
repo="$work/sample"
mkdir -p "$repo" "$work/agents"
cp "$root/scripts/demo-agent.sh" "$work/agents/"
chmod -R a+rX "$work"
git -C "$repo" init -q -b main
printf '# sample\n\nA repository made by the corral demo.\n' > "$repo/README.md"
printf 'def greet(name):\n    return "hello " + name\n' > "$repo/greet.py"
printf 'this file is about to be renamed\n' > "$repo/NOTES.txt"
git -C "$repo" add -A
git -C "$repo" -c user.name=demo -c user.email=demo@example.com commit -q -m "initial commit"

echo "== corral run (agent: scripts/demo-agent.sh, in a runc sandbox)"
set +e
json=$("$corral" run --json --repo "$repo" --mount-ro "$work/agents:/opt/corral-demo" \
  --agent "sh /opt/corral-demo/demo-agent.sh" --timeout 60 --memory 256m \
  "Add a farewell function and a test, and tidy the notes")
status=$?
set -e
echo "$json"
task=$(printf '%s' "$json" | sed -n 's/.*"task_id":"\([^"]*\)".*/\1/p')
[[ -n "$task" ]] || { echo "demo: corral run failed (exit $status)" >&2; exit 1; }

echo; echo "== corral events $task"
"$corral" events "$task"
echo; echo "== corral audit verify"
"$corral" audit verify
echo; echo "== the task branch, as plain git sees it in $repo"
git -C "$repo" log --stat -1 "corral/$task"
git -C "$repo" diff "main..corral/$task"
echo; echo "demo: the sample repository stays in $repo; corral's state is in ${CORRAL_DATA_DIR:-$HOME/.local/share/corral}"
exit "$status"
