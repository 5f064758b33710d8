#!/bin/sh
# Hostile: try to write everywhere but /workspace. $1 names host paths to aim at.
for target in /pwned /etc/pwned /usr/pwned /usr/local/bin/pwned /root/pwned /home/pwned /.corral/pwned $1; do
  if (echo pwned > "$target") 2>/dev/null; then echo "wrote $target"; else echo "blocked $target"; fi
done >> /workspace/report.txt
# The mirror, through the path the worktree's .git file names.
gitdir=$(sed -n 's/^gitdir: //p' /workspace/.git)
if (echo pwned > "$gitdir/../../pwned") 2>/dev/null; then echo "wrote mirror"; else echo "blocked mirror"; fi >> /workspace/report.txt
exit 0
