// Big-endian fields of SCSI commands and replies, and CD addresses (MSF).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace amber::scsi {

inline uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t be24(const uint8_t* p) { return uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2]; }
inline uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | be24(p + 1); }

inline void put_be16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}
inline void put_be32(uint8_t* p, uint32_t v) {
    put_be16(p, uint16_t(v >> 16));
    put_be16(p + 2, uint16_t(v));
}

// Minute/second/frame of a logical block: LBA 0 is 00:02:00 (the 150-frame
// pregap), 75 frames a second. Minutes past 255 (beyond any CD) saturate.
struct Msf {
    uint8_t m, s, f;
};
inline Msf lba_to_msf(uint64_t lba) {
    uint64_t frames = lba + 150;
    uint64_t m = frames / (75 * 60);
    return {uint8_t(m > 255 ? 255 : m), uint8_t(frames / 75 % 60), uint8_t(frames % 75)};
}
inline int64_t msf_to_lba(uint8_t m, uint8_t s, uint8_t f) { return (int64_t(m) * 60 + s) * 75 + f - 150; }

// A reply being built: appends big-endian fields.
struct Reply {
    std::vector<uint8_t> bytes;
    void u8(uint8_t v) { bytes.push_back(v); }
    void u16(uint16_t v) { u8(uint8_t(v >> 8)), u8(uint8_t(v)); }
    void u32(uint32_t v) { u16(uint16_t(v >> 16)), u16(uint16_t(v)); }
    void zeros(size_t n) { bytes.insert(bytes.end(), n, 0); }
    size_t size() const { return bytes.size(); }
};

}  // namespace amber::scsi
