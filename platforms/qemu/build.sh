#!/usr/bin/env bash
# Builds build/qemu/qemu-system-aarch64: QEMU from Debian's source package with the smmuv3-model adapter
# (smmuv3-model.c) standing in for QEMU's SMMUv3 on the virt machine, linked with this repository's core.
#   platforms/qemu/build.sh [--core-lib LIB.a] [--sanitize] [--out FILE]
# --core-lib links that libsmmuv3-core.a (default: the repo's smmu_core target, built into build/qemu/core);
# --sanitize: the library is an ASan/UBSan build (adds the sanitizer runtime to the link).
# Source and build are cached under ${XDG_CACHE_HOME:-~/.cache}/smmuv3-model/qemu-<version>/, the finished
# binary under bin-<hash of adapter, patch, core library, flags>: a second run takes seconds.
# Exit status 3: a Debian package could not be had (no network, no deb-src); 1: the build failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/smmuv3-model
out=$repo/build/qemu/qemu-system-aarch64 core_lib= sanitize=0
while [ $# -gt 0 ]; do
    case $1 in
    --core-lib) core_lib=${2:?}; shift 2 ;;
    --sanitize) sanitize=1; shift ;;
    --out) out=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
log() { echo "build.sh: $*" >&2; }
t0=$(date +%s)

need_pkgs() {
    local p missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
        { log "cannot install ${missing[*]} (apt-get failed)"; exit 3; }
}

# ---- The core library: the one place that decides what QEMU links ----
# By default the repo's static smmu_core target (libsmmuv3-core.a, position-independent); with an installed
# package, point --core-lib at P/lib/libsmmuv3-core.a.
if [ -z "$core_lib" ]; then
    need_pkgs cmake
    cmake -S "$repo" -B "$repo/build/qemu/core" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMMU_BUILD_TESTS=OFF >/dev/null
    cmake --build "$repo/build/qemu/core" --target smmu_core -j2 >/dev/null
    core_lib=$repo/build/qemu/core/models/libsmmuv3-core.a
fi
[ -f "$core_lib" ] || { log "core library $core_lib: no such file"; exit 2; }
core_lib=$(cd "$(dirname "$core_lib")" && pwd)/$(basename "$core_lib")
core_link=("$core_lib")
[ $sanitize = 0 ] || core_link+=(-fsanitize=address,undefined)

# ---- QEMU's Debian source package ----
mkdir -p "$cache"
exec 9>"$cache/.build.lock"
flock 9   # one build at a time per cache (the CI's two suites, or two users of one home)
qdir=$(ls -d "$cache"/qemu-*/ 2>/dev/null | sort -V | tail -1 || true)
qdir=${qdir%/}
if [ -z "$qdir" ] || [ ! -f "$qdir/src/.ready" ] || [ -n "${SMMU_QEMU_REFRESH:-}" ]; then
    need_pkgs dpkg-dev meson libfdt-dev libglib2.0-dev libpixman-1-dev ninja-build gcc pkg-config python3
    if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        log "adding a deb-src entry (/etc/apt/sources.list.d/smmuv3-deb-src.sources)"
        . /etc/os-release
        printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            "$VERSION_CODENAME" "$VERSION_CODENAME" "$VERSION_CODENAME" > /etc/apt/sources.list.d/smmuv3-deb-src.sources
        apt-get update -qq || { log "apt-get update failed"; exit 3; }
    fi
    ver=$(apt-cache showsrc qemu 2>/dev/null | awk '/^Version:/ {print $2}' | sort -V | tail -1)
    [ -n "$ver" ] || { log "no qemu source package in the apt sources (deb-src)"; exit 3; }
    qdir=$cache/qemu-${ver#*:}
    if [ ! -f "$qdir/src/.ready" ]; then
        log "fetching QEMU $ver source"
        rm -rf "$qdir/src" && mkdir -p "$qdir/src"
        (cd "$qdir/src" && apt-get source -qq "qemu=$ver" >/dev/null) ||
            { log "cannot download QEMU's source package $ver (apt-get source failed)"; exit 3; }
        touch "$qdir/src/.ready"
    fi
fi
src=$(ls -d "$qdir"/src/qemu-*/ | head -1)
src=${src%/}
build=$qdir/build
ver=${qdir##*/qemu-}

# ---- The finished binary, keyed by what went into it ----
key=$(cat "$here/smmuv3-model.c" "$here/qemu-7.2-smmuv3-model.patch" "$core_lib" "$repo/models/smmu/include/smmu/smmu.h" \
      "$repo/models/smmu/include/smmu/export.h" <(echo "$ver ${core_link[*]:1}") | sha256sum | cut -c1-16)
bin=$qdir/bin-$key/qemu-system-aarch64
if [ ! -x "$bin" ]; then
    # The project's patch: build rules and the device type virt instantiates for iommu=smmuv3.
    if ! cmp -s "$here/qemu-7.2-smmuv3-model.patch" "$src/.smmuv3-model.patch" 2>/dev/null; then
        [ ! -f "$src/.smmuv3-model.patch" ] || patch -s -R -p1 -d "$src" < "$src/.smmuv3-model.patch"
        patch -s -p1 -d "$src" < "$here/qemu-7.2-smmuv3-model.patch"
        cp "$here/qemu-7.2-smmuv3-model.patch" "$src/.smmuv3-model.patch"
    fi
    cmp -s "$here/smmuv3-model.c" "$src/hw/arm/smmuv3-model.c" || cp "$here/smmuv3-model.c" "$src/hw/arm/smmuv3-model.c"
    mkdir -p "$src/smmu-model/include/smmu"
    for h in smmu.h export.h; do   # the C API and the export macros it includes
        cmp -s "$repo/models/smmu/include/smmu/$h" "$src/smmu-model/include/smmu/$h" ||
            cp "$repo/models/smmu/include/smmu/$h" "$src/smmu-model/include/smmu/$h"
    done
    # What QEMU links for the core: the only place it is decided (gcc reads the @file at link time).
    printf '%s\n' "${core_link[@]}" > "$src/smmu-model/link.rsp"
    if [ ! -f "$build/build.ninja" ]; then
        log "configuring QEMU $ver (aarch64-softmmu only)"
        mkdir -p "$build"
        (cd "$build" && "$src/configure" --target-list=aarch64-softmmu --without-default-features \
            --enable-fdt=system --disable-werror >"$build/configure.log" 2>&1) ||
            { log "configure failed: $build/configure.log"; tail -20 "$build/configure.log" >&2; exit 1; }
    fi
    log "building QEMU $ver (log: $build/ninja.log)"
    rm -f "$build/qemu-system-aarch64"   # relink: ninja does not track link.rsp's contents
    nice ninja -C "$build" qemu-system-aarch64 >"$build/ninja.log" 2>&1 ||
        { log "QEMU build failed: $build/ninja.log"; tail -30 "$build/ninja.log" >&2; exit 1; }
    mkdir -p "$qdir/bin-$key"
    cp "$build/qemu-system-aarch64" "$bin.tmp" && mv "$bin.tmp" "$bin"
fi
mkdir -p "$(dirname "$out")"
cp "$bin" "$out.tmp" && mv "$out.tmp" "$out"
log "$out (QEMU $ver, core $core_lib$([ $sanitize = 0 ] || echo ', sanitized'), $(( $(date +%s) - t0 ))s)"
