#include "cpu/fpu/float80.hpp"

namespace amber::fpu {

Float80 Float80::load(const uint8_t* bytes) {
    Float80 x;
    for (int i = 7; i >= 0; --i) x.sig = (x.sig << 8) | bytes[i];
    x.se = static_cast<uint16_t>(bytes[8] | (bytes[9] << 8));
    return x;
}

void Float80::store(uint8_t* bytes) const {
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(sig >> (8 * i));
    bytes[8] = static_cast<uint8_t>(se);
    bytes[9] = static_cast<uint8_t>(se >> 8);
}

}  // namespace amber::fpu
