#!/usr/bin/env bash
# Builds Amber's default guest -- Debian's i386 Linux kernel with a busybox
# initramfs -- from Debian packages, into a cache directory (not committed).
#
# Packages (downloaded with `apt-get download`, unpacked with `dpkg-deb -x`
# into a temporary directory; nothing is installed into the host):
#   linux-image-686:i386 -> resolved to the versioned linux-image-X-686:i386
#   busybox-static:i386
# Host tools (installed by setup.sh): cpio gzip kmod(depmod) fdisk(sfdisk)
#   mtools syslinux syslinux-common.
#
# Outputs in $AMBER_GUEST_DIR (default: build/guest):
#   vmlinuz          the kernel (bzImage)
#   initrd.img       gzip'd newc cpio: busybox, /init, the disk modules
#   disk.img         64 MiB raw disk: MBR (syslinux mbr.bin), one active FAT16
#                    partition at 1 MiB holding syslinux, vmlinuz, initrd.img
#   kernel-version   e.g. 6.1.0-50-686
#   cmdline          the kernel command line syslinux.cfg uses
#   debs/            the downloaded packages (the inputs)
#
# Idempotent: apt is consulted only when no packages were chosen yet (or with
# --update); the chosen .deb files are recorded in debs/selected and reused,
# so the guest stays the same until --update. apt-get update runs only when
# the i386 architecture is missing, the packages do not resolve, or --update.
# The images are rebuilt only when an input (.deb, this script,
# roms/guest/init) is newer than an output. Images are reproducible: fixed timestamps, volume
# serial and disk identifier.
#
# Usage: roms/guest/build-images.sh [--force] [--quiet] [--update]
#   --force  rebuild the images even if they are up to date
#   --update apt-get update, take Debian's current packages, rebuild
#   --quiet  print nothing when up to date, only the result when rebuilt
# Check the result without Amber: roms/guest/check-qemu.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/roms/guest"
OUT="${AMBER_GUEST_DIR:-$ROOT/build/guest}"
DEBS="$OUT/debs"
FORCE=0 QUIET=0 UPDATE=0
for a in "$@"; do
  case "$a" in
    --force) FORCE=1 ;;
    --quiet) QUIET=1 ;;
    --update) UPDATE=1 FORCE=1 ;;
    *) echo "usage: $0 [--force] [--quiet] [--update]" >&2; exit 2 ;;
  esac
done

# Kernel arguments: user space on the serial port (the last console= is
# /dev/console), kernel messages on both; `quiet` keeps the boot log short;
# `cryptomgr.notests` skips the crypto self-tests, some 3 billion guest
# instructions that an interpreter spends half a minute on.
CMDLINE="console=tty0 console=ttyS0,115200n8 quiet cryptomgr.notests"
DISK_MIB=64
PART_START=2048                      # sectors: the partition starts at 1 MiB
# Modules the initramfs loads (with their dependencies), each only if Debian
# builds it as a module: PIIX IDE, SCSI disks, FAT with its code pages.
WANTED_MODULES=(ata_piix sd_mod vfat nls_cp437 nls_ascii nls_utf8)
# Fixed timestamp (2024-01-01) for everything put into the images.
EPOCH=1704067200

