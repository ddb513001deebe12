#!/usr/bin/env bash
# Guest MIPS of Amber and Bochs on realmode_mix's workload in 32-bit
# protected mode with paging (bench/pm_mix.asm), and Amber's cost of
# protected mode and paging next to real mode.
#
# Usage: bench/run-pm.sh [mode] [options] [AMBER]
# Modes:
#   (default)             Amber vs Bochs on pm_mix, best of --runs
#   --vs-realmode         Amber only: realmode_mix, pm_mix with paging off
#                         and pm_mix with paging on, side by side (same
#                         --cpu for all three); paging should cost at most
#                         ~20% of the real-mode MIPS
#   --callgrind           Amber under callgrind on the memory loop (k_mem)
#                         over 2048 pages (TLB misses) and over 4 pages (TLB
#                         hits): host instructions per guest instruction,
#                         and per access
#   --callgrind-mix       Amber under callgrind on realmode_mix and on
#                         pm_mix with paging off and on: host instructions
#                         per guest instruction side by side, a noise-free
#                         counterpart of --vs-realmode
# Options:
#   AMBER                 the amber binary (default: $AMBER, else ./build/amber
#                         and so on, as run-realmode.sh)
#   --iters N             outer iterations (default 3300, the same work as
#                         run-realmode.sh; 20000 with --mem-pages; env ITERS)
#   --runs N              best of N runs of each emulator (default 3; env RUNS)
#   --cpu MODEL           Amber's CPU model (default 386)
#   --no-paging           time pm_mix with paging off
#   --mem-pages N         time the memory loop over N pages instead of the
#                         twelve kernels (a power of two up to 8192)
#   --no-bochs            run Amber only
#   --no-amber            run Bochs only
#   --callgrind-iters N   iterations under callgrind (default 200 for the
#                         memory loop, 10 for the mix)
#   --callgrind-pages "A B"  windows for --callgrind (default "2048 4")
#   --keep                keep the work directory (images, logs, bochsrc)
#
# As in run-realmode.sh, Bochs's BIOS start-up is timed apart (the same
# floppy with ITERS=0) and subtracted, and both emulators are credited with
# the instruction count Amber reports.
set -euo pipefail

prog=run-pm
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
src="$here/pm_mix.asm"

mode=compare
iters="${ITERS:-}"
runs="${RUNS:-3}"
cpu="386"
amber="${AMBER:-}"
paging=1
mem_pages=""
do_bochs=1
do_amber=1
cg_iters=""
cg_pages="2048 4"
keep=0

while (($#)); do
  case "$1" in
    --vs-realmode) mode=vs-realmode; shift ;;
    --callgrind) mode=callgrind; shift ;;
    --callgrind-mix) mode=callgrind-mix; shift ;;
    --iters) iters="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --cpu) cpu="$2"; shift 2 ;;
    --no-paging) paging=0; shift ;;
    --mem-pages) mem_pages="$2"; shift 2 ;;
    --no-bochs) do_bochs=0; shift ;;
    --no-amber) do_amber=0; shift ;;
    --callgrind-iters) cg_iters="$2"; shift 2 ;;
    --callgrind-pages) cg_pages="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) amber="$1"; shift ;;
  esac
done

# Known checksums of the memory loop (Bochs 2.7), by "pages:iters". The mix
# has realmode_mix's (mix_checksums, in lib.sh).
declare -A mem_checksums=(
  [2048:0]=91C52A6B [2048:2]=7F6A50F3 [2048:200]=7B042A9C [2048:20000]=7058DFF0
  [4:0]=91C52A6B [4:2]=BB6B7688 [4:200]=1779B459 [4:20000]=D96EBA63
)

if [ -n "$mem_pages" ]; then iters="${iters:-20000}"; else iters="${iters:-3300}"; fi
command -v nasm >/dev/null || die "nasm not found"
[ "$mode" != compare ] && do_bochs=0 && do_amber=1
((do_amber)) && find_amber
bench_workdir

# Amber's options: --no-reboot, so that a program that goes wrong ends the
# run (status 123) instead of resetting into itself; and for a program that
# touches `pages` pages of k_mem's window at 1 MiB, extended memory to hold it.
amber_args_for() {  # amber_args_for [pages]
  amber_args=(--cpu "$cpu" --no-reboot)
  if [ -n "${1:-}" ]; then amber_args+=(--ext-ram $((($1 + 255) / 256))); fi
}

# The defines that select the program variant: paging (all modes), and the
# memory loop (the timed comparison).
paging_defs=()
((paging)) || paging_defs+=(NO_PAGING)
defines=("${paging_defs[@]}")
[ -n "$mem_pages" ] && defines+=("MEM_PAGES=$mem_pages")

# The known checksum for a variant, if any.
known_checksum() {  # known_checksum <pages or ""> <iters>
  if [ -n "$1" ]; then echo "${mem_checksums[$1:$2]:-}"; else echo "${mix_checksums[$2]:-}"; fi
}

