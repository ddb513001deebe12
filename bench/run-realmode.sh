#!/usr/bin/env bash
# Guest MIPS of Amber and Bochs on the same CPU-bound real-mode program
# (bench/realmode_mix.asm), side by side.
#
# Usage: bench/run-realmode.sh [options] [AMBER]
#   AMBER                 the amber binary (default: $AMBER, else the first of
#                         ./build/amber, ./build/frontend/amber and the same
#                         under the repository; built there if missing)
#   --iters N             outer iterations (default 3300, about 1.2e9 guest
#                         instructions; env ITERS)
#   --runs N              best of N runs of each emulator (default 3; env RUNS)
#   --cpu MODEL           Amber's CPU model (default 80286)
#   --no-bochs            run Amber only
#   --no-amber            run Bochs only
#   --callgrind           instead of timing: run Amber under callgrind on a
#                         reduced workload and report host instructions per
#                         guest instruction
#   --callgrind-iters N   iterations for --callgrind (default 10)
#   --keep                keep the work directory (images, logs, bochsrc)
#
# The Bochs figure excludes its BIOS: the same boot floppy assembled with
# ITERS=0 is timed too and subtracted. Both emulators are credited with the
# instruction count Amber reports for the workload, since the program is the
# same; Bochs's own counter is shown as a cross-check.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
src="$here/realmode_mix.asm"

iters="${ITERS:-3300}"
runs="${RUNS:-3}"
cpu="80286"
amber="${AMBER:-}"
do_bochs=1
do_amber=1
callgrind=0
cg_iters=10
keep=0

die() { echo "run-realmode: $*" >&2; exit 1; }

while (($#)); do
  case "$1" in
    --iters) iters="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --cpu) cpu="$2"; shift 2 ;;
    --no-bochs) do_bochs=0; shift ;;
    --no-amber) do_amber=0; shift ;;
    --callgrind) callgrind=1; shift ;;
    --callgrind-iters) cg_iters="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) amber="$1"; shift ;;
  esac
done

# Known checksums (measured on Bochs 2.7), to catch a workload whose result
# changed by accident. Other iteration counts are only compared between the
# two emulators.
declare -A expected=(
  [0]=91C52A6B [1]=6BE9DA97 [2]=1170435D [10]=65F8A43B [100]=1636ACC4
  [1000]=2E6410A4 [3300]=10719B3A
)

command -v nasm >/dev/null || die "nasm not found"

# ----------------------------------------------------------------------------
# Amber
if ((do_amber || callgrind)); then
  if [ -z "$amber" ]; then
    for c in ./build/amber ./build/frontend/amber "$repo/build/amber" "$repo/build/frontend/amber"; do
      if [ -x "$c" ]; then amber="$c"; break; fi
    done
    if [ -z "$amber" ] && { [ -f "$repo/build/build.ninja" ] || [ -f "$repo/build/Makefile" ]; }; then
      echo "run-realmode: building amber in $repo/build" >&2
      cmake --build "$repo/build" --target amber >&2
      amber="$repo/build/amber"
    fi
    if [ -z "$amber" ]; then
      die "no amber binary: build it (cmake -S . -B build && cmake --build build) or pass its path"
    fi
  fi
  [ -x "$amber" ] || die "$amber is not executable"
  amber="$(cd "$(dirname "$amber")" && pwd)/$(basename "$amber")"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/amber-bench.XXXXXX")"
if ((keep)); then echo "run-realmode: work directory $work" >&2
else trap 'rm -rf "$work"' EXIT; fi

assemble() {  # assemble <output> <defines...>
  local out="$1"; shift
  local defs=()
  for d in "$@"; do defs+=("-D$d"); done
  nasm -f bin "${defs[@]}" -o "$out" "$src"
}

