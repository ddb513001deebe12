# Turns a binary file into a C++ source defining a function that returns its
# bytes: cmake -DINPUT=<bin> -DOUTPUT=<cpp> -DFUNCTION=<name> -P embed.cmake
# The function is declared in roms/embedded.hpp, inside amber::roms.
foreach(var INPUT OUTPUT FUNCTION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed.cmake: ${var} is not set")
  endif()
endforeach()

file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
if(hex_len EQUAL 0)
  message(FATAL_ERROR "embed.cmake: ${INPUT} is empty")
endif()
# Two hex digits per byte -> "0x..,"; then break the lines every 16 bytes.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REPEAT "0x[0-9a-f][0-9a-f]," 16 sixteen)
string(REGEX REPLACE "(${sixteen})" "\\1\n    " bytes "${bytes}")
get_filename_component(input_name "${INPUT}" NAME)

file(WRITE "${OUTPUT}.tmp"
"// Generated from ${input_name} by roms/embed.cmake at build time; do not edit.
#include \"roms/embedded.hpp\"

namespace amber::roms {

namespace {
constexpr uint8_t kImage[] = {
    ${bytes}
};
}  // namespace

std::span<const uint8_t> ${FUNCTION}() { return kImage; }

}  // namespace amber::roms
")
# Only touch the output when it changed, so dependants do not rebuild needlessly.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
