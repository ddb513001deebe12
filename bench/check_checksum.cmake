# Runs a benchmark ROM (realmode_mix or pm_mix) through Amber and checks that
# it exits with status 0 after printing the expected checksum on the debug
# console (port 0xE9).
#   cmake -DAMBER=<amber> -DCPU=<model> -DROM=<rom> -DEXPECTED=<hex>
#         [-DARGS="<more amber run options>"] -P check_checksum.cmake
include(${CMAKE_CURRENT_LIST_DIR}/../tests/empty_input.cmake)
foreach(var AMBER CPU ROM EXPECTED)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_checksum.cmake: ${var} is not set")
  endif()
endforeach()
separate_arguments(extra UNIX_COMMAND "${ARGS}")
get_filename_component(name ${ROM} NAME_WE)

execute_process(
  COMMAND ${AMBER} run --cpu ${CPU} --rom ${ROM} --serial none --debugcon stdio ${extra}
  INPUT_FILE ${EMPTY_INPUT}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  TIMEOUT 50)

string(REGEX MATCH "amber-bench checksum: ([0-9A-F]+)" found "${out}${err}")
set(got "${CMAKE_MATCH_1}")
if(NOT rc STREQUAL "0" OR NOT got STREQUAL EXPECTED)
  message(FATAL_ERROR
    "${name} on ${CPU}: exit status ${rc}, checksum '${got}', expected '${EXPECTED}'\n"
    "stdout:\n${out}\nstderr:\n${err}")
endif()
message(STATUS "${name} on ${CPU}: checksum ${got} as expected")
