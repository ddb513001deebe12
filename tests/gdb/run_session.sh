#!/usr/bin/env bash
# run_session.sh SERVER GDB_SCRIPT EXPECT OUT_DIR [RUNNER]
#
# Starts SERVER (gdb_fake_server) on a free port, runs Debian's gdb in batch
# mode against it with GDB_SCRIPT, sends gdb a SIGINT (Ctrl-C) once gdb
# printed "ready for the interrupt" and the server "guest running" (gdb is
# then waiting for the guest to stop), and checks gdb's output against EXPECT
# and the server's against EXPECT with .expect replaced by .server.expect.
# Output files are left in OUT_DIR. RUNNER (optional) runs the server, as
# qemu-user does in a cross build.
# Exit status: 0 pass, 1 fail, 77 skipped because gdb is not installed.
set -uo pipefail
server=$1 script=$2 expect=$3 out=$4 runner=${5:-}
server_expect=${expect%.expect}.server.expect

if ! command -v gdb >/dev/null; then
  echo "gdb is not installed (setup.sh installs it): skipping"
  exit 77
fi

fail() { echo "FAIL: $*"; status=1; }
status=0
mkdir -p "$out"
rm -f "$out/port" "$out/gdb.out" "$out/server.out"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null' EXIT

# Job control: background jobs get their own process group, where SIGINT is
# not ignored as it otherwise is for a script's background commands.
set -m

# shellcheck disable=SC2086  # RUNNER is a command line
$runner "$server" "$out/port" >"$out/server.out" 2>&1 &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 100); do
  [ -s "$out/port" ] && break
  sleep 0.05
done
[ -s "$out/port" ] || { echo "FAIL: the server did not start"; cat "$out/server.out"; exit 1; }
port=$(cat "$out/port")

# stdin is an empty pipe, not /dev/null: in some sandboxes (CI's) that is a
# plain file other processes write into.
gdb -batch -nx -ex 'set architecture i386' -ex "target remote 127.0.0.1:$port" -x "$script" \
  >"$out/gdb.out" 2>&1 < <(:) &
gdb_pid=$!
pids+=("$gdb_pid")

# Ctrl-C once the guest runs; and a time limit for the whole session.
interrupted=0
for _ in $(seq 300); do
  kill -0 "$gdb_pid" 2>/dev/null || break
  if ((!interrupted)) && grep -q "^ready for the interrupt" "$out/gdb.out" &&
     grep -q "^guest running" "$out/server.out"; then
    kill -INT "$gdb_pid"
    interrupted=1
  fi
  sleep 0.05
done
if kill -0 "$gdb_pid" 2>/dev/null; then
  fail "gdb still running after 15 s"
  kill -KILL "$gdb_pid"
fi
wait "$gdb_pid"
gdb_status=$?
((gdb_status == 0)) || fail "gdb exited with status $gdb_status"

# The server ends with the session.
for _ in $(seq 100); do
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.05
done
kill -0 "$server_pid" 2>/dev/null && fail "the server did not end with the session"
wait "$server_pid" || fail "the server exited with status $?"

# Each pattern must match a line after the one the previous pattern matched.
check() {  # check OUTPUT_FILE EXPECT_FILE
  local -a lines
  mapfile -t lines <"$1"
  local i=0 pattern
  while IFS= read -r pattern; do
    [[ -z $pattern || $pattern == \#* ]] && continue
    while ((i < ${#lines[@]})) && ! [[ ${lines[i]} =~ $pattern ]]; do i=$((i + 1)); done
    if ((i == ${#lines[@]})); then
      fail "$(basename "$1"): no line matching /$pattern/ (in order)"
      return
    fi
    i=$((i + 1))
  done <"$2"
}
check "$out/gdb.out" "$expect"
check "$out/server.out" "$server_expect"

if ((status)); then
  echo "--- gdb output ($out/gdb.out)"
  cat "$out/gdb.out"
  echo "--- server output ($out/server.out)"
  cat "$out/server.out"
else
  echo "gdb session passed"
fi
exit $status
