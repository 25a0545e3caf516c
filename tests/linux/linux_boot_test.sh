#!/usr/bin/env bash
# ctest driver (label linux): builds or reuses QEMU with the core, boots Debian's arm64 kernel in one mode
# and checks the boot (check_boot.py). Exit 77 (ctest SKIP) only when Debian's packages cannot be had.
#   linux_boot_test.sh build --core-lib LIB [--sanitize] --qemu OUT
#   linux_boot_test.sh boot MODE --qemu BIN --work DIR [--trace FILE]
#   linux_boot_test.sh replay --sim SMMU_SIM --work DIR   (the strict boot's trace through smmu-sim)
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
replay)
    [ "${1:-}" = --sim ] && [ "${3:-}" = --work ] || { echo "linux_boot_test.sh replay --sim BIN --work DIR" >&2; exit 2; }
    sim=$2 work=$4
    vd=$work/strict/dma-sid0x8.trace nv=$work/strict/dma-sid0x10.trace
    [ -f "$vd" ] && [ -f "$nv" ] || { echo "SKIP: no trace from linux_boot_strict ($vd)"; exit 77; }
    # The scenario maps the top 16 MiB below 4 GiB, where Linux put every IOVA of the boot.
    out=$(python3 -c 'import sys; print(sum(1 for f in sys.argv[1:] for l in open(f) if not l.startswith("#") and not (0xff000000 <= int(l.split()[4], 16) and int(l.split()[4], 16) + int(l.split()[5]) <= 1 << 32)))' "$vd" "$nv")
    [ "$out" = 0 ] || { echo "FAIL: $out DMAs outside the scenario's mapping 0xff000000..0xffffffff"; exit 1; }
    span=$(awk '!/^#/ { if ($1 > m) m = $1 } END { printf "%.0f", m / 1e6 + 1 }' "$vd" "$nv")
    "$sim" "$repo/configs/scenarios/linux-block.yaml" --quiet --out "$work/replay" \
        --set "devices[virtio-blk].traffic.file=$vd" --set "devices[nvme].traffic.file=$nv" \
        --set "run.duration=${span}us" || exit 1
    python3 - "$work/replay/report.json" "$vd" "$nv" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
want = [sum(1 for l in open(f) if not l.startswith("#")) for f in sys.argv[2:]]
ok = True
for d, n in zip(r["devices"], want):
    good = d["transactions"] == n and d["errors"] == 0 and d["failed"] == 0 and d["translations"] >= n
    ok &= good
    print(("ok    " if good else "FAIL  ") + f"{d['name']}: {d['transactions']} of {n} DMAs replayed, "
          f"{d['errors']} errors, {d['failed']} failed translations, TLB hit rate {d['tlb_hit_rate']:.3f}")
ok &= not r["events"]
print("replay:", "PASS" if ok else "FAIL (events %s)" % r["events"])
sys.exit(0 if ok else 1)
PY
    ;;
*) echo "linux_boot_test.sh: build, boot or replay" >&2; exit 2 ;;
esac