now() { echo "${EPOCHREALTIME/,/.}"; }
# Sets cpu_now to the CPU seconds (user + system) used so far by this shell's
# finished children. `times` must run in this shell, not in a $(...) subshell.
child_cpu() {
  times >"$work/times"
  cpu_now=$(awk 'NR == 2 { split($1, u, "m"); split($2, s, "m")
                           print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$work/times")
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }

checksum_of() { grep -aho 'amber-bench checksum: [0-9A-F]\{8\}' "$@" | head -n1 | awk '{ print $3 }' || true; }

# Runs the ROM under Amber; sets a_time, a_cpu, a_ticks, a_sum, a_log.
amber_once() {  # amber_once <rom> <tag> [wrapper...]
  local rom="$1" tag="$2"; shift 2
  a_log="$work/amber-$tag"
  local t0 t1 c0 c1 rc=0
  child_cpu; c0=$cpu_now; t0=$(now)
  "$@" "$amber" run --cpu "$cpu" --rom "$rom" --serial none --debugcon stdio --stats \
    </dev/null >"$a_log.out" 2>"$a_log.err" || rc=$?
  t1=$(now); child_cpu; c1=$cpu_now
  a_time=$(elapsed "$t0" "$t1")
  a_cpu=$(elapsed "$c0" "$c1")
  a_sum=$(checksum_of "$a_log.out" "$a_log.err")
  # --stats prints "amber: ticks N  wall S s  M MIPS" on stderr; one tick is
  # one guest instruction.
  a_ticks=$(sed -n 's/^amber: ticks \([0-9]*\) .*/\1/p' "$a_log.err" | tail -n1)
  if ((rc != 0)) || [ -z "$a_sum" ]; then
    echo "run-realmode: amber failed (exit $rc); its output:" >&2
    tail -n 20 "$a_log.out" "$a_log.err" >&2
    exit 1
  fi
  [ -n "$a_ticks" ] || die "no instruction count in amber's --stats output ($a_log.err)"
}

# ----------------------------------------------------------------------------
# --callgrind: host instructions per guest instruction.
if ((callgrind)); then
  command -v valgrind >/dev/null || die "valgrind not found"
  assemble "$work/cg0.rom" ROM ITERS=0
  assemble "$work/cg.rom" ROM "ITERS=$cg_iters"
  ir_of() { grep -E '^(summary|totals):' "$1" | head -n1 | awk '{ print $2 }'; }
  echo "run-realmode: callgrind, $cg_iters iterations (and 0, to subtract start-up)" >&2
  amber_once "$work/cg0.rom" cg0 valgrind --tool=callgrind --callgrind-out-file="$work/cg0.out"
  ticks0=$a_ticks; ir0=$(ir_of "$work/cg0.out")
  amber_once "$work/cg.rom" cg valgrind --tool=callgrind --callgrind-out-file="$work/cg.out"
  ticks1=$a_ticks; ir1=$(ir_of "$work/cg.out")
  printf '\n%-34s %16s %16s\n' "" "guest insns" "host insns (Ir)"
  printf '%-34s %16s %16s\n' "amber, ITERS=0 (start-up)" "$ticks0" "$ir0"
  printf '%-34s %16s %16s\n' "amber, ITERS=$cg_iters" "$ticks1" "$ir1"
  awk -v t0="$ticks0" -v t1="$ticks1" -v i0="$ir0" -v i1="$ir1" 'BEGIN {
    printf "\nhost instructions per guest instruction: %.1f (workload only), %.1f (whole run)\n",
           (i1 - i0) / (t1 - t0), i1 / t1 }'
  if command -v callgrind_annotate >/dev/null; then
    echo
    echo "top functions (callgrind_annotate $work/cg.out):"
    callgrind_annotate "$work/cg.out" 2>/dev/null | sed -n '/^ *Ir /,$p' | sed -n '1,22p' | cut -c1-150
  fi
  ((keep)) || echo "(run with --keep to keep the profile for callgrind_annotate or kcachegrind)"
  exit 0
fi

