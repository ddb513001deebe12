#!/usr/bin/env bash
# Cross-builds Amber for another host and runs its tests there under qemu-user.
#
#   .ci/cross-test.sh aarch64        64-bit ARM (little-endian, unsigned char)
#   .ci/cross-test.sh s390x          IBM Z (big-endian, unsigned char)
#   .ci/cross-test.sh <arch> --prepare-only   install/unpack what is missing, no build
#
# 1. Installs what is missing, from Debian packages only: the cross g++ and
#    qemu-user-static (host packages, also in setup.sh's list), and the
#    target's libraries. Those are the target architecture's own Debian -dev
#    packages, fetched with `apt-get download` and unpacked into
#    build-<arch>/sysroot rather than installed as multiarch packages:
#    installing e.g. libc6:s390x would tie every future libc6 update of the
#    host to the foreign architecture (and bookworm-security no longer carries
#    s390x, so linux-libc-dev:s390x and libssl3:s390x cannot even be
#    installed next to the host's updated ones). Runs again only when the
#    candidate versions change.
# 2. Builds in build-<arch>/ (incremental: Ninja rebuilds only what changed).
# 3. Runs, through qemu-<arch>-static -L /usr/<triple> (no binfmt_misc needed):
#    the Catch2 unit tests, the guest-program tests (CTest label `guest`),
#    and `amber vectors` on a subset of the SingleStepTests suites (see
#    VECTOR_SUBSET below).
#
# CTest runs this as the tests cross_aarch64 and cross_s390x (tests/cross/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

usage() { echo "usage: $0 <aarch64|s390x> [--prepare-only]" >&2; exit 2; }
[ $# -ge 1 ] || usage
ARCH=$1
PREPARE_ONLY=0
[ "${2:-}" = "--prepare-only" ] && PREPARE_ONLY=1
case "$ARCH" in
  aarch64) DEB_ARCH=arm64 TRIPLE=aarch64-linux-gnu ;;
  s390x)   DEB_ARCH=s390x TRIPLE=s390x-linux-gnu ;;
  *) usage ;;
esac
QEMU=qemu-$ARCH-static
BUILD=$ROOT/build-$ARCH
SYSROOT=$BUILD/sysroot
JOBS=${AMBER_CROSS_JOBS:-2}

# Host packages: the cross compiler and the user-mode emulator.
HOST_PACKAGES=(g++-$TRIPLE qemu-user-static)
# The target's libraries (Debian 12 names), unpacked into the sysroot. The
# cross g++ brings the target's libc and libstdc++ itself.
TARGET_PACKAGES=(
  libcapstone-dev libcapstone4
  libfmt-dev libfmt9
  libspdlog-dev libspdlog1.10
  libboost-program-options-dev libboost-program-options1.74-dev
  libboost-program-options1.74.0 libboost1.74-dev
  zlib1g-dev zlib1g
)
# Header-only (no target code): the host's own packages serve every target.
HEADER_ONLY_PACKAGES=(catch2 nlohmann-json3-dev)

log() { echo "cross-test[$ARCH]: $*"; }
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

candidates() {  # "<package> <candidate version or (none)>" for each argument
  apt-cache policy "$@" 2>/dev/null |
    awk '/^[^ ].*:$/ {name = substr($0, 1, length($0) - 1)} /^  Candidate:/ {print name, $2}'
}
has_candidate() { candidates "$1" | grep -qv "(none)"; }

install_host_packages() {
  local missing=() p
  for p in "${HOST_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_foreign_arch_lists() {
  local probe="${TARGET_PACKAGES[0]}:$DEB_ARCH"
  has_candidate "$probe" && return 0
  if ! dpkg --print-foreign-architectures | grep -qx "$DEB_ARCH"; then
    log "dpkg --add-architecture $DEB_ARCH"
    $SUDO dpkg --add-architecture "$DEB_ARCH"
  fi
  $SUDO apt-get update -qq || true
  has_candidate "$probe" && return 0
  # apt drops privileges to _apt to fetch and verify the indices; on a host
  # where that user cannot run gpgv (seen: /dev/null not writable) the update
  # silently keeps the old lists. Retry unsandboxed before giving up.
  $SUDO apt-get update -qq -o APT::Sandbox::User=root || true
  has_candidate "$probe" && return 0
  echo "cross-test[$ARCH]: no $DEB_ARCH package lists; check 'apt-get update' and /etc/apt/sources.list" >&2
  exit 1
}

