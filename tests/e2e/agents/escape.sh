#!/bin/sh
# Hostile: the classic container escapes and privilege grabs.
{
  unshare -r true 2>&1 && echo "unshare worked"
  unshare -m true 2>&1 && echo "unshare mount worked"
  mount -t tmpfs none /tmp 2>&1 && echo "mount worked"
  chroot / true 2>&1 && echo "chroot worked"
  su -c id root </dev/null 2>&1 && echo "su worked"
  echo "uid=$(id -u) caps=$(grep CapEff /proc/self/status)"
  cat /proc/kcore > /dev/null 2>&1 && echo "kcore readable"
  echo 1 > /proc/sys/kernel/sysrq 2>&1 && echo "proc sys writable"
  ls /dev
} > /workspace/report.txt 2>&1
exit 0
