#!/bin/sh
# The demo's agent: a deterministic script standing in for a coding agent.
# It receives the prompt as its last argument (and in $CORRAL_PROMPT).
set -eu
echo "demo agent: $1"
cat >> greet.py <<'PY'


def farewell(name):
    return "goodbye " + name
PY
mkdir -p tests
cat > tests/test_greet.py <<'PY'
from greet import farewell, greet


def test_greet():
    assert greet("ada") == "hello ada"


def test_farewell():
    assert farewell("ada") == "goodbye ada"
PY
mv NOTES.txt docs-notes.txt
echo "demo agent: done"
