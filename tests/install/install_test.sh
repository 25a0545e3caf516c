#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs the build into a temporary prefix and uses it from there alone: the files a package must carry, the
# shared core library's exported symbols against the public headers, the examples (platforms/examples/embed_c and
# sc_platform) built through the CMake package and through pkg-config and run, the installed tools finding their
# data, and the repository used through add_subdirectory().
# usage: install_test.sh BUILD_DIR SOURCE_DIR C_COMPILER CXX_COMPILER [EXTRA_FLAGS]
set -euo pipefail
build=$1 src=$2 cc=$3 cxx=$4 flags=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smmuv3-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
p=$tmp/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

step "cmake --install into $p"
cmake --install "$build" --prefix "$p" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
libdir=
for d in lib lib64 lib/*-linux-gnu; do
  if [ -e "$p/$d/libsmmuv3-core.so" ]; then libdir=$d; break; fi
done
[ -n "$libdir" ] || fail "libsmmuv3-core.so not installed"
for f in include/smmu/smmu.h include/smmu/export.h include/smmu/sc/smmuv3.h \
         "$libdir"/libsmmuv3-core.a "$libdir"/libsmmuv3-core.so "$libdir"/libsmmuv3-sc.a "$libdir"/libsmmuv3-sc.so \
         "$libdir"/cmake/smmuv3/smmuv3Config.cmake "$libdir"/cmake/smmuv3/smmuv3ConfigVersion.cmake \
         "$libdir"/pkgconfig/smmuv3-core.pc "$libdir"/pkgconfig/smmuv3-sc.pc \
         bin/smmu-sim bin/smmu-sweep bin/smmu-sim-check bin/smmu-trace-convert \
         share/smmuv3/configs/presets/mmu700.yaml share/smmuv3/configs/scenarios/default.yaml \
         share/smmuv3/docs/config-keys.md share/doc/smmuv3/LICENSE; do
  [ -e "$p/$f" ] || fail "not installed: $f"
done
# Nothing installed may point back into the source or build tree.
if grep -rlF -e "$src" -e "$build" "$p/$libdir/cmake" "$p/$libdir/pkgconfig"; then fail "installed package files name the source or build tree"; fi

step "SONAME and exported symbols of libsmmuv3-core.so"
soname=$(readelf -d "$p/$libdir/libsmmuv3-core.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
echo "SONAME $soname"
[[ $soname =~ ^libsmmuv3-core\.so\.[0-9]+\.[0-9]+$ ]] || fail "SONAME '$soname' does not carry major.minor"
[ -e "$p/$libdir/$soname" ] || fail "$soname not installed"
# The functions the public C headers declare (not static inline definitions), from GCC's -aux-info listing.
for h in "$p"/include/smmu/*.h; do echo "#include <smmu/${h##*/}>"; done >"$tmp/all.c"
"$cc" -std=c11 -I"$p/include" -fsyntax-only -aux-info "$tmp/aux.txt" "$tmp/all.c"
grep -F "$p/include/smmu/" "$tmp/aux.txt" | grep -E '^/\* [^ ]+:[0-9]+:[NO]C \*/' | grep -vE '\*/ *(static|inline|extern inline) ' \
  | sed -E 's/\(.*//; s/.*[ *]([A-Za-z_][A-Za-z0-9_]*) *$/\1/' | sort -u >"$tmp/declared.txt"
nm -D --defined-only "$p/$libdir/libsmmuv3-core.so" | awk '{print $NF}' | sort -u >"$tmp/exported.txt"
[ -s "$tmp/declared.txt" ] || fail "no function found in the public headers"
if ! diff -u "$tmp/declared.txt" "$tmp/exported.txt" >"$tmp/sym.diff"; then
  cat "$tmp/sym.diff"
  fail "libsmmuv3-core.so exports other than the API of the public headers (- declared only, + exported only)"
fi
echo "exports exactly the $(wc -l <"$tmp/declared.txt") functions the public headers declare"

# The examples under platforms/examples, copied out of the source tree and built against the prefix alone: the CMake
# package through CMAKE_PREFIX_PATH (no package registry), pkg-config through PKG_CONFIG_PATH. They get the sanitizer
# flags of this build (a sanitized library needs its runtime in the program).
read -r -a cflags <<<"$flags"
ex=$tmp/examples
mkdir -p "$ex"
cp -r "$src/platforms/examples/embed_c" "$src/platforms/examples/sc_platform" "$ex/"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
# run NAME EXE: the example must exit 0 and print its "all checks passed" line.
run() {
  local rc=0
  "${@:2}" >"$tmp/$1.out" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { cat "$tmp/$1.out"; fail "$1 exit status $rc"; }
  grep -q ": all checks passed" "$tmp/$1.out" || { cat "$tmp/$1.out"; fail "$1 did not pass its checks"; }
  tail -1 "$tmp/$1.out"
}
# configure_example NAME LANG: configures $ex/NAME against the prefix and checks the package came from there.
configure_example() {
  cmake -S "$ex/$1" -B "$tmp/build-$1" -DCMAKE_PREFIX_PATH="$p" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
        -DCMAKE_"$2"_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$tmp/$1.log" 2>&1 \
    || { cat "$tmp/$1.log"; fail "configure $1 against the prefix"; }
  dir=$(sed -n 's/^smmuv3_DIR:PATH=//p' "$tmp/build-$1/CMakeCache.txt")
  [ "$dir" -ef "$p/$libdir/cmake/smmuv3" ] || fail "$1 found the smmuv3 package in '$dir', not in $p"
  cmake --build "$tmp/build-$1" -j2 >>"$tmp/$1.log" 2>&1 || { cat "$tmp/$1.log"; fail "build $1 against the prefix"; }
}

