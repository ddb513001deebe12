# Records a run as a boot trace and checks it: the replay must match event
# for event and checkpoint for checkpoint.
#   cmake -DAMBER=<exe> [-DRUNNER=...] -DTRACE=<file> -DARGS="<machine options>" -P record_check.cmake
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/../empty_input.cmake)
separate_arguments(runner UNIX_COMMAND "${RUNNER}")
separate_arguments(args UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${runner} ${AMBER} trace record --verify-dirty-log -o ${TRACE} ${args} INPUT_FILE ${EMPTY_INPUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "trace record failed (${rc}):\n${out}${err}")
endif()
execute_process(COMMAND ${runner} ${AMBER} trace check ${TRACE} INPUT_FILE ${EMPTY_INPUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
if(NOT rc EQUAL 0 OR NOT out MATCHES "events match")
  message(FATAL_ERROR "trace check failed (${rc}):\n${out}${err}")
endif()
message(STATUS "${out}")
