#!/usr/bin/env bash
# ctest driver (label linux): builds or reuses QEMU with the core, boots Debian's arm64 kernel in one mode
# and checks the boot (check_boot.py). Exit 77 (ctest SKIP) only when Debian's packages cannot be had.
#   linux_boot_test.sh build --core-lib LIB [--sanitize] --qemu OUT
#   linux_boot_test.sh boot MODE --qemu BIN --work DIR [--trace FILE]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"   # QEMU's own allocations outlive exit by design
what=${1:?}; shift
skip_if_unavailable() { # rc of build.sh/run-linux.sh: 3 = a Debian package could not be had
    if [ "$1" = 3 ]; then echo "SKIP: Debian's packages (QEMU source, arm64 kernel, busybox) cannot be had here"; exit 77; fi
}
case $what in
build)
    "$repo/platforms/qemu/build.sh" "$@"
    rc=$?; skip_if_unavailable $rc; exit $rc ;;
boot)
    mode=${1:?}; shift
    qemu= work= trace=()
    while [ $# -gt 0 ]; do
        case $1 in
        --qemu) qemu=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --trace) trace=(--trace "$2"); shift 2 ;;
        *) echo "linux_boot_test.sh: unknown option $1" >&2; exit 2 ;;
        esac
    done
    [ -x "$qemu" ] || { echo "SKIP: $qemu was not built (see the linux_qemu_build test)"; exit 77; }
    "$repo/platforms/qemu/run-linux.sh" --qemu "$qemu" --mode "$mode" --out "$work/$mode" "${trace[@]}"
    rc=$?; skip_if_unavailable $rc
    python3 "$here/check_boot.py" "$mode" "$work/$mode/console.log" "$work/$mode/stats.json" || exit 1
    [ $rc = 0 ] || { echo "run-linux.sh failed ($rc); console: $work/$mode/console.log"; tail -30 "$work/$mode/console.log"; exit 1; }
    ;;
*) echo "linux_boot_test.sh: build or boot" >&2; exit 2 ;;
esac
