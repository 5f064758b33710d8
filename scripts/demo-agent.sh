#!/bin/sh
# The demo's agent: a deterministic script standing in for a coding agent.
# It receives the prompt as its last argument (and in $CORRAL_PROMPT) and
# does what the prompt's first matching keyword (test, farewell, notes) asks.
set -eu
echo "demo agent: $1"
case "$1" in
  *test*)
    grep -q farewell greet.py || { echo "demo agent: farewell() is missing, nothing to test" >&2; exit 1; }
    mkdir -p tests
    printf 'from greet import farewell, greet\n\n\ndef test_greet():\n    assert greet("ada") == "hello ada"\n\n\ndef test_farewell():\n    assert farewell("ada") == "goodbye ada"\n' > tests/test_greet.py ;;
  *farewell*)
    printf '\n\ndef farewell(name):\n    return "goodbye " + name\n' >> greet.py ;;
  *notes*)
    mv NOTES.txt docs-notes.txt ;;
  *)
    echo "demo agent: nothing to do for this prompt" ;;
esac
echo "demo agent: done"
