#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs the Debian packages the project needs, only those that are missing. --test (./test.sh) also installs
# what the test suite's optional groups need.
set -euo pipefail
pkgs=(g++ make cmake pkg-config python3 libgtest-dev libsystemc-dev libsystemc-doc libyaml-cpp-dev nlohmann-json3-dev gnuplot-nox time clang)
# Only the slurm-labelled test needs these (a private single-node Slurm); without them that test is skipped.
optional=()
[ "${1:-}" = --test ] && optional=(slurm-wlm munge)
missing=() missing_optional=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in "${pkgs[@]}"; do installed "$p" || missing+=("$p"); done
for p in ${optional[@]+"${optional[@]}"}; do installed "$p" || missing_optional+=("$p"); done
[ ${#missing[@]} -eq 0 ] && [ ${#missing_optional[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]-} ${missing_optional[*]-}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
[ ${#missing[@]} -eq 0 ] || $SUDO apt-get install -y -qq --no-install-recommends ${missing[@]+"${missing[@]}"}
if [ ${#missing_optional[@]} -gt 0 ] && ! $SUDO apt-get install -y -qq --no-install-recommends ${missing_optional[@]+"${missing_optional[@]}"}; then
  echo "note: ${missing_optional[*]} could not be installed; the slurm test will be skipped" >&2
fi