prepare_sysroot() {
  local want p
  want=$(candidates $(for p in "${TARGET_PACKAGES[@]}"; do echo "$p:$DEB_ARCH"; done) \
                    "${HEADER_ONLY_PACKAGES[@]}")
  if [ -f "$SYSROOT/.packages" ] && [ "$(cat "$SYSROOT/.packages")" = "$want" ]; then return 0; fi
  if grep -q "(none)" <<<"$want"; then
    echo "cross-test[$ARCH]: packages without a candidate:" >&2
    grep "(none)" <<<"$want" >&2
    exit 1
  fi
  log "unpacking target libraries into $SYSROOT"
  local debs=$BUILD/debs
  rm -rf "$SYSROOT" "$debs"
  mkdir -p "$SYSROOT" "$debs"
  # apt-get download needs no root; it warns when it cannot sandbox into a
  # folder the _apt user may not write (harmless), so give it one it can.
  chmod 777 "$debs"
  (cd "$debs" && apt-get download -qq \
     $(for p in "${TARGET_PACKAGES[@]}"; do echo "$p:$DEB_ARCH"; done) "${HEADER_ONLY_PACKAGES[@]}")
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$SYSROOT"; done
  # Merge /lib into /usr/lib (zlib still ships in /lib), so that the one
  # library folder the build puts in RPATH holds every shared object...
  if [ -d "$SYSROOT/lib" ]; then
    cp -a "$SYSROOT/lib/." "$SYSROOT/usr/lib/"
    rm -rf "$SYSROOT/lib"
    ln -s usr/lib "$SYSROOT/lib"
  fi
  # ... and make absolute symlinks (libz.so -> /lib/...) relative, inside the sysroot.
  find "$SYSROOT" -type l -lname '/*' | while read -r l; do
    ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$SYSROOT$(readlink "$l")")" "$l"
  done
  rm -rf "$debs" "$SYSROOT/usr/share/doc" "$SYSROOT/usr/share/man"
  echo "$want" >"$SYSROOT/.packages"
}

# apt and dpkg allow one user at a time; CTest may start both cross jobs.
(
  flock -w 1800 9
  install_host_packages
  ensure_foreign_arch_lists
  prepare_sysroot
) 9>"${TMPDIR:-/tmp}/amber-cross-setup.lock"
((PREPARE_ONLY)) && exit 0

log "configuring and building in $BUILD"
# Without -g: debug information is a quarter of the compile time and nobody
# debugs these binaries. s390x keeps the native build's -O2 (and its
# assertions): only there do the byte-swapping paths of load_le/store_le
# exist, and they should be tested as optimised. aarch64 runs the same code
# as x86-64 and is here for its compiler and its unsigned char, so it builds
# at -O1, which compiles in about two thirds of the time.
OPT=-O2
[ "$ARCH" = aarch64 ] && OPT=-O1
cmake -S "$ROOT" -B "$BUILD" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$ROOT/.ci/toolchains/$TRIPLE.cmake" \
  -DAMBER_SYSROOT="$SYSROOT" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="$OPT" >/dev/null
t0=$SECONDS
cmake --build "$BUILD" -j "$JOBS"
log "build took $((SECONDS - t0)) s"
first_existing() { for f in "$@"; do [ -x "$f" ] && { echo "$f"; return 0; }; done; echo "$1"; }
AMBER=$(first_existing "$BUILD/amber" "$BUILD/frontend/amber")
UNIT_TESTS=$(first_existing "$BUILD/tests/unit_tests")

# Every emulated run gets a time limit: a badly broken build makes many vector
# tests run to the runner's tick limit, which under qemu takes many minutes.
RUN_LIMIT=${AMBER_CROSS_RUN_LIMIT:-300}
run() {
  local rc=0
  timeout "$RUN_LIMIT" "$QEMU" -L "/usr/$TRIPLE" "$@" || rc=$?
  ((rc == 124)) && echo "cross-test[$ARCH]: gave up after $RUN_LIMIT s: $*" >&2
  return $rc
}

status=0
t0=$SECONDS
log "unit tests"
run "$UNIT_TESTS" || status=1
log "unit tests took $((SECONDS - t0)) s"

