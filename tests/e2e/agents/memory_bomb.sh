#!/bin/sh
# Hostile: allocate without end. The memory limit must stop it.
x=0123456789abcdef
while true; do x="$x$x"; done
