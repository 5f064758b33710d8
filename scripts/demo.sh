#!/usr/bin/env bash
# corral's main job on the embedded defaults: installs what is missing, builds,
# starts the daemon (`corral serve`, default data directory) and queues a small
# demonstration on a sample repository: three tasks for a bundled demo agent,
# one of them built on another. It waits for them, shows what happened, and
# leaves the daemon running so you can keep watching with the CLI.
# Run as root (the sandboxes need it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if [[ $(id -u) -ne 0 ]]; then echo "demo: run as root (the OCI runtime needs it)" >&2; exit 2; fi

scripts/setup.sh
scripts/build.sh corral corral-supervisor
corral="$root/build/bin/corral"
data="${CORRAL_DATA_DIR:-$HOME/.local/share/corral}"
export CORRAL_DATA_DIR="$data"
# The bundled demo agent, where every sandbox sees it (the host's /usr, read-only).
install -m 0755 scripts/demo-agent.sh /usr/local/bin/corral-demo-agent

if ! "$corral" repo list >/dev/null 2>&1; then
  mkdir -p "$data"
  nohup "$corral" serve >>"$data/serve.log" 2>&1 &
  for _ in $(seq 1 100); do "$corral" repo list >/dev/null 2>&1 && break; sleep 0.1; done
fi

repo=$(mktemp -d /tmp/corral-demo-XXXXXX)/sample
mkdir -p "$repo"
git -C "$repo" init -q -b main
printf '# sample\n\nA repository made by the corral demo.\n' > "$repo/README.md"
printf 'def greet(name):\n    return "hello " + name\n' > "$repo/greet.py"
printf 'this file is about to be renamed\n' > "$repo/NOTES.txt"
git -C "$repo" add -A
git -C "$repo" -c user.name=demo -c user.email=demo@example.com commit -q -m "initial commit"
"$corral" repo add "$repo"

echo "== queueing three tasks (the second builds on the first)"
first=$("$corral" task submit --repo "$repo" --agent corral-demo-agent "Add a farewell function")
second=$("$corral" task submit --repo "$repo" --agent corral-demo-agent --after "$first" "Write a test for farewell")
third=$("$corral" task submit --repo "$repo" --agent corral-demo-agent --priority 5 "Tidy the notes")
echo "$first $second $third"

echo "== the agent's output for $second, live"
"$corral" task logs --follow "$second"
for task in "$first" "$second" "$third"; do
  for _ in $(seq 1 300); do
    state=$("$corral" task show --json "$task" | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p')
    [[ $state == queued || $state == running ]] || break
    sleep 0.2
  done
done

echo; echo "== corral task list"
"$corral" task list
echo; echo "== corral events $second"
"$corral" events "$second"
echo; echo "== corral audit verify"
"$corral" audit verify
echo; echo "== the stacked task's branch, as plain git sees it in $repo"
git -C "$repo" log --oneline --graph "corral/$second" main
git -C "$repo" diff --stat "main..corral/$second"
cat <<EOT

demo: the daemon keeps running (data in $data, log in $data/serve.log). Try:
  $corral task list
  $corral events --follow
  $corral task submit --repo $repo --agent corral-demo-agent "Add a farewell function"
Stop it with: pkill -f '$corral serve'
EOT
