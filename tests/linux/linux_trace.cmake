# The default guest's boot trace as a CI regression: Linux booted directly to
# its shell prompt is recorded, and check replays it (the serial input the
# script typed is in the trace); a second recording with one more kernel
# argument diverges, and trace diff names the first event that differs.
#   cmake -DAMBER=<exe> [-DRUNNER=...] -DGUEST=<dir> -DWORK=<dir> -P linux_trace.cmake
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/../empty_input.cmake)
separate_arguments(runner UNIX_COMMAND "${RUNNER}")
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
function(amber_run)
  execute_process(COMMAND ${runner} ${AMBER} ${ARGN} INPUT_FILE ${EMPTY_INPUT}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 500)
  set(rc ${rc} PARENT_SCOPE)
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()
function(record file append)
  amber_run(trace record -o ${file} ${ARGN} --checkpoint-log2 26 -m 64 -display none
            -kernel ${GUEST}/vmlinuz -initrd ${GUEST}/initrd.img -append "${append}"
            --step "wait serial \"amber:/# \" 150s" --step "send serial \"uname -m\\n\""
            --step "wait serial \"i686\" 5s" --step "stop 0")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "trace record failed (${rc}):\n${out}${err}")
  endif()
endfunction()
set(base "console=ttyS0 cryptomgr.notests quiet")
# The first recording also proves the dirty log misses no written page.
record(${WORK}/boot.trc "${base}" --verify-dirty-log)
amber_run(trace check ${WORK}/boot.trc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "events match")
  message(FATAL_ERROR "trace check of the Linux boot failed (${rc}):\n${out}${err}")
endif()
message(STATUS "${out}")
record(${WORK}/other.trc "${base} amber.test=1")
amber_run(trace diff ${WORK}/boot.trc ${WORK}/other.trc)
if(NOT rc EQUAL 1 OR NOT out MATCHES "first difference at event [0-9]+")
  message(FATAL_ERROR "trace diff did not name where the boots diverge (${rc}):\n${out}${err}")
endif()
message(STATUS "${out}")
