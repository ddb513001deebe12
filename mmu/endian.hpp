// Little-endian loads and stores for guest memory and device registers.
// Guest memory is little-endian on every host; these helpers are the only way
// multi-byte guest values are read or written, so big-endian hosts just work.
#pragma once
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

namespace amber {

// std::byteswap is C++23; this portable version compiles to one instruction on
// hosts that have one.
template <typename T>
constexpr T byteswap_value(T v) {
    T r = 0;
    for (unsigned i = 0; i < sizeof(T); ++i) r = static_cast<T>((r << 8) | ((v >> (8 * i)) & 0xFF));
    return r;
}

template <typename T>
inline T load_le(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));  // memcpy: no alignment or aliasing assumptions
    if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) v = byteswap_value(v);
    return v;
}

template <typename T>
inline void store_le(uint8_t* p, T v) {
    if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) v = byteswap_value(v);
    std::memcpy(p, &v, sizeof(T));
}

// Appends v's little-endian bytes: file formats and firmware tables built
// in a byte vector.
template <typename T>
inline void append_le(std::vector<uint8_t>& out, T v) {
    uint8_t bytes[sizeof(T)];
    store_le<T>(bytes, v);
    out.insert(out.end(), bytes, bytes + sizeof(T));
}

}  // namespace amber