# ----------------------------------------------------------------------------
# --callgrind, --callgrind-mix: host instructions per guest instruction.
if [ "$mode" = callgrind ] || [ "$mode" = callgrind-mix ]; then
  command -v valgrind >/dev/null || die "valgrind not found"
  declare -A cg_ir_of cg_insns_of
  if [ "$mode" = callgrind ]; then
    read -ra variants <<<"$cg_pages"; cg_iters="${cg_iters:-200}"
  else
    variants=(realmode nopaging paging); cg_iters="${cg_iters:-10}"
  fi
  printf '\n%-28s %14s %16s %12s %12s\n' "amber --cpu $cpu, ITERS=$cg_iters" \
    "guest insns" "host insns (Ir)" "Ir/insn" "Ir/access" >"$work/cg.table"
  for v in "${variants[@]}"; do
    prog_src=$src pages=""
    case "$v" in
      realmode) prog_src="$here/realmode_mix.asm"; name="realmode_mix"; defs=() ;;
      nopaging) name="pm_mix, paging off"; defs=(NO_PAGING) ;;
      paging) name="pm_mix, paging on"; defs=() ;;
      *) pages=$v; name="k_mem, $v pages"; defs=("${paging_defs[@]}" "MEM_PAGES=$v") ;;
    esac
    amber_args_for "$pages"
    tag="cg-${v}"
    assemble "$prog_src" "$work/$tag-0.rom" ROM ITERS=0 "${defs[@]}"
    assemble "$prog_src" "$work/$tag.rom" ROM "ITERS=$cg_iters" "${defs[@]}"
    echo "$prog: callgrind, $name: $cg_iters iterations (and 0, to subtract start-up)" >&2
    callgrind_once "$work/$tag-0.rom" "$tag-0"; ticks0=$cg_ticks; ir0=$cg_ir
    callgrind_once "$work/$tag.rom" "$tag"; ticks1=$cg_ticks; ir1=$cg_ir
    want=$(known_checksum "$pages" "$cg_iters")
    if [ -n "$want" ] && [ "$a_sum" != "$want" ]; then
      die "$name: checksum $a_sum differs from the known value $want"
    fi
    # k_mem does 2048 accesses (a load and a store) per iteration.
    accesses=$((${pages:-0} ? cg_iters * 2048 : 0))
    awk -v n="$name" -v t0="$ticks0" -v t1="$ticks1" -v i0="$ir0" -v i1="$ir1" -v a="$accesses" 'BEGIN {
      printf "%-28s %14d %16d %12.1f %12s\n", n, t1 - t0, i1 - i0, (i1 - i0) / (t1 - t0),
             (a ? sprintf("%.1f", (i1 - i0) / a) : "") }' >>"$work/cg.table"
    cg_ir_of[$v]=$((ir1 - ir0))
    cg_insns_of[$v]=$((ticks1 - ticks0))
  done
  cat "$work/cg.table"
  echo "(workload only: the ITERS=0 run's instructions are subtracted)"
  # The windows run the same instructions, so the difference per access is
  # what the extra TLB misses cost (2048 pages: 97% of the loads miss in a
  # 1024-entry direct-mapped TLB; 4 pages: none).
  if [ "$mode" = callgrind ] && ((${#variants[@]} > 1)); then
    last=${variants[-1]}
    for v in "${variants[@]:0:${#variants[@]}-1}"; do
      awk -v a="$v" -v b="$last" -v ia="${cg_ir_of[$v]}" -v ib="${cg_ir_of[$last]}" -v n=$((cg_iters * 2048)) 'BEGIN {
        printf "%s pages vs %s: %+.1f host instructions per access\n", a, b, (ia - ib) / n }'
    done
    for v in "${variants[@]}"; do callgrind_top "$work/cg-$v.out"; done
  fi
  # The mixes do the same work in slightly different instruction counts, so
  # compare host instructions per guest instruction, as MIPS would.
  if [ "$mode" = callgrind-mix ]; then
    awk -v ir="${cg_ir_of[realmode]}" -v tr="${cg_insns_of[realmode]}" \
        -v ip="${cg_ir_of[nopaging]}" -v tp="${cg_insns_of[nopaging]}" \
        -v ig="${cg_ir_of[paging]}" -v tg="${cg_insns_of[paging]}" 'BEGIN {
      rm = ir / tr; pm = ip / tp; pg = ig / tg
      printf "host instructions per guest instruction vs real mode: protected mode %+.1f%%, with paging %+.1f%%\n",
             100 * (pm / rm - 1), 100 * (pg / rm - 1) }'
    callgrind_top "$work/cg-paging.out"
  fi
  ((keep)) || echo "(run with --keep to keep the profiles for callgrind_annotate or kcachegrind)"
  exit 0
fi

# ----------------------------------------------------------------------------
# --vs-realmode: real mode, protected mode, protected mode with paging.
if [ "$mode" = vs-realmode ]; then
  amber_args_for ""
  assemble "$here/realmode_mix.asm" "$work/rm.rom" ROM "ITERS=$iters"
  assemble "$src" "$work/pm.rom" ROM "ITERS=$iters" NO_PAGING
  assemble "$src" "$work/pg.rom" ROM "ITERS=$iters"
  declare -A wall cpus ticks sums
  for ((r = 1; r <= runs; r++)); do
    for v in rm pm pg; do
      amber_once "$work/$v.rom" "$v"
      wall[$v]=$(min "${wall[$v]:-}" "$a_time"); cpus[$v]=$(min "${cpus[$v]:-}" "$a_cpu")
      ticks[$v]=$a_ticks; sums[$v]=$a_sum
      echo "run $r: $v ${a_time}s (cpu ${a_cpu}s; checksum $a_sum, $a_ticks instructions)" >&2
    done
  done
  status=0
  want="${mix_checksums[$iters]:-${sums[rm]}}"
  for v in rm pm pg; do
    if [ "${sums[$v]}" != "$want" ]; then echo "$prog: $v checksum ${sums[$v]}, expected $want" >&2; status=1; fi
  done
  echo
  echo "amber --cpu $cpu, ITERS=$iters, best of $runs, $(uname -m), $(nproc) cpu(s)"
  table_header
  table_row "real mode" "${ticks[rm]}" "${wall[rm]}" "${cpus[rm]}"
  table_row "protected mode" "${ticks[pm]}" "${wall[pm]}" "${cpus[pm]}"
  table_row "protected + paging" "${ticks[pg]}" "${wall[pg]}" "${cpus[pg]}"
  echo
  # Cost = how much lower the MIPS are, from CPU time.
  awk -v ti="${ticks[rm]}" -v ci="${cpus[rm]}" -v tp="${ticks[pm]}" -v cp="${cpus[pm]}" \
      -v tg="${ticks[pg]}" -v cg="${cpus[pg]}" 'BEGIN {
    rm = ti / ci; pm = tp / cp; pg = tg / cg
    printf "MIPS (cpu) cost of protected mode: %.1f%%; of paging on top: %.1f%%; both, vs real mode: %.1f%%%s\n",
           100 * (1 - pm / rm), 100 * (1 - pg / pm), 100 * (1 - pg / rm),
           (pg < 0.8 * rm ? "  (over the 20% budget)" : "  (within the 20% budget)") }'
  echo "checksums: real mode ${sums[rm]}, protected mode ${sums[pm]}, paging ${sums[pg]}${want:+ (expected $want)}"
  exit $status
