// SHA-256 (FIPS 180-4), for naming the images a trace was recorded from.
// Byte-oriented and endian-independent.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace amber {

class Sha256 {
public:
    Sha256();
    void update(std::span<const uint8_t> data);
    std::array<uint8_t, 32> finish();  // the object must be reset before reuse

    static std::array<uint8_t, 32> of(std::span<const uint8_t> data);
    static std::string hex(const std::array<uint8_t, 32>& digest);

private:
    void block(const uint8_t* p);
    uint32_t h_[8];
    uint8_t buf_[64];
    size_t used_ = 0;
    uint64_t length_ = 0;  // bytes hashed so far
};

}  // namespace amber