say() { [ "$QUIET" = 1 ] || echo "guest: $*" >&2; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# --- 1. the packages ---------------------------------------------------------
apt_updated=0
apt_update() {
  [ "$apt_updated" = 1 ] && return 0
  say "apt-get update"
  # A partial failure (a mirror mid-sync) is not fatal: what matters is
  # whether the packages resolve afterwards.
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  apt_updated=1
}

# The chosen .deb files are recorded in $SELECTED; later runs reuse them
# without asking apt (slow, and not reproducible) unless --update is given.
SELECTED="$DEBS/selected"
mkdir -p "$DEBS"
KDEB="" BDEB=""
if [ "$UPDATE" = 0 ] && [ -s "$SELECTED" ]; then
  { read -r KDEB; read -r BDEB; } < "$SELECTED"
  KDEB="$DEBS/$KDEB" BDEB="$DEBS/$BDEB"
  [ -s "$KDEB" ] && [ -s "$BDEB" ] || KDEB="" BDEB=""
fi
if [ -z "$KDEB" ]; then
  [ "$UPDATE" = 1 ] && apt_update
  if ! dpkg --print-foreign-architectures | grep -qx i386; then
    say "dpkg --add-architecture i386"
    $SUDO dpkg --add-architecture i386
    apt_update
  fi

  # The meta package depends on exactly one versioned kernel image.
  resolve_kernel() {
    apt-cache depends linux-image-686:i386 2>/dev/null |
      sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-686\)\(:i386\)\?$/\1/p' | head -n1
  }
  KPKG="$(resolve_kernel)"
  if [ -z "$KPKG" ]; then apt_update; KPKG="$(resolve_kernel)"; fi
  [ -n "$KPKG" ] || { echo "guest: cannot resolve linux-image-686:i386" >&2; exit 1; }

  # Downloads pkg:i386 into $DEBS as its pool file name (unless already there)
  # and prints that path; other versions of the package are removed.
  fetch() {
    local pkg="$1" file
    file="$(apt-cache show --no-all-versions "$pkg:i386" 2>/dev/null | sed -n 's/^Filename: //p' | head -n1)"
    if [ -z "$file" ]; then
      apt_update
      file="$(apt-cache show --no-all-versions "$pkg:i386" | sed -n 's/^Filename: //p' | head -n1)"
    fi
    file="$(basename "$file")"
    if [ ! -s "$DEBS/$file" ]; then
      say "downloading $pkg:i386 ($file)"
      local tmp; tmp="$(mktemp -d)"
      # _apt must be able to write the download directory.
      chmod 755 "$tmp"
      if ! (cd "$tmp" && apt-get download -qq "$pkg:i386" >/dev/null 2>&1); then
        apt_update
        (cd "$tmp" && apt-get download -qq "$pkg:i386" >/dev/null)
      fi
      rm -f "$DEBS/${pkg}_"*.deb
      mv "$tmp"/*.deb "$DEBS/$file"
      rmdir "$tmp"
    fi
    echo "$DEBS/$file"
  }
  mkdir -p "$DEBS"
  KDEB="$(fetch "$KPKG")"
  BDEB="$(fetch busybox-static)"
  printf '%s\n%s\n' "$(basename "$KDEB")" "$(basename "$BDEB")" > "$SELECTED"
  for f in "$DEBS"/*.deb; do         # drop packages no longer selected
    [ "$f" = "$KDEB" ] || [ "$f" = "$BDEB" ] || rm -f "$f"
  done
fi
# linux-image-6.1.0-50-686_6.1.176-1_i386.deb -> 6.1.0-50-686
KVER="$(basename "$KDEB")"; KVER="${KVER#linux-image-}"; KVER="${KVER%%_*}"

# --- up to date? ---------------------------------------------------------------
OUTPUTS=("$OUT/vmlinuz" "$OUT/initrd.img" "$OUT/disk.img" "$OUT/kernel-version" "$OUT/cmdline")
INPUTS=("$KDEB" "$BDEB" "$HERE/build-images.sh" "$HERE/init")
report() {
  echo "guest: kernel $(cat "$OUT/kernel-version"), command line: $(cat "$OUT/cmdline")"
  local f
  for f in vmlinuz initrd.img disk.img; do
    printf 'guest: %-40s %9d bytes\n' "$OUT/$f" "$(stat -c %s "$OUT/$f")"
  done
}
up_to_date() {
  local o i
  for o in "${OUTPUTS[@]}"; do
    [ -s "$o" ] || return 1
    for i in "${INPUTS[@]}"; do [ "$o" -nt "$i" ] || return 1; done
  done
  [ "$(cat "$OUT/cmdline")" = "$CMDLINE" ] && [ "$(cat "$OUT/kernel-version")" = "$KVER" ]
}
if [ "$FORCE" = 0 ] && up_to_date; then
  say "up to date"
  [ "$QUIET" = 1 ] || report
  exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PKG="$WORK/pkg"
say "unpacking $(basename "$KDEB") and $(basename "$BDEB")"
dpkg-deb -x "$KDEB" "$PKG"
dpkg-deb -x "$BDEB" "$PKG"
[ -f "$PKG/boot/vmlinuz-$KVER" ] || { echo "guest: no /boot/vmlinuz-$KVER in $KDEB" >&2; exit 1; }
CONFIG="$PKG/boot/config-$KVER"
MODDIR="$PKG/lib/modules/$KVER"

# --- 2. the initramfs -------------------------------------------------------------
RD="$WORK/initramfs"
mkdir -p "$RD"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,mnt,tmp,root,etc,lib/modules}
install -m 755 "$PKG/bin/busybox" "$RD/bin/busybox"
ln -s busybox "$RD/bin/sh"           # the rest come from `busybox --install -s`
install -m 755 "$HERE/init" "$RD/init"

# The package ships no modules.dep (depmod runs at install time): make one.
depmod -b "$PKG" "$KVER"
declare -A loaded=()
ORDER=()
# Depth-first over modules.dep so each module follows its dependencies.
add_module() {
  local rel="$1" dep
  [ -n "${loaded[$rel]:-}" ] && return 0
  loaded[$rel]=1
  for dep in $(grep -E "^$rel:" "$MODDIR/modules.dep" | cut -d: -f2); do
    add_module "$dep"
  done
  ORDER+=("$rel")
}
for m in "${WANTED_MODULES[@]}"; do
  rel="$(grep -E "(^|/)${m//_/[_-]}\.ko(\.[a-z]+)?:" "$MODDIR/modules.dep" | cut -d: -f1 | head -n1)"
  if [ -z "$rel" ]; then
    grep -qE "(^|/)${m//_/[_-]}\.ko" "$MODDIR/modules.builtin" ||
      { echo "guest: module $m neither built in nor in the package" >&2; exit 1; }
    continue                         # built into the kernel: nothing to load
  fi
  add_module "$rel"
done
: > "$RD/etc/amber-modules"
for rel in "${ORDER[@]}"; do
  case "$rel" in *.ko) ;; *) echo "guest: compressed module $rel not supported" >&2; exit 1 ;; esac
  mkdir -p "$RD/lib/modules/$(dirname "$rel")"
  cp "$MODDIR/$rel" "$RD/lib/modules/$rel"
  echo "$rel" >> "$RD/etc/amber-modules"
done
say "initramfs modules: ${ORDER[*]##*/}"

