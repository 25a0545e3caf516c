#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what is missing, builds, and runs the default scenario through smmu-sim (summary on stdout,
# report.json, per-device CSV and plots in out/default). Extra arguments go to smmu-sim, e.g.
# ./run.sh --set smmu.tbu.main_tlb.entries=512. ./run.sh --demo runs the core-only demo instead.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
if [ "${1:-}" = "--demo" ]; then
  shift
  cmake --build build -j"$(nproc)" --target smmu-demo
  exec ./build/platforms/smmu-demo "$@"
fi
cmake --build build -j"$(nproc)" --target smmu-sim smmu-sweep smmu-sim-check
exec ./build/platforms/sim/smmu-sim configs/scenarios/default.yaml --out out/default "$@"
