# shellcheck shell=bash
# Shell functions shared by bench/run-realmode.sh and bench/run-pm.sh:
# finding Amber, assembling the programs, running them on Amber and on Bochs
# with timing, callgrind, and the results table. Source it from bash with
# `prog` set to the script's name (for messages).
#
# Variables it uses: amber (the binary), amber_args (an array of extra
# `amber run` options, e.g. --cpu 386), work (set by bench_workdir),
# bochs_megs (RAM for Bochs, default 16).

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

die() { echo "$prog: $*" >&2; exit 1; }

# Known checksums of realmode_mix for some iteration counts (measured on
# Bochs 2.7), to catch a workload whose result changed by accident; other
# counts are only compared between the emulators. pm_mix computes the same
# values, with or without paging.
declare -gA mix_checksums=(
  [0]=91C52A6B [1]=6BE9DA97 [2]=1170435D [10]=65F8A43B [100]=1636ACC4
  [1000]=2E6410A4 [3300]=10719B3A
)

# Sets amber to an absolute path: the given one, else $AMBER, else the first
# of ./build/amber, ./build/frontend/amber and the same under the repository,
# building it there if needed.
find_amber() {
  if [ -z "$amber" ]; then
    for c in ./build/amber ./build/frontend/amber "$repo/build/amber" "$repo/build/frontend/amber"; do
      if [ -x "$c" ]; then amber="$c"; break; fi
    done
    if [ -z "$amber" ] && { [ -f "$repo/build/build.ninja" ] || [ -f "$repo/build/Makefile" ]; }; then
      echo "$prog: building amber in $repo/build" >&2
      cmake --build "$repo/build" --target amber >&2
      amber="$repo/build/amber"
    fi
    if [ -z "$amber" ]; then
      die "no amber binary: build it (cmake -S . -B build && cmake --build build) or pass its path"
    fi
  fi
  [ -x "$amber" ] || die "$amber is not executable"
  amber="$(cd "$(dirname "$amber")" && pwd)/$(basename "$amber")"
}

# Creates the work directory, removed at exit unless keep=1.
bench_workdir() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/amber-bench.XXXXXX")"
  if ((keep)); then echo "$prog: work directory $work" >&2
  else trap 'rm -rf "$work"' EXIT; fi
}

