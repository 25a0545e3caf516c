#!/usr/bin/env bash
# Boots Debian's arm64 kernel on QEMU's virt machine with the SMMUv3 in front of a virtio-blk and an NVMe
# disk, runs the block workload (checksummed reads and writes) and powers off.
#   platforms/qemu/run-linux.sh [--mode strict|lazy|passthrough] [--out DIR] [--trace FILE]
#                               [--qemu PATH | --stock] [--smmu PROP=VALUE]... [--disk-mib N]
# --stock boots Debian's own qemu-system-aarch64 (QEMU's SMMUv3) as the anchor. Writes DIR/console.log and,
# with the model, DIR/stats.json; the exit status is 0 when the guest's workload reported no failure,
# 3 when a Debian package could not be had, 2 for a bad option.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/smmuv3-model
kver_pin=${SMMU_LINUX_KVER:-6.1.0-50}

mode=strict out=$repo/build/linux qemu=$repo/build/qemu/qemu-system-aarch64 stock=0 trace= disk_mib=8
smmu_props=()
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case $1 in
    --mode) mode=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --trace) trace=${2:?}; shift 2 ;;
    --qemu) qemu=${2:?}; shift 2 ;;
    --stock) stock=1; shift ;;
    --smmu) smmu_props+=("${2:?}"); shift 2 ;;
    --disk-mib) disk_mib=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-linux.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
