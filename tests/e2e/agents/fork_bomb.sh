#!/bin/sh
# Hostile: a fork bomb. The pids limit must hold it and corral must end the run.
bomb() { bomb | bomb & }
bomb
sleep 600
