#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# ctest driver (label linux): builds or reuses QEMU with the core, boots Debian's arm64 kernel in one mode
# and checks the boot (check_boot.py). Exit 77 (ctest SKIP) only when Debian's packages cannot be had.
#   linux_boot_test.sh build --core-lib LIB [--sanitize] --qemu OUT
#   linux_boot_test.sh boot MODE --qemu BIN --work DIR [--trace FILE]
#   linux_boot_test.sh replay --sim SMMU_SIM --work DIR   (the strict boot's trace through smmu-sim)
#   linux_boot_test.sh config --qemu BIN --work DIR       (the core's configuration from QEMU's command line)
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
config)
    [ "${1:-}" = --qemu ] && [ "${3:-}" = --work ] || { echo "linux_boot_test.sh config --qemu BIN --work DIR" >&2; exit 2; }
    qemu=$2 work=$4/config fails=0
    [ -x "$qemu" ] || { echo "SKIP: $qemu was not built (see the linux_qemu_build test)"; exit 77; }
    mkdir -p "$work"
    base=(-M virt,iommu=smmuv3 -display none -nic none -serial none -monitor none)
    # A configuration the core refuses stops QEMU before the guest runs, naming the reason.
    while IFS='|' read -r prop msg; do
        err=$(timeout 30 "$qemu" "${base[@]}" -global "smmuv3-model.$prop" 2>&1 >/dev/null); rc=$?
        if [ $rc = 1 ] && [[ $err == *"$msg"* ]]; then echo "ok    $prop: $err"
        else echo "FAIL  $prop: exit $rc, '$err' (want exit 1 and '$msg')"; fails=$((fails + 1)); fi
    done <<'END'
preset=mmu-900|smmuv3-model: preset 'mmu-900': unknown (mmu-700 or mmu-600)
sidsize=40|smmuv3-model: bad configuration: sidsize 40: at most 32
oas=47|smmuv3-model: bad configuration: oas_bits 47: must be 32, 36, 40, 42, 44, 48 or 52
END
    # The ID registers the guest reads follow the preset and the knobs (IHI 0070 6.3: AIDR, IIDR, IDR3.RIL bit 10).
    while IFS='|' read -r props want; do
        args=(); for p in $props; do args+=(-global "smmuv3-model.$p"); done
        rm -f "$work/stats.json"
        timeout -s TERM 5 "$qemu" "${base[@]}" -S "${args[@]}" -global "smmuv3-model.stats=$work/stats.json" 2>/dev/null
        got=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["id_registers"]; print(r["AIDR"], r["IIDR"], "RIL=%d" % (int(r["IDR3"], 16) >> 10 & 1))' "$work/stats.json" 2>&1)
        if [ "$got" = "$want" ]; then echo "ok    $props: $got"; else echo "FAIL  $props: '$got', want '$want'"; fails=$((fails + 1)); fi
    done <<'END'
preset=mmu-700|0x00000002 0x4870043b RIL=1
preset=mmu-600|0x00000001 0x4830043b RIL=0
preset=mmu-700 ril=0|0x00000002 0x4870043b RIL=0
END
    [ $fails = 0 ] ;;
*) echo "linux_boot_test.sh: build, boot, replay or config" >&2; exit 2 ;;
esac
