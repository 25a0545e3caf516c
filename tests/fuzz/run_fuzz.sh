#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds and runs the libFuzzer targets with clang, in their own build tree.
#   run_fuzz.sh build <fuzz-build-dir>                       configure and build every target
#   run_fuzz.sh run <fuzz-build-dir> <target> <seconds>     fuzz from the checked-in seeds for a bounded time
# A finding leaves crash-*/leak-*/timeout-* in <fuzz-build-dir>/artifacts and fails with the reproducer's name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=$1 bdir=$2
case $mode in
build)
  command -v clang >/dev/null && command -v clang++ >/dev/null || { echo "clang not found (scripts/deps.sh installs it)"; exit 1; }
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$here" -B "$bdir" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug "${launcher[@]}" >/dev/null
  cmake --build "$bdir" -j"${FUZZ_JOBS:-2}"
  ;;
run)
  target=$3 secs=$4
  work="$bdir/corpus/$target" art="$bdir/artifacts/$target"
  mkdir -p "$work" "$art"
  # Seeds are read-only inputs; new inputs go to the work corpus, which persists between runs of this tree.
  "$bdir/$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
      -print_final_stats=1 -artifact_prefix="$art/" "$work" "$here/corpus/$target" 2>"$bdir/$target.log" || {
    tail -40 "$bdir/$target.log"; echo "finding: $(ls "$art")"; exit 1; }
  grep -E "stat::number_of_executed_units|Done" "$bdir/$target.log" | tail -2
  ;;
*) echo "usage: $0 build <dir> | run <dir> <target> <seconds>"; exit 2 ;;
esac