# The guest programs (tests/guest run amber through CMAKE_CROSSCOMPILING_EMULATOR).
t0=$SECONDS
log "guest tests"
ctest --test-dir "$BUILD" -L guest -j "$JOBS" --output-on-failure --timeout "$RUN_LIMIT" || status=1
log "guest tests took $((SECONDS - t0)) s"

# VECTOR_SUBSET: which SingleStepTests files the emulated host judges.
# The native build judges every file (tests/vectors); under qemu that would
# cost about 75 CPU-seconds per target, so the cross jobs take one file per
# way the CPU touches host memory or host arithmetic, where a host
# difference would show: word and byte loads and stores through ModRM, moffs
# and immediates; read-modify-write (XCHG, INC); far pointers (LES/LDS, far
# CALL/JMP/RET, INT/IRET through the IVT); the stack (PUSH/POP, PUSHF/POPF,
# PUSHA/POPA, ENTER/LEAVE); the string instructions and their REP fast paths;
# sign extension (CBW/CWD, imm8 forms, rel8 jumps, LOOP, BOUND); shifts and
# rotates by CL and by immediate (host shift counts); MUL/IMUL/DIV/IDIV
# (host division, #DE); BCD; I/O. That is 115 of the 322 8086 files and 144 of
# the 325 80286 files (about 20 CPU-seconds per target instead of 75), and
# both readers (8086 JSON, 80286 MOO binary) still parse real files. Left
# out: the other ALU operations, the other Jcc conditions, register-only
# forms and CLC/STC-style flag instructions, which repeat code paths the
# subset already takes. Each file must pass at least what its native
# baseline says (tests/vectors/baseline_*.txt).
SUBSET_COMMON="00,01,03,05,81.0,83.0,83.7,86,87,88,89,8A,8B,8C,8E,A0,A1,A2,A3,B8,C6,C7,\
8D,C4,C5,06,07,1F,50,58,8F,FF.6,9C,9D,9E,9F,98,99,27,2F,37,3F,D4,D5,\
E8,C3,C2,CA,CB,9A,EA,EB,FF.2,FF.3,FF.4,FF.5,CC,CD,CE,CF,72,7C,7E,E0,E2,E3,\
A4,A5,A6,A7,AA,AB,AC,AD,AE,AF,D1.0,D1.3,D1.7,D2.*,D3.*,F6.*,F7.*,D7,E5,ED,FE.0,FF.1"
SUBSET_80286="60,61,62,68,6A,69,6B,6C,6D,6E,6F,C0.*,C1.*,C8,C9"
# native32/int (flat 32-bit, 486): the same idea for dword operands and the
# 64-bit host arithmetic behind them (MUL/DIV, SHLD/SHRD, CMPXCHG8B, BSWAP,
# BSF/BSR, bit tests, MOVZX/MOVSX, REP strings): 100 of its 431 files.
SUBSET_NATIVE32="01,03,05,66.01,81.0,83.0,87,89,8B,A1,A3,A5,AB,AD,0FA3,0FA4,0FA5,0FAB,0FAC,0FAD,\
0FAF,0FB1,0FB6,0FB7,0FBA.*,0FBC,0FBD,0FBE,0FBF,0FC1,0FC7.1,0FC8,0F4C,0F9C,69,6B,C1.*,D3.*,F7.*,\
66.F7.*,F2.*,F3.*,66.50,66.58,66.9C,66.9D,66.C9,FF.0,FF.1,98,99,66.98,66.99,E3"
TESTDATA=$ROOT/../shared/testdata

vectors() {  # vectors <folder> <baseline name> <cpu> <filter>
  local folder=$1 name=$2 cpu=$3 filter=$4 t=$SECONDS
  log "amber vectors $folder (subset)"
  if [ ! -d "$TESTDATA/$folder" ]; then
    echo "cross-test[$ARCH]: no test vectors at $TESTDATA/$folder" >&2
    return 1
  fi
  run "$AMBER" vectors "$TESTDATA/$folder" --cpu "$cpu" --filter "$filter" \
    --failing --baseline "$ROOT/tests/vectors/baseline_$name.txt" -j "$JOBS" || return 1
  log "amber vectors $folder took $((SECONDS - t)) s"
}
vectors 8086 8086 8086 "$SUBSET_COMMON" || status=1
vectors 80286 80286 80286 "$SUBSET_COMMON,$SUBSET_80286" || status=1
vectors native32/int native32_int 486 "$SUBSET_NATIVE32" || status=1

((status)) && log "FAILED" || log "passed"
exit $status
