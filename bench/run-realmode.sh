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

prog=run-realmode
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
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

command -v nasm >/dev/null || die "nasm not found"

if ((do_amber || callgrind)); then find_amber; fi
amber_args=(--cpu "$cpu")
bench_workdir

# ----------------------------------------------------------------------------
# --callgrind: host instructions per guest instruction.
if ((callgrind)); then
  command -v valgrind >/dev/null || die "valgrind not found"
  assemble "$src" "$work/cg0.rom" ROM ITERS=0
  assemble "$src" "$work/cg.rom" ROM "ITERS=$cg_iters"
  echo "$prog: callgrind, $cg_iters iterations (and 0, to subtract start-up)" >&2
  callgrind_once "$work/cg0.rom" cg0; ticks0=$cg_ticks; ir0=$cg_ir
  callgrind_once "$work/cg.rom" cg; ticks1=$cg_ticks; ir1=$cg_ir
  printf '\n%-34s %16s %16s\n' "" "guest insns" "host insns (Ir)"
  printf '%-34s %16s %16s\n' "amber, ITERS=0 (start-up)" "$ticks0" "$ir0"
  printf '%-34s %16s %16s\n' "amber, ITERS=$cg_iters" "$ticks1" "$ir1"
  awk -v t0="$ticks0" -v t1="$ticks1" -v i0="$ir0" -v i1="$ir1" 'BEGIN {
    printf "\nhost instructions per guest instruction: %.1f (workload only), %.1f (whole run)\n",
           (i1 - i0) / (t1 - t0), i1 / t1 }'
  callgrind_top "$work/cg.out"
  ((keep)) || echo "(run with --keep to keep the profile for callgrind_annotate or kcachegrind)"
  exit 0
fi

# ----------------------------------------------------------------------------
# Bochs set-up: a floppy with the boot variant, and an empty one for the BIOS.
if ((do_bochs)); then
  bochs_setup
  make_floppy bench "$src" "ITERS=$iters"
  make_floppy empty "$src" ITERS=0
fi

if ((do_amber)); then
  assemble "$src" "$work/bench.rom" ROM "ITERS=$iters"
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
want="${mix_checksums[$iters]:-}"
check_checksums "$want"

# ----------------------------------------------------------------------------
# The table.
bochs_figures

echo
echo "realmode_mix, ITERS=$iters, best of $runs, $(uname -m), $(nproc) cpu(s)"
table_header
((do_amber)) && table_row "amber --cpu $cpu" "$insns" "$best_a" "$cpu_a"
((do_bochs)) && table_row "bochs $bochs_version" "$insns" "$b_secs" "$b_cpus"
((do_amber && do_bochs)) && table_ratio "amber / bochs" "$best_a" "$b_secs" "$cpu_a" "$b_cpus"
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