# ----------------------------------------------------------------------------
# Bochs set-up: a floppy with the boot variant, and an empty one for the BIOS.
if ((do_bochs)); then
  command -v bochs >/dev/null || die "bochs not found (apt-get install bochs bochsbios)"
  bios=/usr/share/bochs/BIOS-bochs-latest
  [ -r "$bios" ] || die "$bios missing (apt-get install bochsbios)"
  # Debian's VGABIOS-lgpl-latest is a symlink into the vgabios package;
  # SeaBIOS's ISA VGA BIOS works as well when that is not installed.
  vgabios=""
  for f in /usr/share/bochs/VGABIOS-lgpl-latest /usr/share/vgabios/vgabios.bin \
           /usr/share/seabios/vgabios-isavga.bin /usr/share/seabios/vgabios-stdvga.bin; do
    if [ -r "$f" ]; then vgabios="$f"; break; fi
  done
  [ -n "$vgabios" ] || die "no VGA BIOS image (apt-get install vgabios or seabios)"

  make_floppy() {  # make_floppy <image> <iters>
    assemble "$1.bin" BOOT "ITERS=$2"
    dd if=/dev/zero of="$1" bs=512 count=2880 status=none
    dd if="$1.bin" of="$1" conv=notrunc status=none
  }
  make_floppy "$work/bench.img" "$iters"
  make_floppy "$work/empty.img" 0

  # Debian builds Bochs without the 'nogui' display library; its 'rfb'
  # (VNC server) library with timeout=0 runs headless without waiting for a
  # client. Use nogui where it exists.
  display='display_library: nogui'
  echo 'display_library: nogui' >"$work/probe.bochsrc"
  (cd "$work" && timeout 10 bochs -q -f probe.bochsrc </dev/null >probe.log 2>&1) || true
  if grep -aq "display library 'nogui' not available" "$work/probe.log"; then
    display='display_library: rfb, options="timeout=0"'
  fi

  write_bochsrc() {  # write_bochsrc <rc> <image>
    cat >"$1" <<EOF
# Headless Bochs for bench/realmode_mix.asm (generated by run-realmode.sh)
$display
romimage: file=$bios
vgaromimage: file=$vgabios
megs: 16
cpu: count=1
clock: sync=none, time0=local
floppya: 1_44="$2", status=inserted
boot: floppy
floppy_bootsig_check: disabled=0
port_e9_hack: enabled=1
mouse: enabled=0
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
log: /dev/null
panic: action=fatal
error: action=ignore
info: action=ignore
debug: action=ignore
EOF
  }
  write_bochsrc "$work/bench.bochsrc" "$work/bench.img"
  write_bochsrc "$work/empty.bochsrc" "$work/empty.img"

  # Debian's Bochs has the internal debugger, which stops before the first
  # instruction; an rc file tells it to continue (and to quit if it is ever
  # back at its prompt).
  printf 'continue\nquit\n' >"$work/bochs.rc"
  bochs_dbg=()
  bochs_help=$(bochs --help 2>&1 || true)
  if grep -q -- '-rc filename' <<<"$bochs_help"; then bochs_dbg=(-rc "$work/bochs.rc"); fi

  # Runs one floppy under Bochs; sets b_time, b_cpu, b_sum, b_ticks, b_log. Bochs
  # exits with status 1 at the shutdown port, so its status is not checked.
  bochs_once() {  # bochs_once <tag>
    local tag="$1" t0 t1 c0 c1
    b_log="$work/bochs-$tag"
    child_cpu; c0=$cpu_now; t0=$(now)
    (cd "$work" && bochs -q -f "$tag.bochsrc" "${bochs_dbg[@]}") \
      </dev/null >"$b_log.out" 2>"$b_log.err" || true
    t1=$(now); child_cpu; c1=$cpu_now
    b_time=$(elapsed "$t0" "$t1")
    b_cpu=$(elapsed "$c0" "$c1")
    b_sum=$(checksum_of "$b_log.out")
    # The debugger's last line starts with "(0).[ticks]": Bochs's own count.
    b_ticks=$(sed -n 's/^(0)\.\[\([0-9]*\)\].*/\1/p' "$b_log.out" | tail -n1)
    if ! grep -aq 'Shutdown port: shutdown requested' "$b_log.out" "$b_log.err" || [ -z "$b_sum" ]; then
      echo "run-realmode: bochs did not finish cleanly; its output:" >&2
      tail -n 20 "$b_log.out" "$b_log.err" >&2
      exit 1
    fi
  }
fi

if ((do_amber)); then
  assemble "$work/bench.rom" ROM "ITERS=$iters"
fi

