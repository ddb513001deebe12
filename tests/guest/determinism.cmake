# The same input must give the same run: runs amber three times -- stdin a
# file twice, then a pipe -- and compares the tick counts from --stats and
# the output.
#   cmake -DAMBER=<exe> -DARGS="run --cpu 8086" -DINPUT=<file> -P determinism.cmake
cmake_minimum_required(VERSION 3.25)
separate_arguments(args UNIX_COMMAND "${ARGS}")
separate_arguments(runner UNIX_COMMAND "${RUNNER}")  # e.g. qemu-user in a cross build

function(run_once how out_ticks out_stdout)
  if(how STREQUAL "pipe")
    execute_process(COMMAND cat ${INPUT} COMMAND ${runner} ${AMBER} ${args} --stats
      OUTPUT_VARIABLE out ERROR_VARIABLE err RESULTS_VARIABLE rcs TIMEOUT 60)
    list(GET rcs 1 rc)
  else()
    execute_process(COMMAND ${runner} ${AMBER} ${args} --stats INPUT_FILE ${INPUT}
      OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 60)
  endif()
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "amber ${ARGS} (stdin: ${how}) exited with ${rc}\n${out}\n${err}")
  endif()
  if(NOT err MATCHES "ticks ([0-9]+)")
    message(FATAL_ERROR "no tick count in --stats output:\n${err}")
  endif()
  set(${out_ticks} ${CMAKE_MATCH_1} PARENT_SCOPE)
  set(${out_stdout} "${out}" PARENT_SCOPE)
endfunction()

run_once(file ticks1 out1)
run_once(file ticks2 out2)
run_once(pipe ticks3 out3)
message(STATUS "ticks: ${ticks1} ${ticks2} ${ticks3}")
if(NOT ticks1 EQUAL ticks2 OR NOT ticks1 EQUAL ticks3)
  message(FATAL_ERROR "tick counts differ: ${ticks1}, ${ticks2} (file), ${ticks3} (pipe)")
endif()
if(NOT out1 STREQUAL out2 OR NOT out1 STREQUAL out3)
  message(FATAL_ERROR "output differs between runs:\n${out1}\n----\n${out2}\n----\n${out3}")
endif()
