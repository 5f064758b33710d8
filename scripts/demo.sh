#!/usr/bin/env bash
# corral's main job on the embedded defaults: installs what is missing, builds,
# starts the daemon (`corral serve`, default data directory) and queues a small
# demonstration on a sample repository: three tasks for a bundled demo agent,
# one of them built on another. Their diffs go through the commit step: a
# reviewer approves them and corral merges them into the shared main branch,
# only forward. It shows what happened, and leaves the daemon running so you
# can keep watching with the CLI.
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

# The sample project: a shared (bare) repository, as a team's server holds it.
demo=$(mktemp -d /tmp/corral-demo-XXXXXX)
work="$demo/work"
repo="$demo/sample.git"
mkdir -p "$work"
git -C "$work" init -q -b main
printf '# sample\n\nA repository made by the corral demo.\n' > "$work/README.md"
printf 'def greet(name):\n    return "hello " + name\n' > "$work/greet.py"
printf 'this file is about to be renamed\n' > "$work/NOTES.txt"
git -C "$work" add -A
git -C "$work" -c user.name=demo -c user.email=demo@example.com commit -q -m "initial commit"
git clone -q --bare "$work" "$repo"
"$corral" repo add "$repo"
# One approval per change (a new repository starts at "observe", which asks for two).
"$corral" repo set "$repo" --pin supervised >/dev/null

echo "== queueing three tasks (the second builds on the first)"
first=$("$corral" task submit --repo "$repo" --agent corral-demo-agent "Add a farewell function")
second=$("$corral" task submit --repo "$repo" --agent corral-demo-agent --after "$first" "Write a test for farewell")
third=$("$corral" task submit --repo "$repo" --agent corral-demo-agent --priority 5 "Tidy the notes")
echo "$first $second $third"

echo "== the agent's output for $second, live"
"$corral" task logs --follow "$second"
state_of() { "$corral" task show --json "$1" | sed -n 's/.*"state":"\([a-z_]*\)".*/\1/p'; }
wait_while() {  # TASK STATE...: waits while the task is in one of the states
  local task=$1; shift
  for _ in $(seq 1 300); do
    local state; state=$(state_of "$task")
    [[ " $* " == *" $state "* ]] || return 0
    sleep 0.2
  done
}
for task in "$first" "$second" "$third"; do wait_while "$task" queued running succeeded; done

echo; echo "== corral review list (diffs waiting for a human)"
"$corral" review list
echo; echo "== corral review show $first"
"$corral" review show "$first"
echo; echo "== a reviewer approves them (the submitter could not)"
reviewer=$("$corral" token create --name demo-reviewer --role reviewer)
for task in "$first" "$second" "$third"; do CORRAL_TOKEN=$reviewer "$corral" review approve "$task"; done
for task in "$first" "$second" "$third"; do wait_while "$task" review merging; done

echo; echo "== corral task list"
"$corral" task list
echo; echo "== corral events $second"
"$corral" events "$second"
echo; echo "== corral audit verify"
"$corral" audit verify
echo; echo "== main of $repo, as plain git sees it: the three tasks, merged forward"
git -C "$repo" log --oneline main
echo; echo "== a forced update of main is refused, and alerted"
"$corral" repo move-branch "$repo" main "$(git -C "$repo" rev-parse main~2)" --force || true

echo; echo "== the ways out of a sandbox: an allowlist for the egress proxy, the tool gate asked by hooks"
"$corral" repo set "$repo" --egress-host pypi.org --egress-host '*.pythonhosted.org' --budget task_calls=50 >/dev/null
fourth=$("$corral" task submit --repo "$repo" --agent corral-demo-agent "Check the boundaries")
"$corral" task logs --follow "$fourth"
wait_while "$fourth" queued running succeeded
"$corral" events "$fourth" | grep -E "tool\.|egress\.|sandbox\.created" || true
cat <<EOT

demo: the daemon keeps running (data in $data, log in $data/serve.log). Try:
  $corral task list
  $corral events --follow
  $corral review list
  $corral repo show $repo
  $corral task submit --repo $repo --agent corral-demo-agent "Add a farewell function"
Stop it with: pkill -f '$corral serve'
EOT