step "embed_c through find_package(smmuv3) -> smmuv3::core"
configure_example embed_c C
readelf -d "$tmp/build-embed_c/smmu-example-embed-c" | grep -q "NEEDED.*\[$soname\]" || fail "embed_c does not link $soname"
run embed_c "$tmp/build-embed_c/smmu-example-embed-c"

step "embed_c through pkg-config smmuv3-core"
export PKG_CONFIG_PATH=$p/$libdir/pkgconfig
# shellcheck disable=SC2046
"$cc" -std=c11 "${cflags[@]}" "$ex/embed_c/main.c" $(pkg-config --cflags --libs smmuv3-core) -o "$tmp/embed_c_pc" \
  || fail "build embed_c with pkg-config smmuv3-core"
run embed_c_pc env LD_LIBRARY_PATH="$p/$libdir" "$tmp/embed_c_pc"

step "sc_platform through find_package(smmuv3 COMPONENTS sc) -> smmuv3::sc"
configure_example sc_platform CXX
run sc_platform "$tmp/build-sc_platform/smmu-example-sc-platform"

step "sc_platform through pkg-config smmuv3-sc"
pkg-config --print-requires smmuv3-sc | grep -q '^systemc' || fail "smmuv3-sc.pc does not require systemc"
# shellcheck disable=SC2046
"$cxx" -std=c++17 "${cflags[@]}" "$ex/sc_platform/main.cpp" $(pkg-config --cflags --libs smmuv3-sc) -o "$tmp/sc_platform_pc" \
  || fail "build sc_platform with pkg-config smmuv3-sc"
run sc_platform_pc env LD_LIBRARY_PATH="$p/$libdir" "$tmp/sc_platform_pc"

step "installed tools find their data"
dir=$("$p/bin/smmu-sim-check" --configs-dir)
[ "$dir" -ef "$p/share/smmuv3/configs" ] || fail "installed smmu-sim-check --configs-dir: '$dir', want $p/share/smmuv3/configs"
"$p/bin/smmu-sim-check" "$dir/scenarios/default.yaml" >"$tmp/check.log" || { cat "$tmp/check.log"; fail "installed smmu-sim-check on the installed default scenario"; }
head -1 "$tmp/check.log"
(cd "$tmp" && "$p/bin/smmu-sim" "$dir/scenarios/default.yaml" --out "$tmp/out" >"$tmp/sim.log" 2>&1) \
  || { cat "$tmp/sim.log"; fail "installed smmu-sim on the installed default scenario"; }
[ -s "$tmp/out/report.json" ] || fail "installed smmu-sim wrote no report.json"
echo "smmu-sim: $(grep -c . "$tmp/out/report.json") lines of report.json"
dir=$("$build/platforms/sim/smmu-sim-check" --configs-dir)
[ "$dir" -ef "$src/configs" ] || fail "build-tree smmu-sim-check --configs-dir: '$dir', want $src/configs"
step "add_subdirectory() of the repository: smmuv3::core alone needs neither SystemC nor yaml-cpp"
no_deps=(-DCMAKE_DISABLE_FIND_PACKAGE_yaml-cpp=ON -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON)
cmake -S "$here/subdir" -B "$tmp/sub" -DSMMUV3_SOURCE="$src" "${no_deps[@]}" -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
      -DCMAKE_SHARED_LINKER_FLAGS="$flags" >"$tmp/sub.log" 2>&1 || { cat "$tmp/sub.log"; fail "configure add_subdirectory consumer"; }
cmake --build "$tmp/sub" -j2 >>"$tmp/sub.log" 2>&1 || { cat "$tmp/sub.log"; fail "build add_subdirectory consumer"; }
run embed_c_subdir "$tmp/sub/embed_c/smmu-example-embed-c"
built=$(cd "$tmp/sub/smmuv3" && find . ! -type d \( -name 'libsmmuv3*' -o -name 'smmu-*' -o -name 'libsmmu_*' \) | sort | tr '\n' ' ')
echo "built: $built"
[ "$built" = "./models/libsmmuv3-core.so ./models/libsmmuv3-core.so.0.1 ./models/libsmmuv3-core.so.0.1.0 " ] \
  || fail "add_subdirectory built more than the consumer links: $built"
step "add_subdirectory() with smmuv3::sc configures without yaml-cpp"
cmake -S "$here/subdir" -B "$tmp/sub-sc" -DSMMUV3_SOURCE="$src" "${no_deps[@]}" -DWITH_SC=ON \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" >"$tmp/sub-sc.log" 2>&1 \
  || { cat "$tmp/sub-sc.log"; fail "configure add_subdirectory consumer of smmuv3::sc"; }
echo "PASS"
