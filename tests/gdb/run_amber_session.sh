#!/usr/bin/env bash
# run_amber_session.sh AMBER ROM GDB_SCRIPT EXPECT OUT_DIR [RUNNER [CPU]]
#
# Starts `amber run -S --gdb tcp::0` on ROM, on a 486 unless CPU names
# another model (it waits for gdb before the first instruction and says on
# stderr which port it listens on), runs
# Debian's gdb in batch mode against it with GDB_SCRIPT, and checks gdb's
# output against EXPECT: one extended regular expression per line, matched
# in order. Exit status: 0 pass, 1 fail, 77 skipped because gdb is missing.
set -uo pipefail
amber=$1 rom=$2 script=$3 expect=$4 out=$5 runner=${6:-} cpu=${7:-486}
command -v gdb >/dev/null || { echo "gdb is not installed (setup.sh installs it): skipping"; exit 77; }
mkdir -p "$out"
rm -f "$out/amber.err" "$out/gdb.out"

# stdin is an empty pipe, not /dev/null: in some sandboxes (CI's) that is a
# plain file other processes write into.
# shellcheck disable=SC2086  # RUNNER is a command line
$runner "$amber" run --cpu "$cpu" --rom "$rom" --serial none --debugcon none -S --gdb tcp::0 \
  < <(:) >"$out/amber.out" 2>"$out/amber.err" &
amber_pid=$!
trap 'kill "$amber_pid" 2>/dev/null' EXIT
port=""
for _ in $(seq 200); do
  port=$(sed -n 's/^amber: gdb server on [^:]*:\([0-9]*\).*/\1/p' "$out/amber.err")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "FAIL: amber did not start its gdb server"; cat "$out/amber.err"; exit 1; }

timeout 60 gdb -batch -nx -ex 'set architecture i386' -ex "target remote 127.0.0.1:$port" -x "$script" \
  >"$out/gdb.out" 2>&1 < <(:)
gdb_status=$?
wait "$amber_pid"
amber_status=$?
trap - EXIT

status=0
((gdb_status == 0)) || { echo "FAIL: gdb exited with status $gdb_status"; status=1; }
((amber_status == 0)) || { echo "FAIL: amber exited with status $amber_status"; status=1; }
# Each expected line must match, in order.
line_no=0
while IFS= read -r want; do
  [ -z "$want" ] && continue
  found=0
  while IFS= read -r got; do
    line_no=$((line_no + 1))
    if [[ "$got" =~ $want ]]; then found=1; break; fi
  done < <(tail -n +"$((line_no + 1))" "$out/gdb.out")
  ((found)) || { echo "FAIL: no line matching '$want' (in order)"; status=1; break; }
done <"$expect"
if ((status)); then
  echo "--- gdb output:"; cat "$out/gdb.out"
  echo "--- amber stderr:"; cat "$out/amber.err"
fi
exit $status
