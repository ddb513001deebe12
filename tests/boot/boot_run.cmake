# Runs `amber` once on a PC and judges the outcome. Media and bad inputs are
# prepared fresh for every run, so tests can be rerun and run in parallel.
#   cmake -DAMBER=<exe> [-DRUNNER=<emulator>] -DARGS="run ..." -P boot_run.cmake
# Preparation (before the run):
#   -DCOPY="src>dst;..."        fresh copies of pristine images
#   -DMAKE_FILE="path:bytes;..."  files of that many bytes (0: empty)
#   -DMAKE_DIR=path              a directory where an image is expected
#   -DREAD_ONLY=path             chmod 444
#   -DNO_ACCESS=path             chmod 000
#   -DAS_NOBODY=1                when root (whom chmod does not stop), run
#                                amber as uid/gid 65534 through setpriv
# Judgement:
#   -DEXPECT_RC=n (default 0)  -DEXPECT=<file of regexes, in order, on stdout>
#   -DSTDERR_REGEX=re  -DSTDERR_ONE_LINE=1 (stderr is exactly one line)
#   -DSCREEN=<dump file> -DSCREEN_REGEX=re   (--screen-dump given in ARGS)
#   -DREGION="file:offset:text:repeat"  bytes at offset equal text x repeat
#   -DSAME_REGION="file:ref:offset:length"  equal bytes in both files
#   -DSAME_FILE="file:ref"      byte-identical files
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/../empty_input.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/../expect_in_order.cmake)
if(NOT DEFINED RUN_TIMEOUT)
  set(RUN_TIMEOUT 60)  # wall seconds for the amber run (-DRUN_TIMEOUT=n)
endif()
if(NOT DEFINED EXPECT_RC)
  set(EXPECT_RC 0)
endif()

foreach(pair IN LISTS COPY)
  string(REPLACE ">" ";" pair "${pair}")
  list(GET pair 0 src)
  list(GET pair 1 dst)
  if(EXISTS "${dst}")
    file(CHMOD "${dst}" PERMISSIONS OWNER_READ OWNER_WRITE)
  endif()
  file(COPY_FILE "${src}" "${dst}")
endforeach()
foreach(spec IN LISTS MAKE_FILE)
  string(REPLACE ":" ";" spec "${spec}")
  list(GET spec 0 path)
  list(GET spec 1 bytes)
  string(REPEAT "x" ${bytes} content)
  file(WRITE "${path}" "${content}")
endforeach()
if(DEFINED MAKE_DIR)
  file(MAKE_DIRECTORY "${MAKE_DIR}")
endif()
if(DEFINED READ_ONLY)
  file(CHMOD "${READ_ONLY}" PERMISSIONS OWNER_READ GROUP_READ WORLD_READ)
endif()
if(DEFINED NO_ACCESS)
  execute_process(COMMAND chmod 000 "${NO_ACCESS}" COMMAND_ERROR_IS_FATAL ANY)  # file(CHMOD) wants a permission
endif()
if(DEFINED SCREEN)
  file(REMOVE "${SCREEN}")
endif()

separate_arguments(args UNIX_COMMAND "${ARGS}")
separate_arguments(runner UNIX_COMMAND "${RUNNER}")
if(AS_NOBODY)
  execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(uid STREQUAL "0")
    find_program(SETPRIV setpriv REQUIRED)
    list(PREPEND runner ${SETPRIV} --reuid=65534 --regid=65534 --clear-groups)
  endif()
endif()
execute_process(COMMAND ${runner} ${AMBER} ${args}
  INPUT_FILE ${EMPTY_INPUT}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc
  TIMEOUT ${RUN_TIMEOUT})

set(transcript "---- amber ${ARGS}: status ${rc}\n---- stdout:\n${out}\n---- stderr:\n${err}")
if(NOT rc STREQUAL "${EXPECT_RC}")
  message(FATAL_ERROR "expected exit status ${EXPECT_RC}\n${transcript}")
endif()
if(DEFINED STDERR_REGEX AND NOT err MATCHES "${STDERR_REGEX}")
  message(FATAL_ERROR "stderr does not match '${STDERR_REGEX}'\n${transcript}")
endif()
if(STDERR_ONE_LINE AND NOT err MATCHES "^[^\n]+\n$")
  message(FATAL_ERROR "stderr is not exactly one line\n${transcript}")
endif()

if(DEFINED EXPECT)
  expect_in_order("${out}" "${EXPECT}" "${transcript}")
endif()

if(DEFINED SCREEN)
  if(NOT EXISTS "${SCREEN}")
    message(FATAL_ERROR "no screen dump '${SCREEN}'\n${transcript}")
  endif()
  file(READ "${SCREEN}" screen)
  if(NOT screen MATCHES "${SCREEN_REGEX}")
    message(FATAL_ERROR "screen does not match '${SCREEN_REGEX}'\n${transcript}\n---- screen:\n${screen}")
  endif()
endif()

# Hashes rather than raw reads: file(READ) stops at NUL bytes in text mode.
function(region_hash path offset length outvar)
  file(READ "${path}" hex OFFSET ${offset} LIMIT ${length} HEX)
  string(LENGTH "${hex}" got)
  math(EXPR want "${length} * 2")
  if(NOT got EQUAL want)
    message(FATAL_ERROR "'${path}' is too short for ${length} bytes at ${offset}")
  endif()
  string(SHA256 h "${hex}")
  set(${outvar} ${h} PARENT_SCOPE)
endfunction()

if(DEFINED REGION)
  string(REPLACE ":" ";" spec "${REGION}")
  list(GET spec 0 path)
  list(GET spec 1 offset)
  list(GET spec 2 text)
  list(GET spec 3 repeat)
  string(REPEAT "${text}" ${repeat} want)
  string(HEX "${want}" want_hex)
  string(SHA256 want_hash "${want_hex}")
  string(LENGTH "${want}" length)
  region_hash("${path}" ${offset} ${length} got_hash)
  if(NOT got_hash STREQUAL want_hash)
    file(READ "${path}" got_hex OFFSET ${offset} LIMIT 64 HEX)
    message(FATAL_ERROR "'${path}' at ${offset}: not '${text}' x ${repeat} (starts ${got_hex})\n${transcript}")
  endif()
endif()

if(DEFINED SAME_REGION)
  string(REPLACE ":" ";" spec "${SAME_REGION}")
  list(GET spec 0 path)
  list(GET spec 1 ref)
  list(GET spec 2 offset)
  list(GET spec 3 length)
  region_hash("${path}" ${offset} ${length} a)
  region_hash("${ref}" ${offset} ${length} b)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "'${path}' differs from '${ref}' in ${length} bytes at ${offset}\n${transcript}")
  endif()
endif()

if(DEFINED SAME_FILE)
  string(REPLACE ":" ";" spec "${SAME_FILE}")
  list(GET spec 0 path)
  list(GET spec 1 ref)
  file(SHA256 "${path}" a)
  file(SHA256 "${ref}" b)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "'${path}' is not byte-identical to '${ref}'\n${transcript}")
  endif()
endif()