# ----------------------------------------------------------------------------
# Timed runs, best of $runs.
best_a="" best_b="" best_e="" cpu_a="" cpu_b="" cpu_e=""
a_sum="" b_sum="" a_ticks="" b_ticks="" e_ticks=""
for ((r = 1; r <= runs; r++)); do
  if ((do_amber)); then
    amber_once "$work/bench.rom" bench
    best_a=$(min "$best_a" "$a_time"); cpu_a=$(min "$cpu_a" "$a_cpu")
    echo "run $r: amber ${a_time}s (cpu ${a_cpu}s; checksum $a_sum, $a_ticks instructions)" >&2
  fi
  if ((do_bochs)); then
    bochs_once empty
    best_e=$(min "$best_e" "$b_time"); cpu_e=$(min "$cpu_e" "$b_cpu"); e_ticks=$b_ticks
    bochs_once bench
    best_b=$(min "$best_b" "$b_time"); cpu_b=$(min "$cpu_b" "$b_cpu")
    echo "run $r: bochs ${b_time}s (cpu ${b_cpu}s; checksum $b_sum), BIOS boot alone ${best_e}s" >&2
  fi
done

# ----------------------------------------------------------------------------
# Checks.
status=0
want="${expected[$iters]:-}"
for who in amber bochs; do
  if [ "$who" = amber ]; then ((do_amber)) || continue; got=$a_sum
  else ((do_bochs)) || continue; got=$b_sum; fi
  if [ -n "$want" ] && [ "$got" != "$want" ]; then
    echo "run-realmode: $who's checksum $got differs from the known value $want" >&2
    status=1
  fi
done
if ((do_amber && do_bochs)) && [ "$a_sum" != "$b_sum" ]; then
  echo "run-realmode: CHECKSUM MISMATCH: amber $a_sum, bochs $b_sum" >&2
  status=1
fi

# ----------------------------------------------------------------------------
# The table.
bochs_own=""
if ((do_bochs)) && [ -n "$b_ticks" ] && [ -n "$e_ticks" ]; then bochs_own=$((b_ticks - e_ticks)); fi
insns="${a_ticks:-$bochs_own}"
b_secs="" b_cpus=""
if ((do_bochs)); then
  b_secs=$(elapsed "$best_e" "$best_b")
  b_cpus=$(elapsed "$cpu_e" "$cpu_b")
fi

echo
echo "realmode_mix, ITERS=$iters, best of $runs, $(uname -m), $(nproc) cpu(s)"
printf '%-20s %14s %9s %9s %9s %9s\n' "" "guest insns" "wall s" "MIPS" "cpu s" "MIPS/cpu"
row() { awk -v n="$1" -v i="$2" -v s="$3" -v c="$4" 'BEGIN {
  printf "%-20s %14s %9.2f %9.1f %9.2f %9.1f\n", n, i, s, (s > 0 ? i / s / 1e6 : 0), c, (c > 0 ? i / c / 1e6 : 0) }'; }
((do_amber)) && row "amber --cpu $cpu" "$insns" "$best_a" "$cpu_a"
((do_bochs)) && row "bochs $(grep -oE 'Bochs x86 Emulator [0-9.]+' <<<"$bochs_help" | head -n1 | awk '{print $4}')" "$insns" "$b_secs" "$b_cpus"
if ((do_amber && do_bochs)); then
  awk -v a="$best_a" -v b="$b_secs" -v ac="$cpu_a" -v bc="$b_cpus" 'BEGIN {
    printf "%-20s %14s %9s %8.2fx %9s %8.2fx\n", "amber / bochs", "", "", b / a, "", (ac > 0 ? bc / ac : 0) }'
fi
echo
((do_amber)) && echo "checksum: amber $a_sum${b_sum:+, bochs $b_sum}${want:+ (expected $want)}"
((do_amber)) || echo "checksum: bochs $b_sum${want:+ (expected $want)}"
if ((do_bochs)); then
  echo "bochs BIOS boot (subtracted): ${best_e}s wall, ${cpu_e}s cpu; bochs's own count for the workload: ${bochs_own:-?} instructions"
fi
if ((do_amber)); then
  self=$(grep -a '^amber: ticks' "$work/amber-bench.err" | tail -n1 || true)
  [ -n "$self" ] && echo "amber --stats (last run): ${self#amber: }"
fi
exit $status
