#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Platform-level figures with smmu-sim: peak RSS of the default scenario, and a 16-point sweep run with 1 and
# with 2 concurrent processes (smmu-sweep --jobs 1 / 2, or xargs -P without it). Usage: scale_bench.sh SMMU_SIM REPO [--quick]
set -u
SIM=$1 REPO=$(cd "$2" && pwd) QUICK=${3:-}   # absolute: the sweep file lives in a temporary directory
SCEN=$REPO/configs/scenarios/default.yaml
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
fig() {   # name value unit [baseline_name baseline]
  if [ $# -ge 5 ]; then
    awk -v n="$1" -v v="$2" -v u="$3" -v bn="$4" -v b="$5" 'BEGIN {
      printf "  %-46s %11.2f %-9s  %-30s %10.2f  x%.2f\n", n, v, u, bn, b, v / b
      printf "BENCH_JSON {\"name\":\"%s\",\"value\":%.6g,\"unit\":\"%s\",\"baseline_name\":\"%s\",\"baseline\":%.6g,\"ratio\":%.6g}\n", n, v, u, bn, b, v / b }'
  else
    awk -v n="$1" -v v="$2" -v u="$3" 'BEGIN { printf "  %-46s %11.2f %-9s\n", n, v, u
      printf "BENCH_JSON {\"name\":\"%s\",\"value\":%.6g,\"unit\":\"%s\"}\n", n, v, u }'
  fi
}
[ -x "$SIM" ] || { echo "  !! smmu-sim not built: $SIM"; exit 1; }
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
echo "Platform benchmarks (smmu-sim, $SCEN)"
/usr/bin/time -f "%M" -o "$OUT/rss" "$SIM" "$SCEN" --quiet --out "$OUT/default" >/dev/null 2>&1 || { echo "  !! default scenario failed"; exit 1; }
fig "default scenario, peak RSS" "$(awk '{print $1 / 1024}' "$OUT/rss")" "MiB" "target 64 MiB" 64
POINTS=16
[ "$QUICK" = --quick ] && POINTS=2
SWEEP=$(dirname "$SIM")/smmu-sweep
if [ -x "$SWEEP" ]; then                   # the sweep runner: one smmu-sim process per point, --jobs at once
  if [ "$POINTS" = 16 ]; then GRID="smmu.tbu.main_tlb.entries: [256, 512, 1024, 2048]
  smmu.tbu.utlb.entries: [8, 16, 32, 64]"; else GRID="smmu.tbu.main_tlb.entries: [512, 1024]"; fi
  # Points of about a second each, like real sweep points, so process start-up does not dominate.
  DUR=5ms; [ "$QUICK" = --quick ] && DUR=1ms
  printf 'scenario: %s\ngrid:\n  %s\nset:\n  smmu.tbu.utlb.ways: 0\n  report.plots: false\n  run.duration: %s\n' "$SCEN" "$GRID" "$DUR" > "$OUT/sweep.yaml"
  run_sweep() { "$SWEEP" "$OUT/sweep.yaml" --out "$OUT/sweep$1" --jobs "$1" >/dev/null 2>&1 || echo "  !! smmu-sweep --jobs $1 failed"; }
  HOW="smmu-sweep --jobs"
else                                       # no sweep runner: the same points launched with xargs -P
  point() { "$SIM" "$SCEN" --quiet --set report.plots=false --set report.csv_dir= --set "smmu.tbu.main_tlb.entries=$((256 << ($1 % 4)))" --out "$OUT/p$1" >/dev/null 2>&1 || echo "  !! sweep point $1 failed"; }
  export -f point; export SIM SCEN OUT
  run_sweep() { seq 0 $((POINTS - 1)) | xargs -P "$1" -I{} bash -c 'point {}'; }
  HOW="xargs -P"
fi
for jobs in 1 2; do
  t0=$(date +%s.%N)
  run_sweep $jobs
  t1=$(date +%s.%N)
  eval "wall$jobs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
done
fig "$POINTS-point sweep, 1 process at a time" "$wall1" "s"
fig "$POINTS-point sweep, speed-up with 2 processes" "$(awk -v a="$wall1" -v b="$wall2" 'BEGIN { print a / b }')" "x" "target" 1.8
echo "  (sweep run with $HOW 1 and 2; load average $(cut -d' ' -f1 /proc/loadavg) at the end)"