fi

# ----------------------------------------------------------------------------
# Amber vs Bochs. Bochs gets a floppy with the program and an empty one
# (ITERS=0) for its BIOS and the set-up.
if ((do_bochs)); then
  bochs_megs=16
  [ -n "$mem_pages" ] && bochs_megs=$((16 + mem_pages / 256))
  bochs_setup
  make_floppy bench "$src" "ITERS=$iters" "${defines[@]}"
  make_floppy empty "$src" ITERS=0 "${defines[@]}"
fi
if ((do_amber)); then
  amber_args_for "$mem_pages"
  assemble "$src" "$work/bench.rom" ROM "ITERS=$iters" "${defines[@]}"
fi

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

status=0
want=$(known_checksum "$mem_pages" "$iters")
check_checksums "$want"

bochs_figures

what="pm_mix"
[ -n "$mem_pages" ] && what="k_mem over $mem_pages pages"
((paging)) && what+=", paging on" || what+=", paging off"
echo
echo "$what, ITERS=$iters, best of $runs, $(uname -m), $(nproc) cpu(s)"
table_header
((do_amber)) && table_row "amber --cpu $cpu" "$insns" "$best_a" "$cpu_a"
((do_bochs)) && table_row "bochs $bochs_version" "$insns" "$b_secs" "$b_cpus"
((do_amber && do_bochs)) && table_ratio "amber / bochs" "$best_a" "$b_secs" "$cpu_a" "$b_cpus"
echo
((do_amber)) && echo "checksum: amber $a_sum${b_sum:+, bochs $b_sum}${want:+ (expected $want)}"
((do_amber)) || echo "checksum: bochs $b_sum${want:+ (expected $want)}"
if ((do_bochs)); then
  echo "bochs BIOS boot and set-up (subtracted): ${best_e}s wall, ${cpu_e}s cpu; bochs's own count for the workload: ${bochs_own:-?} instructions"
fi
if ((do_amber)); then
  self=$(grep -a '^amber: ticks' "$work/amber-bench.err" | tail -n1 || true)
  [ -n "$self" ] && echo "amber --stats (last run): ${self#amber: }"
fi
exit $status
