// The target description gdb reads with qXfer:features:read:target.xml:
// which registers exist, their sizes and types, in the order of the 'g'
// packet (the Reg enumeration).
#pragma once
#include <string_view>

namespace amber::gdb {

std::string_view target_description_xml();

}  // namespace amber::gdb
