#!/bin/sh
# A scripted agent whose every word is aimed at the terminal of the person
# reading it: escape sequences, bidirectional overrides, NUL, carriage-return
# overwrites and fake diff headers, in its output, its report, its file names
# and its files' lines. corral must show each of them, and act on none.
set -u
printf 'start\033[2J\033[Hcleared\n'                 # CSI: clear the screen, cursor home
printf '\033]0;owned\007window\n'                    # OSC: retitle the window
printf 'tests passed\rtests FAILED\n'                # a carriage return overwrites the line
printf 'bidi \342\200\256exe.txt\n'                  # U+202E right-to-left override
printf 'zero\342\200\213width\n'                     # U+200B zero-width space
printf 'nul a\000b\n'                                # NUL
printf 'c1 \302\233''31mred\n'                       # C1 CSI (U+009B)
printf 'diff --git a/x b/x\n+++ b/approved.txt\n'     # a fake diff header
# $CORRAL_REPORT is two words (the supervisor and its command): unquoted
$CORRAL_REPORT confidence 0.9 "$(printf 'sure \033[32mAPPROVED\033[0m')"
printf 'x\n' > "$(printf 'esc\033[31mred.txt')"
printf 'x\n' > "$(printf 'bidi\342\200\256txt.exe')"
printf 'x\n' > "$(printf 'new\nline.txt')"
printf -- '-- a comment\n++ b/approved.txt\n\033[2Jcleared\r\nrita approved\n' > lines.txt
exit 0
