#!/usr/bin/env bash
# Runs protected-mode test ROMs on Bochs, the reference, and prints what they
# write to port 0xE9. For developers (CTest runs them on Amber only).
#
# Usage: tests/pm/run-bochs.sh [--timeout SECONDS] [--keep] ROM|SOURCE...
#   ROM       a 64 KiB image (e.g. build/tests/pm/pm_switch.bin)
#   SOURCE    a tests/pm/*.asm file, assembled here with nasm first
#   --all     every tests/pm/pm_*.asm
# Exit status 0 if every program printed a "PASS <name>" line and no "FAIL".
#
# The ROM is Bochs's BIOS image: mapped to end at 4 GiB, and its top 128 KiB
# also at 0xE0000-0xFFFFF, so a 64 KiB ROM sits at 0xF0000 as on Amber.
# Bochs needs a VGA BIOS image even with no display in use: a dummy one is
# made here. Debian's Bochs lacks the 'nogui' display library, so 'rfb' (a VNC
# server) with timeout=0 runs headless; its internal debugger stops before the
# first instruction, and again after a reset, hence the -rc file with a few
# "continue" (on "quit" after a reset this Bochs hangs). The programs end by
# writing "Shutdown" to port 0x8900 (after Amber's exit port 0x501, which
# Bochs ignores); a triple fault resets the CPU (reset_on_triple_fault=1).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
timeout_s=60
keep=0
inputs=()

die() { echo "run-bochs: $*" >&2; exit 2; }

while (($#)); do
  case "$1" in
    --timeout) timeout_s="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --all) inputs+=("$here"/pm_*.asm); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) inputs+=("$1"); shift ;;
  esac
done
((${#inputs[@]})) || die "no ROM given (see --help)"
command -v bochs >/dev/null || die "bochs not found (apt-get install bochs)"

work="$(mktemp -d "${TMPDIR:-/tmp}/amber-pm-bochs.XXXXXX")"
if ((keep)); then echo "run-bochs: work directory $work" >&2
else trap 'rm -rf "$work"' EXIT; fi

# A 32 KiB option ROM that is never run: signature 55 AA, size, checksum 0.
{ printf '\x55\xaa\x40'; head -c $((32768 - 4)) /dev/zero; printf '\xc1'; } >"$work/vga.bin"

display='display_library: nogui'
echo "$display" >"$work/probe.bochsrc"
# stdin is an empty pipe, not /dev/null: in some sandboxes (CI's) that is a
# plain file other processes write into.
(cd "$work" && timeout 10 bochs -q -f probe.bochsrc < <(:) >probe.log 2>&1) || true
if grep -aq "display library 'nogui' not available" "$work/probe.log"; then
  display='display_library: rfb, options="timeout=0"'
fi
printf 'continue\ncontinue\ncontinue\nquit\n' >"$work/debugger.rc"
dbg=()
help="$(bochs --help 2>&1 || true)"
if grep -q -- '-rc filename' <<<"$help"; then dbg=(-rc "$work/debugger.rc"); fi

status=0
for input in "${inputs[@]}"; do
  name="$(basename "${input%.*}")"
  rom="$input"
  if [[ "$input" == *.asm ]]; then
    rom="$work/$name.bin"
    nasm -f bin -I"$here/" -o "$rom" "$input" || { status=1; continue; }
  fi
  [ -r "$rom" ] || die "cannot read $rom"
  cat >"$work/$name.bochsrc" <<EOF
$display
romimage: file="$(realpath "$rom")"
vgaromimage: file=vga.bin
megs: 16
cpu: count=1, reset_on_triple_fault=1
clock: sync=none, time0=local
port_e9_hack: enabled=1
mouse: enabled=0
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
log: $name.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
EOF
  (cd "$work" && timeout "$timeout_s" bochs -q -f "$name.bochsrc" "${dbg[@]}") \
    < <(:) >"$work/$name.out" 2>"$work/$name.err" || true
  # Port 0xE9 output shares stdout with the debugger's own lines: drop those.
  out="$(grep -av -e '^(0)' -e '^Next at t=' -e '^=\{10,\}' -e '^ *Bochs x86 Emulator' \
             -e '^ *Built from' -e '^ *Timestamp:' -e '^[0-9]\{11\}[a-z]\[' \
             -e '^Bochs is exiting' -e '^\[[A-Z0-9 ]*\] ' "$work/$name.out" || true)"
  # The exit status: Bochs's VGA BIOS panic port is 0x501 too, so a non-zero
  # status written there stops Bochs with "VGABIOS panic ... line <status>";
  # 0 is ignored there and the program goes on to the shutdown port.
  rc="$(sed -n 's/.*VGABIOS panic at [^,]*, line \([0-9]*\).*/\1/p' "$work/$name.log" | head -n1)"
  if [ -z "$rc" ] && grep -aq 'Shutdown port: shutdown requested' "$work/$name.log"; then rc=0; fi
  echo "== $name (bochs)"
  printf '%s\n' "$out"
  if [ "$rc" = 0 ] && grep -q "^PASS $name\$" <<<"$out" && ! grep -q '^FAIL' <<<"$out"; then
    echo "== $name: PASS on Bochs"
  else
    echo "== $name: FAILED on Bochs (exit status ${rc:-none: timed out or crashed})"
    if ((keep)); then echo "   bochs log: $work/$name.log, output: $work/$name.out"; fi
    status=1
  fi
done
exit $status
