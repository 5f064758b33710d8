#!/bin/sh
# A deterministic scripted agent: makes one change of every kind git knows.
set -eu
echo "scripted agent working on: $1"
printf '# sample\n\nEdited by the scripted agent.\n' > README.md   # modified
mkdir -p src && printf 'int helper(void) { return 1; }\n' > src/helper.c  # added
rm src/app.c                                                      # deleted
mv docs/old-name.txt docs/new-name.txt                            # renamed
chmod +x scripts/run.sh                                           # executable bit
printf '%s\n' "$CORRAL_PROMPT" > PROMPT.txt                       # the prompt, as received
echo "done" >&2
