#!/bin/sh
# The demo's agent: a deterministic script standing in for a coding agent.
# It receives the prompt as its last argument (and in $CORRAL_PROMPT) and
# does what the prompt's first matching keyword (test, farewell, notes,
# boundaries) asks.
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
  *boundaries*)
    # What an agent's hook asks before a tool call, and two ways out that are not allowed.
    for call in '{"tool_name":"Read","tool_input":{"file_path":"/etc/shadow"}}' \
                '{"tool_name":"Bash","tool_input":{"command":"git push --force origin main"}}' \
                '{"tool_name":"Write","tool_input":{"file_path":"notes/boundaries.txt","content":"ok"}}'; do
      if printf '%s' "$call" | $CORRAL_TOOL_HOOK 2>/tmp/why; then echo "demo agent: allowed: $call"
      else echo "demo agent: refused: $(cat /tmp/why)"; fi
    done
    for url in http://169.254.169.254/latest/meta-data/ http://evil.example/upload; do
      echo "demo agent: GET $url through \$HTTP_PROXY: $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url")"
    done
    mkdir -p notes && echo "boundaries checked" > notes/boundaries.txt ;;
  *)
    echo "demo agent: nothing to do for this prompt" ;;
esac
echo "demo agent: done"