case $mode in
strict) bootarg= ;;
lazy) bootarg=iommu.strict=0 ;;
passthrough) bootarg=iommu.passthrough=1 ;;
*) echo "run-linux.sh: --mode '$mode': strict, lazy or passthrough" >&2; exit 2 ;;
esac
case $disk_mib in ''|*[!0-9]*) echo "run-linux.sh: --disk-mib '$disk_mib': a number of MiB" >&2; exit 2 ;; esac
[ "$disk_mib" -ge 4 ] && [ "$disk_mib" -le 4096 ] || { echo "run-linux.sh: --disk-mib $disk_mib: 4..4096" >&2; exit 2; }
if [ $stock = 1 ]; then
    qemu=$(command -v qemu-system-aarch64 || true)
    if [ -z "$qemu" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-arm >/dev/null ||
            { echo "run-linux.sh: cannot install qemu-system-arm" >&2; exit 3; }
        qemu=$(command -v qemu-system-aarch64)
    fi
fi
[ -x "$qemu" ] || { echo "run-linux.sh: $qemu: not built (run platforms/qemu/build.sh)" >&2; exit 2; }

if ! command -v cpio >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cpio >/dev/null ||
        { echo "run-linux.sh: cannot install cpio" >&2; exit 3; }
fi

# ---- Guest packages: Debian's arm64 kernel (pinned, else the newest 6.1) and busybox-static ----
guest=$cache/guest
mkdir -p "$guest" "$out"
fetch_debs() {
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then dpkg --add-architecture arm64; fi
    if ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
        apt-get update -qq || { echo "run-linux.sh: apt-get update failed" >&2; exit 3; }
    fi
    local k=linux-image-$kver_pin-arm64
    if ! apt-cache show "$k:arm64" >/dev/null 2>&1; then
        k=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-arm64$' | awk '{print $1}' | sort -V | tail -1)
        [ -n "$k" ] || { echo "run-linux.sh: no linux-image-6.1.0-*-arm64 package in the apt sources" >&2; exit 3; }
        echo "run-linux.sh: $kver_pin not available, using $k" >&2
    fi
    (cd "$guest" && apt-get download -qq "$k:arm64" busybox-static:arm64) ||
        { echo "run-linux.sh: cannot download $k:arm64 and busybox-static:arm64" >&2; exit 3; }
}
kdeb=$(ls "$guest"/linux-image-"$kver_pin"-arm64_*_arm64.deb 2>/dev/null | tail -1 || true)
[ -n "$kdeb" ] || kdeb=$(ls "$guest"/linux-image-6.1.0-*-arm64_*_arm64.deb 2>/dev/null | sort -V | tail -1 || true)
bdeb=$(ls "$guest"/busybox-static_*_arm64.deb 2>/dev/null | tail -1 || true)
if [ -z "$kdeb" ] || [ -z "$bdeb" ]; then
    fetch_debs
    kdeb=$(ls "$guest"/linux-image-6.1.0-*-arm64_*_arm64.deb | sort -V | tail -1)
    bdeb=$(ls "$guest"/busybox-static_*_arm64.deb | tail -1)
fi
key=$(sha256sum "$kdeb" "$bdeb" "$0" "$here/guest-init.sh" | sha256sum | cut -c1-12)
root=$guest/initramfs-$key
if [ ! -f "$root.cpio.gz" ]; then
    rm -rf "$root.x" "$root" && mkdir -p "$root.x" "$root"/{bin,dev,proc,sys,lib/modules,data}
    dpkg-deb -x "$kdeb" "$root.x"
    dpkg-deb -x "$bdeb" "$root.x"
    cp "$root.x"/boot/vmlinuz-* "$root.vmlinuz"
    cp "$root.x"/bin/busybox "$root/bin/busybox"
    ln -s busybox "$root/bin/sh"
    kcfg=$(ls "$root.x"/boot/config-*)
    mdir=$(ls -d "$root.x"/lib/modules/*)
    : > "$root/lib/modules/order"
    add_mod() {   # module name -> its dependencies first, then itself (the package has no modules.dep)
        local f d
        f=$(find "$mdir/kernel" -name "$1.ko" -o -name "${1//_/-}.ko" | head -1)
        [ -n "$f" ] || { echo "run-linux.sh: module $1 not in $kdeb" >&2; exit 3; }
        grep -qx "$(basename "$f")" "$root/lib/modules/order" && return 0
        for d in $(tr '\0' '\n' < "$f" | sed -n 's/^depends=//p' | tr ',' ' '); do add_mod "$d"; done
        cp "$f" "$root/lib/modules/"
        basename "$f" >> "$root/lib/modules/order"
    }
    for opt in VIRTIO_PCI:virtio_pci VIRTIO_BLK:virtio_blk BLK_DEV_NVME:nvme; do
        if grep -q "^CONFIG_${opt%%:*}=m" "$kcfg"; then add_mod "${opt#*:}"; fi
    done
    cp "$here/guest-init.sh" "$root/init" && chmod +x "$root/init"
    (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$root.cpio.gz.tmp"
    mv "$root.cpio.gz.tmp" "$root.cpio.gz"
    rm -rf "$root.x"
fi

# ---- Disks of random data; the guest checks what it reads against these checksums ----
work=$out/work
mkdir -p "$work"
for d in vd nvme; do
    head -c $((disk_mib << 20)) /dev/urandom > "$work/$d.img"
done
# The expected checksums ride on the kernel command line.
vd_md5=$(md5sum < "$work/vd.img" | cut -c1-32)
nv_md5=$(md5sum < "$work/nvme.img" | cut -c1-32)

args=(-M virt,gic-version=3,iommu=smmuv3 -cpu cortex-a57 -smp 2 -m 1024
      -nographic -no-reboot -nic none -kernel "$root.vmlinuz" -initrd "$root.cpio.gz"
      -append "console=ttyAMA0 panic=-1 $bootarg smmutest.vd=$vd_md5 smmutest.nvme=$nv_md5 smmutest.mib=$disk_mib"
      -drive if=none,id=vd0,file="$work/vd.img",format=raw,cache=unsafe
      -device virtio-blk-pci,drive=vd0,iommu_platform=on,disable-legacy=on
      -drive if=none,id=nv0,file="$work/nvme.img",format=raw,cache=unsafe
      -device nvme,drive=nv0,serial=smmutest0)
if [ $stock = 0 ]; then
    args+=(-global "smmuv3-model.stats=$out/stats.json")
    [ -z "$trace" ] || args+=(-global "smmuv3-model.trace=$trace")
    for p in "${smmu_props[@]}"; do args+=(-global "smmuv3-model.$p"); done
    rm -f "$out/stats.json"
elif [ ${#smmu_props[@]} -gt 0 ] || [ -n "$trace" ]; then
    echo "run-linux.sh: --smmu and --trace need the model (not --stock)" >&2; exit 2
fi
start=$(date +%s%N)
set +e
timeout "${SMMU_LINUX_TIMEOUT:-300}" "$qemu" "${args[@]}" < /dev/null > "$out/console.log" 2> "$out/qemu.stderr"
rc=$?
set -e
ms=$(( ($(date +%s%N) - start) / 1000000 )); secs=$((ms / 1000)).$(printf %03d $((ms % 1000)))
cat "$out/qemu.stderr" >&2
rm -f "$work/vd.img" "$work/nvme.img"
if [ $rc -ne 0 ]; then
    echo "run-linux.sh: $qemu exited with $rc (124: timeout) after ${secs}s; see $out/console.log" >&2
    exit 1
fi
if [ -n "$trace" ] && [ -f "$trace" ]; then
    # One trace per StreamID, times from that stream's first DMA: what a scenario device replays (docs/linux.md).
    awk -v base="${trace%.trace}" '
        /^#/ { next }
        { f = base "-sid" $2 ".trace"
          if (!(f in t0)) { t0[f] = $1; print "# smmu-trace 1: time_ps sid ssid op addr size (from " FILENAME ")" > f }
          printf "%.0f %s %s %s %s %s\n", $1 - t0[f], $2, $3, $4, $5, $6 > f }
        END { for (f in t0) { close(f); print "wrote " f > "/dev/stderr" } }' "$trace"
fi
grep '^SMMUTEST' "$out/console.log" || true
echo "run-linux.sh: $mode boot + workload: ${secs}s wall" >&2
grep -q '^SMMUTEST DONE fail=0' "$out/console.log"
