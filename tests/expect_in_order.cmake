# expect_in_order(<subject> <file> <transcript> [<cpu>]): the file holds one
# regular expression per line (blank lines and lines starting with '#' are
# skipped); they must all match <subject> one after another, in order. "@CPU@"
# in a line stands for <cpu>. A miss stops the script with <transcript>.
# Shared by tests/guest/run_amber.cmake and tests/boot/boot_run.cmake.
function(expect_in_order subject file transcript)
  set(cpu "${ARGV3}")
  file(STRINGS "${file}" patterns)
  set(rest "${subject}")
  foreach(pattern IN LISTS patterns)
    if(pattern STREQUAL "" OR pattern MATCHES "^#")
      continue()
    endif()
    string(REPLACE "@CPU@" "${cpu}" pattern "${pattern}")
    string(REGEX MATCH "${pattern}" found "${rest}")
    if(found STREQUAL "")
      message(FATAL_ERROR "no match for '${pattern}' (after the previous ones)\n${transcript}")
    endif()
    # Continue after the match, so the expectations are checked in order.
    string(FIND "${rest}" "${found}" at)
    string(LENGTH "${found}" len)
    math(EXPR after "${at} + ${len}")
    string(SUBSTRING "${rest}" ${after} -1 rest)
  endforeach()
endfunction()
