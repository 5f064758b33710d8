#!/bin/sh
# Hostile: move the shared refs of the mirror, or plant objects in it, by
# every route the workspace offers. Its own repository (/workspace/.git) is
# the agent's to change: moving a ref there reaches nothing outside.
{
  git update-ref refs/heads/main HEAD~0 2>&1 && echo "moved a ref of its own repository (harmless)"
  objects=$(cat /workspace/.git/objects/info/alternates)
  git push --force "$objects/.." HEAD:refs/heads/main 2>&1 && echo "push worked"
  touch "$objects/planted" 2>&1 && echo "planting an object worked"
  mkdir -p "$objects/../refs/source/heads" 2>&1 && echo "0000000000000000000000000000000000000000" \
    > "$objects/../refs/source/heads/main" 2>&1 && echo "wrote ref file"
  # Point .git at a repository of its own, hoping corral follows it.
  git init -q --bare /workspace/fake.git 2>&1
  rm -rf /workspace/.git
  echo "gitdir: /workspace/fake.git" > /workspace/.git
} > /workspace/report.txt 2>&1
exit 0
