#!/usr/bin/env bash
# Keys typed in the terminal reach the guest when its screen is drawn there:
# amber runs on a pseudo-terminal (script(1), util-linux); Esc typed there
# must open SeaBIOS's boot menu, seen in the screen dump.
#   terminal_keys.sh AMBER FLOPPY WORKDIR
set -euo pipefail
amber="$1" floppy="$2" work="$3"
mkdir -p "$work"
dump="$work/terminal_keys.screen"
rm -f "$dump"
cmd="$amber run --machine pc -boot menu=on -fda $floppy -snapshot --max-time 30s --screen-dump $dump"
cmd+=" --step 'wait screen \"Select boot device\" 20s' --step 'stop 0'"
# Esc a few times (the first may come before SeaBIOS looks), then nothing.
# Typed while SeaBIOS waits (2.5 s of guest time, paced to real time when
# a person is at the terminal).
keys() { for _ in 1 2 3 4 5 6; do printf '\033'; sleep 0.3; done; sleep 30; }
timeout 60 script -qfec "$cmd" "$work/typescript" < <(keys) > "$work/terminal_keys.out" 2>&1 || {
  echo "amber failed (status $?):"; tail -c 2000 "$work/terminal_keys.out"; exit 1; }
grep -q "Select boot device" "$dump" || { echo "no boot menu on the screen:"; cat "$dump"; exit 1; }
echo "the boot menu opened from the terminal's Esc"
