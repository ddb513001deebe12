// The target description gdb reads with qXfer:features:read:target.xml:
// which registers exist, their sizes and types, in the order of the 'g'
// packet (the Reg enumeration); with_sse adds xmm0-7 and mxcsr.
#pragma once
#include <string_view>

namespace amber::gdb {

std::string_view target_description_xml(bool with_sse = false);

}  // namespace amber::gdb
