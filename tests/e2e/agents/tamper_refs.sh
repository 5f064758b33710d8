#!/bin/sh
# Hostile: move the shared refs of the mirror, by every route the worktree offers.
gitdir=$(sed -n 's/^gitdir: //p' /workspace/.git)
{
  git update-ref refs/heads/main HEAD~0 2>&1 && echo "update-ref worked"
  git push --force "$gitdir/../.." HEAD:refs/heads/main 2>&1 && echo "push worked"
  echo "0000000000000000000000000000000000000000" > "$gitdir/../../refs/source/heads/main" 2>&1 && echo "wrote ref file"
  # Point .git at a repository of its own, hoping corral follows it.
  git init -q --bare /workspace/fake.git 2>&1
  echo "gitdir: /workspace/fake.git" > /workspace/.git
} > /workspace/report.txt 2>&1
exit 0
