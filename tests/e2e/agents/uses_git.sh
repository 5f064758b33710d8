#!/bin/sh
# A scripted agent that leans on git as real agents do: reads status, history
# and diffs, commits its own work, and tries to write the history it reads.
set -u
echo "status:[$(git status --porcelain)]"
echo "log:[$(git log --format=%s -1)]"
echo "branch:[$(git rev-parse --abbrev-ref HEAD)]"
printf 'changed by the agent\n' >> README.md
echo "diff:[$(git diff --stat | tail -1)]"
git add -A && git -c user.name=agent -c user.email=agent@example.com commit -qm "the agent's own commit"
echo "committed:[$(git log --format=%s -1)]"
echo "after:[$(git status --porcelain)]"
if touch /.corral/git-objects/planted 2>/dev/null; then echo "objects:writable"; else echo "objects:read-only"; fi
exit 0
