# PC boot traces through the amber binary (SeaBIOS, a small IDE disk):
#   cmake -DAMBER=<exe> [-DRUNNER=...] -DWORK=<dir> -DMODE=<mode> -P pc_trace.cmake
# The disk is 1 MiB whose boot sector echoes each key it reads (INT 16h) to
# the debug console at port 0xE9.
# MODE:
#   roundtrip  a scripted boot (keys typed after "Booting from Hard Disk") is
#              recorded twice: byte-identical files; check replays the keys
#              without the script and passes; the trace holds the boot
#              sector's read, the keys and SeaBIOS's 0x402 output; the disk
#              file is unchanged
#   changed    one byte of the disk changed after recording: check names hda
#   keys       the same boot with other keys typed: trace diff names the
#              first keyboard input that differs
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/../empty_input.cmake)
separate_arguments(runner UNIX_COMMAND "${RUNNER}")
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(disk ${WORK}/disk.img)
# mov ah,0 / int 16h / out 0E9h,al / jmp back; 55 AA at the end of the sector.
execute_process(COMMAND sh -c "truncate -s 1M '${disk}' && \
printf '\\264\\000\\315\\026\\346\\351\\353\\370' | dd of='${disk}' bs=1 conv=notrunc status=none && \
printf '\\125\\252' | dd of='${disk}' bs=1 seek=510 conv=notrunc status=none" RESULT_VARIABLE xrc)
if(NOT xrc EQUAL 0)
  message(FATAL_ERROR "could not make the disk image")
endif()
file(SHA256 ${disk} disk_hash)

function(amber_ok)
  execute_process(COMMAND ${runner} ${AMBER} ${ARGN} INPUT_FILE ${EMPTY_INPUT}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(rc ${rc} PARENT_SCOPE)
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

function(record file keys)
  amber_ok(trace record -o ${file} --machine pc -hda ${disk} --debugcon file:${file}.con
           --biosdebug file:${file}.bios --max-time 5s
           --step "wait screen \"Booting from Hard Disk\" 3s" --step "send keys \"${keys}\""
           --step "wait debugcon \"${keys}\" 2s" --step "stop 0")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "trace record failed (${rc}):\n${out}${err}")
  endif()
  file(READ ${file}.con con)
  if(NOT con STREQUAL "${keys}")
    message(FATAL_ERROR "the boot sector echoed '${con}', not '${keys}'")
  endif()
endfunction()

set(trace ${WORK}/boot.trc)
record(${trace} "amber")

if(MODE STREQUAL "roundtrip")
  record(${trace}.again "amber")
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${trace} ${trace}.again RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    amber_ok(trace diff ${trace} ${trace}.again)
    message(FATAL_ERROR "two recordings of the same boot differ:\n${out}${err}")
  endif()
  amber_ok(trace check ${trace})
  if(NOT rc EQUAL 0 OR NOT out MATCHES "events match")
    message(FATAL_ERROR "trace check failed (${rc}):\n${out}${err}")
  endif()
  set(check_out "${out}")
  # The boot sector read, the keys typed and SeaBIOS's port 0x402 output are events.
  amber_ok(trace dump ${trace})
  foreach(want "disk request hda command [0-9A-F][0-9A-F] read LBA 0, 1 sectors" "input keyboard key [0-9A-F][0-9A-F] pressed"
          "output port 402 byte" "output debug port byte 61 'a'")
    if(NOT out MATCHES "${want}")
      message(FATAL_ERROR "the trace has no '${want}':\n${out}")
    endif()
  endforeach()
  file(SHA256 ${disk} after)
  if(NOT after STREQUAL disk_hash)
    message(FATAL_ERROR "record or check wrote to the disk image")
  endif()
  message(STATUS "${check_out}")
elseif(MODE STREQUAL "changed")
  execute_process(COMMAND sh -c "printf '\\001' | dd of='${disk}' bs=1 seek=4096 conv=notrunc status=none")
  amber_ok(trace check ${trace})
  if(rc EQUAL 0 OR NOT err MATCHES "image hda '[^']*disk.img' has changed since the trace was recorded")
    message(FATAL_ERROR "check did not name the changed disk (${rc}):\n${out}${err}")
  endif()
elseif(MODE STREQUAL "keys")
  record(${WORK}/other.trc "ambEr")
  amber_ok(trace diff ${trace} ${WORK}/other.trc)
  if(NOT rc EQUAL 1 OR NOT out MATCHES "first difference at event [0-9]+:\n  [^\n]*input keyboard")
    message(FATAL_ERROR "trace diff did not name the keyboard input (${rc}):\n${out}${err}")
  endif()
  message(STATUS "${out}")
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
