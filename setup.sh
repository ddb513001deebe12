#!/usr/bin/env bash
# Installs Amber's build and test dependencies from Debian packages (only
# what is missing), then configures and builds in ./build.
# Usage: ./setup.sh            install + build
#        ./setup.sh --no-build install only
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  build-essential cmake ninja-build pkg-config nasm
  libcapstone-dev libfmt-dev libspdlog-dev libboost-program-options-dev
  catch2 zlib1g-dev nlohmann-json3-dev
  bochs bochsbios     # the benchmark's reference emulator
  seabios             # BIOS and VGA BIOS images
  gdb                 # the GDB stub's test talks to the real gdb
  # The default guest's images (roms/guest/build-images.sh, docs/GUEST.md).
  cpio kmod fdisk mtools syslinux syslinux-common
  qemu-system-x86     # side-by-side reference for the guest and the benchmark
)
# The cross jobs (.ci/cross-test.sh, registered on x86-64 hosts by tests/cross).
if [ "$(dpkg --print-architecture)" = amd64 ]; then
  PACKAGES+=(g++-aarch64-linux-gnu g++-s390x-linux-gnu qemu-user-static)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  # A mirror caught mid-sync makes update fail for one index; the install
  # below says whether what we need is there.
  $SUDO apt-get update -qq || echo "setup: apt-get update reported errors; installing anyway" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "${1:-}" = "--no-build" ] && exit 0

# The default guest: Debian's i386 kernel + a busybox initramfs + a syslinux
# disk, built from Debian packages into build/guest (silent when up to date).
roms/guest/build-images.sh --quiet

cmake -S . -B build -G Ninja >/dev/null
cmake --build build