assemble() {  # assemble <source> <output> <defines...>
  local src="$1" out="$2"; shift 2
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

# Runs a ROM under Amber; sets a_time, a_cpu, a_ticks, a_sum, a_log.
amber_once() {  # amber_once <rom> <tag> [wrapper...]
  local rom="$1" tag="$2"; shift 2
  a_log="$work/amber-$tag"
  local t0 t1 c0 c1 rc=0
  child_cpu; c0=$cpu_now; t0=$(now)
  # stdin is an empty pipe, not /dev/null: in some sandboxes (CI's) that is a
  # plain file other processes write into.
  "$@" "$amber" run "${amber_args[@]}" --rom "$rom" --serial none --debugcon stdio --stats \
    < <(:) >"$a_log.out" 2>"$a_log.err" || rc=$?
  t1=$(now); child_cpu; c1=$cpu_now
  a_time=$(elapsed "$t0" "$t1")
  a_cpu=$(elapsed "$c0" "$c1")
  a_sum=$(checksum_of "$a_log.out" "$a_log.err")
  # --stats prints "amber: ticks N  wall S s  M MIPS" on stderr; one tick is
  # one guest instruction.
  a_ticks=$(sed -n 's/^amber: ticks \([0-9]*\) .*/\1/p' "$a_log.err" | tail -n1)
  if ((rc != 0)) || [ -z "$a_sum" ]; then
    echo "$prog: amber failed (exit $rc); its output:" >&2
    tail -n 20 "$a_log.out" "$a_log.err" >&2
    exit 1
  fi
  [ -n "$a_ticks" ] || die "no instruction count in amber's --stats output ($a_log.err)"
}

# ----------------------------------------------------------------------------
# Callgrind: host instructions (Ir) of one Amber run.

ir_of() { grep -E '^(summary|totals):' "$1" | head -n1 | awk '{ print $2 }'; }

# Runs a ROM under callgrind; sets cg_ticks and cg_ir, keeps the profile in
# $work/<tag>.out.
callgrind_once() {  # callgrind_once <rom> <tag>
  amber_once "$1" "$2" valgrind --tool=callgrind --callgrind-out-file="$work/$2.out"
  cg_ticks=$a_ticks
  cg_ir=$(ir_of "$work/$2.out")
}

callgrind_top() {  # callgrind_top <profile>: the most expensive functions
  command -v callgrind_annotate >/dev/null || return 0
  echo
  echo "top functions (callgrind_annotate $1):"
  callgrind_annotate "$1" 2>/dev/null | sed -n '/^ *Ir /,$p' | sed -n '1,22p' | cut -c1-150
}

# ----------------------------------------------------------------------------
# Bochs: headless, booting a floppy, with its BIOS start-up measured apart.

# Checks for Bochs and its ROMs and probes its display libraries; sets bios,
# vgabios, display, bochs_dbg and bochs_version.
bochs_setup() {
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

  # Debian builds Bochs without the 'nogui' display library; its 'rfb'
  # (VNC server) library with timeout=0 runs headless without waiting for a
  # client. Use nogui where it exists.
  display='display_library: nogui'
  echo 'display_library: nogui' >"$work/probe.bochsrc"
  (cd "$work" && timeout 10 bochs -q -f probe.bochsrc < <(:) >probe.log 2>&1) || true
  if grep -aq "display library 'nogui' not available" "$work/probe.log"; then
    display='display_library: rfb, options="timeout=0"'
  fi

  # Debian's Bochs has the internal debugger, which stops before the first
  # instruction; an rc file tells it to continue (and to quit if it is ever
  # back at its prompt).
  printf 'continue\nquit\n' >"$work/bochs.rc"
  bochs_dbg=()
  local help
  help=$(bochs --help 2>&1 || true)
  if grep -q -- '-rc filename' <<<"$help"; then bochs_dbg=(-rc "$work/bochs.rc"); fi
  bochs_version=$(grep -oE 'Bochs x86 Emulator [0-9.]+' <<<"$help" | head -n1 | awk '{ print $4 }')
}

# Writes $work/<tag>.img, a 1.44 MB floppy holding the boot variant of a
# program, and $work/<tag>.bochsrc to boot it.
make_floppy() {  # make_floppy <tag> <source> <defines...>
  local tag="$1" src="$2"; shift 2
  assemble "$src" "$work/$tag.bin" BOOT "$@"
  dd if=/dev/zero of="$work/$tag.img" bs=512 count=2880 status=none
  dd if="$work/$tag.bin" of="$work/$tag.img" conv=notrunc status=none
  cat >"$work/$tag.bochsrc" <<EOF
# Headless Bochs for the Amber benchmarks (generated by $prog)
$display
romimage: file=$bios
vgaromimage: file=$vgabios
megs: ${bochs_megs:-16}
cpu: count=1, reset_on_triple_fault=0
clock: sync=none, time0=local
floppya: 1_44="$work/$tag.img", status=inserted
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

# Boots $work/<tag>.img under Bochs; sets b_time, b_cpu, b_sum, b_ticks,
# b_log. Bochs exits with status 1 at the shutdown port, so its status is
# not checked. A triple fault is a panic (reset_on_triple_fault=0), which
# ends Bochs instead of rebooting into the program again.
bochs_once() {  # bochs_once <tag>
  local tag="$1" t0 t1 c0 c1
  b_log="$work/bochs-$tag"
  child_cpu; c0=$cpu_now; t0=$(now)
  (cd "$work" && bochs -q -f "$tag.bochsrc" "${bochs_dbg[@]}") \
    < <(:) >"$b_log.out" 2>"$b_log.err" || true
  t1=$(now); child_cpu; c1=$cpu_now
  b_time=$(elapsed "$t0" "$t1")
  b_cpu=$(elapsed "$c0" "$c1")
  b_sum=$(checksum_of "$b_log.out")
  # The debugger's last line starts with "(0).[ticks]": Bochs's own count.
  b_ticks=$(sed -n 's/^(0)\.\[\([0-9]*\)\].*/\1/p' "$b_log.out" | tail -n1)
  if ! grep -aq 'Shutdown port: shutdown requested' "$b_log.out" "$b_log.err" || [ -z "$b_sum" ]; then
    echo "$prog: bochs did not finish cleanly; its output:" >&2
    tail -n 20 "$b_log.out" "$b_log.err" >&2
    exit 1
  fi
}

# ----------------------------------------------------------------------------
# Results table: name, instructions, wall seconds, CPU seconds.

table_header() {
  printf '%-24s %14s %9s %9s %9s %9s\n' "" "guest insns" "wall s" "MIPS" "cpu s" "MIPS/cpu"
}
table_row() {  # table_row <name> <instructions> <wall s> <cpu s>
  awk -v n="$1" -v i="$2" -v s="$3" -v c="$4" 'BEGIN {
    printf "%-24s %14s %9.2f %9.1f %9.2f %9.1f\n", n, i, s, (s > 0 ? i / s / 1e6 : 0), c, (c > 0 ? i / c / 1e6 : 0) }'
}
table_ratio() {  # table_ratio <name> <wall a> <wall b> <cpu a> <cpu b>: b / a
  awk -v n="$1" -v a="$2" -v b="$3" -v ac="$4" -v bc="$5" 'BEGIN {
    printf "%-24s %14s %9s %8.2fx %9s %8.2fx\n", n, "", "", (a > 0 ? b / a : 0), "", (ac > 0 ? bc / ac : 0) }'
}

# Compares Amber's and Bochs's checksums ($a_sum, $b_sum) with each other and
# with the known value $1 (empty: none known); sets status=1 on a mismatch.
check_checksums() {  # check_checksums <known>
  local want="$1" who got
  for who in amber bochs; do
    if [ "$who" = amber ]; then ((do_amber)) || continue; got=$a_sum
    else ((do_bochs)) || continue; got=$b_sum; fi
    if [ -n "$want" ] && [ "$got" != "$want" ]; then
      echo "$prog: $who's checksum $got differs from the known value $want" >&2
      status=1
    fi
  done
  if ((do_amber && do_bochs)) && [ "$a_sum" != "$b_sum" ]; then
    echo "$prog: CHECKSUM MISMATCH: amber $a_sum, bochs $b_sum" >&2
    status=1
  fi
}

# Bochs's own instruction count for the workload ($b_ticks minus the empty
# run's $e_ticks) and its best wall and CPU seconds: sets bochs_own, insns, b_secs, b_cpus.
bochs_figures() {
  bochs_own=""
  if ((do_bochs)) && [ -n "$b_ticks" ] && [ -n "$e_ticks" ]; then bochs_own=$((b_ticks - e_ticks)); fi
  insns="${a_ticks:-$bochs_own}"
  b_secs="" b_cpus=""
  if ((do_bochs)); then
    b_secs=$(elapsed "$best_e" "$best_b")
    b_cpus=$(elapsed "$cpu_e" "$cpu_b")
  fi
}
