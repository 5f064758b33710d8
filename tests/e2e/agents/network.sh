#!/bin/bash
# Hostile: open a connection to the host's loopback port given as $1; list interfaces.
{
  echo "interfaces: $(ls /sys/class/net | tr '\n' ' ')"
  if timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && echo corral-escape >&3" 2>/dev/null; then
    echo "connected 127.0.0.1:$1"
  else
    echo "blocked 127.0.0.1:$1"
  fi
} > /workspace/report.txt
exit 0
