#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The Python package as installed: `cmake --install` into a temporary prefix, then the docs' example from that
# prefix alone (no SMMUV3_CORE_LIB, no source tree on PYTHONPATH): the package must find the prefix's library.
# usage: installed_test.sh BUILD_DIR PYTHON
set -euo pipefail
build=$1 py=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smmuv3-py.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/p" >"$tmp/install.log" || { cat "$tmp/install.log"; exit 1; }
cd "$tmp"
unset SMMUV3_CORE_LIB
init=$(find "$tmp/p" -path '*/smmuv3/__init__.py' | head -n 1)
[ -n "$init" ] || { echo "FAIL: the smmuv3 package is not installed"; exit 1; }
export PYTHONPATH=${init%/smmuv3/__init__.py}
echo "package: $PYTHONPATH/smmuv3"
lib=$("$py" -c 'import smmuv3; print(smmuv3.library_path)')
echo "library: $lib"
case $lib in "$tmp/p/"*) ;; *) echo "FAIL: the installed package loaded $lib, not the prefix's library"; exit 1 ;; esac
"$py" "$tmp/p/share/smmuv3/docs/python-example.py"
