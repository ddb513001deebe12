#!/usr/bin/env bash
# Guest MIPS and MFLOPS of Amber and Bochs on an x87 Mandelbrot workload
# (bench/fpu_mandel.asm, 32-bit protected mode).
#
# Usage: bench/run-fpu.sh [options] [AMBER]
# Options:
#   AMBER           the amber binary (default: $AMBER, else ./build/amber
#                   and so on, as run-realmode.sh)
#   --iters N       frames (default 40; env ITERS)
#   --runs N        best of N runs of each emulator (default 3; env RUNS)
#   --cpu MODEL     Amber's CPU model (default p6; 486 and later have the FPU)
#   --no-bochs      run Amber only
#   --no-amber      run Bochs only
#   --keep          keep the work directory (images, logs, bochsrc)
#
# The program counts its floating-point operations as it runs (8 per
# completed iteration of the inner loop, 3 for the escaping one; see the
# header of fpu_mandel.asm) and prints the total, so MFLOPS = that count /
# seconds. As in run-pm.sh, Bochs's BIOS start-up is timed apart (the same
# floppy with ITERS=0) and subtracted, and both emulators are credited with
# the instruction count Amber reports.
set -euo pipefail

prog=run-fpu
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
src="$here/fpu_mandel.asm"

iters="${ITERS:-40}"
runs="${RUNS:-3}"
cpu="p6"
amber="${AMBER:-}"
do_bochs=1
do_amber=1
keep=0

while (($#)); do
  case "$1" in
    --iters) iters="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --cpu) cpu="$2"; shift 2 ;;
    --no-bochs) do_bochs=0; shift ;;
    --no-amber) do_amber=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) amber="$1"; shift ;;
  esac
done

# Known checksums (Bochs 2.7 and Amber agree), by ITERS.
declare -A fpu_checksums=(
  [0]=91C52A6B [1]=3D316E7A [2]=77A92E0B [40]=2C740131
)

command -v nasm >/dev/null || die "nasm not found"
((do_amber)) && find_amber
bench_workdir
amber_args=(--cpu "$cpu" --no-reboot)

flops_of() {  # the FLOP count a run printed, in decimal
  local hex
  hex=$(grep -aho 'amber-bench flops: [0-9A-F]\{16\}' "$@" | head -n1 | awk '{ print $3 }' || true)
  [ -n "$hex" ] && echo $((16#$hex))
}

if ((do_bochs)); then
  bochs_setup
  make_floppy bench "$src" "ITERS=$iters"
  make_floppy empty "$src" ITERS=0
fi
((do_amber)) && assemble "$src" "$work/bench.rom" ROM "ITERS=$iters"

best_a="" best_b="" best_e="" cpu_a="" cpu_b="" cpu_e=""
a_sum="" b_sum="" a_ticks="" b_ticks="" e_ticks="" a_flops="" b_flops=""
for ((r = 1; r <= runs; r++)); do
  if ((do_amber)); then
    amber_once "$work/bench.rom" bench
    a_flops=$(flops_of "$a_log.out" "$a_log.err")
    best_a=$(min "$best_a" "$a_time"); cpu_a=$(min "$cpu_a" "$a_cpu")
    echo "run $r: amber ${a_time}s (cpu ${a_cpu}s; checksum $a_sum, $a_ticks instructions, $a_flops FLOPs)" >&2
  fi
  if ((do_bochs)); then
    bochs_once empty
    best_e=$(min "$best_e" "$b_time"); cpu_e=$(min "$cpu_e" "$b_cpu"); e_ticks=$b_ticks
    bochs_once bench
    b_flops=$(flops_of "$b_log.out")
    best_b=$(min "$best_b" "$b_time"); cpu_b=$(min "$cpu_b" "$b_cpu")
    echo "run $r: bochs ${b_time}s (cpu ${b_cpu}s; checksum $b_sum, $b_flops FLOPs), BIOS boot alone ${best_e}s" >&2
  fi
done

status=0
check_checksums "${fpu_checksums[$iters]:-}"
if ((do_amber && do_bochs)) && [ "$a_flops" != "$b_flops" ]; then
  echo "$prog: FLOP COUNT MISMATCH: amber $a_flops, bochs $b_flops" >&2
  status=1
fi
bochs_figures
flops="${a_flops:-$b_flops}"

# MFLOPS next to the MIPS columns of the usual table.
mflops_row() {  # mflops_row <name> <wall s> <cpu s>
  awk -v n="$1" -v f="$flops" -v s="$2" -v c="$3" 'BEGIN {
    printf "%-24s %14s %9.2f %9.1f %9.2f %9.1f\n", n, f, s, (s > 0 ? f / s / 1e6 : 0), c, (c > 0 ? f / c / 1e6 : 0) }'
}

echo
echo "fpu_mandel, ITERS=$iters, best of $runs, $(uname -m), $(nproc) cpu(s)"
table_header
((do_amber)) && table_row "amber --cpu $cpu" "$insns" "$best_a" "$cpu_a"
((do_bochs)) && table_row "bochs $bochs_version" "$insns" "$b_secs" "$b_cpus"
echo
printf '%-24s %14s %9s %9s %9s %9s\n' "" "FLOPs" "wall s" "MFLOPS" "cpu s" "MFLOPS/cpu"
((do_amber)) && mflops_row "amber --cpu $cpu" "$best_a" "$cpu_a"
((do_bochs)) && mflops_row "bochs $bochs_version" "$b_secs" "$b_cpus"
((do_amber && do_bochs)) && table_ratio "amber / bochs" "$best_a" "$b_secs" "$cpu_a" "$b_cpus"
echo
echo "checksum: ${a_sum:+amber $a_sum}${b_sum:+, bochs $b_sum}"
if ((do_bochs)); then
  echo "bochs BIOS boot and set-up (subtracted): ${best_e}s wall, ${cpu_e}s cpu; bochs's own count for the workload: ${bochs_own:-?} instructions"
fi
exit $status
