#!/bin/bash
# Clang's thread-safety analysis over every source file that holds shared
# state (core/thread_annotations.h): a guarded member touched without its
# lock fails the build. g++ builds corral; this only compiles, with clang.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t headers < <(grep -rl --include='*.h' 'CORRAL_GUARDED_BY\|CORRAL_REQUIRES' \
  core store git policy routing containers runner settings alerts metrics admission scheduler merge api daemon cli)
pattern="thread_annotations.h"
for header in "${headers[@]}"; do pattern+="\\|${header}"; done
mapfile -t files < <(grep -rl --include='*.cpp' "$pattern" \
  core store git policy routing containers runner settings alerts metrics admission scheduler merge api daemon cli)
flags=(-std=c++20 -fsyntax-only -I. -Wthread-safety -Werror=thread-safety
       -DBOOST_ASIO_SEPARATE_COMPILATION -DBOOST_BEAST_SEPARATE_COMPILATION
       -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL -DSPDLOG_SHARED_LIB -DFMT_SHARED
       -DCORRAL_WEB_ROOT='"web/dist"')  # as daemon/CMakeLists.txt defines it
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -I{} clang++ "${flags[@]}" {}
echo "check-threads: ${#files[@]} files pass Clang's thread-safety analysis"
