# Runs amber once and judges the outcome:
#   cmake -DAMBER=<exe> [-DRUNNER=<emulator>] -DARGS="run --cpu 8086" [-DINPUT=<stdin file>]
#         [-DEXPECT=<file>] [-DCPU=<name>] [-DSERIAL_FILE=<path>]
#         [-DEXPECT_RC=<status>] [-DSTDERR_REGEX=<regex>] [-DREJECT_REGEX=<regex>]
#         -P run_amber.cmake
# EXPECT holds one regular expression per line (blank lines and lines
# starting with '#' are skipped); they must all match stdout -- or the
# contents of SERIAL_FILE, if given -- one after another, in order. "@CPU@"
# in a line stands for CPU. REJECT_REGEX must not match stdout anywhere.
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/../empty_input.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/../expect_in_order.cmake)
if(NOT DEFINED EXPECT_RC)
  set(EXPECT_RC 0)
endif()
if(NOT DEFINED INPUT OR INPUT STREQUAL "")
  set(INPUT ${EMPTY_INPUT})
endif()
separate_arguments(args UNIX_COMMAND "${ARGS}")
separate_arguments(runner UNIX_COMMAND "${RUNNER}")  # e.g. qemu-user in a cross build

execute_process(COMMAND ${runner} ${AMBER} ${args}
  INPUT_FILE ${INPUT}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc
  TIMEOUT 60)

set(transcript "---- amber ${ARGS} < ${INPUT}: status ${rc}\n---- stdout:\n${out}\n---- stderr:\n${err}")
if(NOT rc STREQUAL "${EXPECT_RC}")
  message(FATAL_ERROR "expected exit status ${EXPECT_RC}\n${transcript}")
endif()
if(DEFINED STDERR_REGEX AND NOT err MATCHES "${STDERR_REGEX}")
  message(FATAL_ERROR "stderr does not match '${STDERR_REGEX}'\n${transcript}")
endif()

if(DEFINED REJECT_REGEX AND out MATCHES "${REJECT_REGEX}")
  message(FATAL_ERROR "stdout matches '${REJECT_REGEX}', which it must not\n${transcript}")
endif()

if(DEFINED EXPECT)
  set(subject "${out}")
  if(DEFINED SERIAL_FILE)
    file(READ "${SERIAL_FILE}" subject)
  endif()
  expect_in_order("${subject}" "${EXPECT}" "${transcript}\n---- checked:\n${subject}" "${CPU}")
endif()
