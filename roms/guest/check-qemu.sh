#!/usr/bin/env bash
# Sanity check of the default guest's images without Amber: boots them in
# QEMU (TCG) on a serial console, waits for the shell prompt, runs a few
# commands, writes a file to the FAT partition, and powers off. With the disk
# it boots twice (the second boot reads the file back), exercising SeaBIOS ->
# syslinux MBR -> ldlinux -> kernel -> initramfs -> /mnt.
# Usage: roms/guest/check-qemu.sh [kernel|disk|all]   (default all)
# Prints the wall-clock time from QEMU start to the first prompt.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${AMBER_GUEST_DIR:-$ROOT/build/guest}"
QEMU="${QEMU:-qemu-system-i386}"
MODE="${1:-all}"
PROMPT='amber:/# '

# run NAME SCRIPT QEMU-ARGS...: boots, then sends each line of SCRIPT after a
# prompt; the last line should end the machine (poweroff -f / reboot -f).
run() {
  local name="$1" script="$2"; shift 2
  local log; log="$(mktemp)"
  local start; start=$(date +%s.%N)
  coproc Q { timeout 120 "$QEMU" -accel tcg -m 256M -display none -monitor none \
               -serial stdio -no-reboot "$@" 2>&1; }
  local pid=$Q_PID
  local buf="" line first="" sent=0 cmds
  mapfile -t cmds <<<"$script"
  # Read byte-wise: the prompt has no newline after it.
  while IFS= read -r -d '' -n 1 c <&"${Q[0]}"; do
    printf '%s' "$c" >> "$log"
    buf+="$c"
    [ "${#buf}" -gt 64 ] && buf="${buf: -64}"
    if [[ "$buf" == *"$PROMPT" ]]; then
      buf=""
      if [ -z "$first" ]; then
        first=$(date +%s.%N)
        awk -v n="$name" -v a="$start" -v b="$first" 'BEGIN { printf "%s: prompt after %.1f s\n", n, b - a }'
      fi
      if [ "$sent" -lt "${#cmds[@]}" ]; then
        printf '%s\n' "${cmds[$sent]}" >&"${Q[1]}"
        sent=$((sent + 1))
      fi
    fi
  done
  wait "$pid" 2>/dev/null || true
  local rc=0
  [ -n "$first" ] || { echo "$name: FAILED, no prompt"; rc=1; }
  sed 's/\r$//' "$log" | grep -vE '^\s*$' | tail -n 25 | sed "s/^/  [$name] /"
  rm -f "$log"
  return $rc
}

rc=0
if [ "$MODE" = kernel ] || [ "$MODE" = all ]; then
  run kernel $'uname -a\ncat /proc/cmdline\npoweroff -f' \
    -kernel "$OUT/vmlinuz" -initrd "$OUT/initrd.img" -append 'console=ttyS0' || rc=1
fi
if [ "$MODE" = disk ] || [ "$MODE" = all ]; then
  d="$(mktemp)"; cp "$OUT/disk.img" "$d"
  stamp="amber-$$-$RANDOM"
  run disk-1 "uname -a
lsmod | wc -l
mount | grep /mnt
echo $stamp > /mnt/hello.txt
reboot -f" -drive "file=$d,format=raw,if=ide" || rc=1
  out="$(run disk-2 $'cat /mnt/hello.txt\nls /mnt\npoweroff -f' -drive "file=$d,format=raw,if=ide")" || rc=1
  echo "$out"
  if grep -q "$stamp" <<<"$(grep -v 'echo' <<<"$out")"; then
    echo "disk: file written before reboot read back: OK"
  else
    echo "disk: FAILED to read back $stamp"; rc=1
  fi
  rm -f "$d"
fi
exit $rc