find "$RD" -exec touch -h -d "@$EPOCH" {} +
(cd "$RD" && find . -mindepth 1 | LC_ALL=C sort |
   cpio --quiet -o -H newc --owner=0:0 --reproducible) | gzip -9 -n > "$WORK/initrd.img"

# --- 3. the disk -------------------------------------------------------------------
cp "$PKG/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
cat > "$WORK/syslinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL vmlinuz
  INITRD initrd.img
  APPEND $CMDLINE
EOF
touch -d "@$EPOCH" "$WORK/vmlinuz" "$WORK/initrd.img" "$WORK/syslinux.cfg"

# syslinux stamps ldlinux.* with the current time: give every short entry of
# the FAT16 root directory the fixed date instead (LFN entries are names).
fix_root_dir_times() {
  local img="$1" part="$2"
  u16() { od -An -tu2 -j "$1" -N2 "$img" | tr -d ' '; }
  u8() { od -An -tu1 -j "$1" -N1 "$img" | tr -d ' '; }
  local reserved fats entries spf root i e
  reserved=$(u16 $((part + 14))) fats=$(u8 $((part + 16)))
  entries=$(u16 $((part + 17))) spf=$(u16 $((part + 22)))
  root=$((part + (reserved + fats * spf) * 512))
  # FAT date 2024-01-01 = (44 << 9) | (1 << 5) | 1 = 0x5821, time 00:00.
  local stamp='\x00\x00\x00\x21\x58\x21\x58'
  for ((i = 0; i < entries; i++)); do
    e=$((root + i * 32))
    case "$(u8 "$e")" in 0) break ;; 229) continue ;; esac   # end, deleted
    [ "$(u8 $((e + 11)))" = 15 ] && continue                 # LFN
    printf "$stamp" | dd of="$img" bs=1 seek=$((e + 13)) conv=notrunc status=none
    printf '\x00\x00\x21\x58' | dd of="$img" bs=1 seek=$((e + 22)) conv=notrunc status=none
  done
}

DISK="$WORK/disk.img"
SECTORS=$((DISK_MIB * 2048))
PART_SECTORS=$((SECTORS - PART_START))
truncate -s "${DISK_MIB}M" "$DISK"
# One active FAT16 (type 6) partition; a fixed disk identifier for reproducibility.
printf 'label: dos\nlabel-id: 0x414d4245\nstart=%d, size=%d, type=6, bootable\n' \
  "$PART_START" "$PART_SECTORS" | sfdisk --quiet --no-reread --no-tell-kernel "$DISK"
# Syslinux's MBR boot code: the first 440 bytes, before the disk id and table.
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$DISK" bs=440 count=1 conv=notrunc status=none
export MTOOLS_SKIP_CHECK=1
IMG="$DISK@@$((PART_START * 512))"
mformat -i "$IMG" -T "$PART_SECTORS" -h 16 -s 63 -H "$PART_START" \
  -N 414d4245 -v AMBER ::
mcopy -m -i "$IMG" "$WORK/vmlinuz" "$WORK/initrd.img" "$WORK/syslinux.cfg" ::
syslinux --offset "$((PART_START * 512))" --install "$DISK"
fix_root_dir_times "$DISK" "$((PART_START * 512))"

# --- 4. publish ---------------------------------------------------------------------
mv "$WORK/vmlinuz" "$WORK/initrd.img" "$DISK" "$OUT/"
echo "$KVER" > "$OUT/kernel-version"
echo "$CMDLINE" > "$OUT/cmdline"
touch "${OUTPUTS[@]}"                 # newer than every input, in every case
report
