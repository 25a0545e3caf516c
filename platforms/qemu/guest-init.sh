#!/bin/sh
# /init of the test initramfs (busybox): loads the block drivers, reads and writes both disks in several
# block sizes with checksum checks, prints "SMMUTEST ..." lines for the host and powers off.
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /tmp && mount -t tmpfs -o size=600m tmp /tmp
for m in $(cat /lib/modules/order); do insmod "/lib/modules/$m" || echo "SMMUTEST FAIL insmod-$m"; done

arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^smmutest\.$1=//p"; }
mib=$(arg mib)
pass=0 fail=0
ok() { echo "SMMUTEST PASS $1"; pass=$((pass + 1)); }
bad() { echo "SMMUTEST FAIL $1"; fail=$((fail + 1)); }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1 ($2 != $3)"; fi; }

for i in $(seq 1 100); do [ -b /dev/vda ] && [ -b /dev/nvme0n1 ] && break; sleep 0.1; done
# O_DIRECT makes every dd block one DMA of that size; without it the page cache would serve re-reads.
direct=iflag=direct odirect=oflag=direct
dd if=/dev/vda of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null || { direct= odirect=; echo "SMMUTEST NOTE no O_DIRECT"; }
drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }

rnd() { # a random number below $1
    echo $(( $(od -An -N4 -tu4 /dev/urandom) % $1 ))
}

disk_test() { # name device expected-md5
    n=$1 dev=$2 want=$3
    [ -b "$dev" ] || { bad "$n-present"; return; }
    ok "$n-present"
    drop
    ref=/tmp/$n.ref
    dd if="$dev" of="$ref" bs=1M $direct 2>/dev/null
    check "$n-seq-read-1M" "$(md5sum < "$ref" | cut -c1-32)" "$want"
    for bs in 4096 65536 524288; do
        drop
        check "$n-seq-read-$bs" "$(dd if="$dev" bs=$bs $direct 2>/dev/null | md5sum | cut -c1-32)" "$want"
    done
    # Random reads: blocks at random offsets, compared with the verified reference copy.
    for bs in 4096 16384 131072; do
        blocks=$(( (mib << 20) / bs )) bad_n=0
        for i in $(seq 1 8); do
            k=$(rnd $blocks)
            a=$(dd if="$dev" bs=$bs skip=$k count=1 $direct 2>/dev/null | md5sum)
            b=$(dd if="$ref" bs=$bs skip=$k count=1 2>/dev/null | md5sum)
            [ "$a" = "$b" ] || bad_n=$((bad_n + 1))
        done
        check "$n-rand-read-$bs" "$bad_n" 0
    done
    # Writes: sequential and random, of fresh random data, applied to the reference copy too.
    dd if=/dev/urandom of=/tmp/w.bin bs=1M count=2 2>/dev/null
    for bs in 4096 65536 1048576; do
        dd if=/tmp/w.bin of="$dev" bs=$bs $odirect conv=notrunc,fsync 2>/dev/null
        dd if=/tmp/w.bin of="$ref" bs=$bs conv=notrunc 2>/dev/null
        drop
        check "$n-seq-write-$bs" "$(dd if="$dev" bs=1M count=2 $direct 2>/dev/null | md5sum)" \
              "$(dd if="$ref" bs=1M count=2 2>/dev/null | md5sum)"
        blocks=$(( (mib << 20) / bs ))
        for i in $(seq 1 4); do
            k=$(rnd $blocks) s=$(rnd $(( (2 << 20) / bs )))
            dd if=/tmp/w.bin of="$dev" bs=$bs skip=$s seek=$k count=1 $odirect conv=notrunc 2>/dev/null
            dd if=/tmp/w.bin of="$ref" bs=$bs skip=$s seek=$k count=1 conv=notrunc 2>/dev/null
        done
        drop
        check "$n-rand-write-$bs" "$(dd if="$dev" bs=1M $direct 2>/dev/null | md5sum | cut -c1-32)" \
              "$(md5sum < "$ref" | cut -c1-32)"
    done
    rm -f "$ref"
}

disk_test vd /dev/vda "$(arg vd)"
disk_test nvme /dev/nvme0n1 "$(arg nvme)"

for d in /sys/bus/pci/devices/*; do
    t=$(cat "$d/iommu_group/type" 2>/dev/null || echo none)
    echo "SMMUTEST GROUP ${d##*/} $(sed 's/^0x//' "$d/vendor"):$(sed 's/^0x//' "$d/device") $t"
done
echo "SMMUTEST DONE fail=$fail pass=$pass"
sync
poweroff -f
