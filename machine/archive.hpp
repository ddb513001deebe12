// One visitor for a component's state: the same visit() serves saving,
// loading, hashing (for traces) and showing state in the debugger. Fields are
// named, so formats built on it are versionable and byte-order independent.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "mmu/endian.hpp"

namespace amber {

class Archive {
public:
    virtual ~Archive() = default;
    virtual bool loading() const = 0;
    virtual void field(std::string_view name, uint8_t& v) = 0;
    virtual void field(std::string_view name, uint16_t& v) = 0;
    virtual void field(std::string_view name, uint32_t& v) = 0;
    virtual void field(std::string_view name, uint64_t& v) = 0;
    virtual void bytes(std::string_view name, std::span<uint8_t> data) = 0;
    void field(std::string_view name, bool& v) {
        uint8_t b = v;
        field(name, b);
        v = b != 0;
    }
};

// FNV-1a over every visited field (word-wise over byte blocks): a cheap, byte-order independent digest of
// a component's state (used by traces to spot divergence).
class HashArchive final : public Archive {
public:
    bool loading() const override { return false; }
    void field(std::string_view, uint8_t& v) override { mix(v, 1); }
    void field(std::string_view, uint16_t& v) override { mix(v, 2); }
    void field(std::string_view, uint32_t& v) override { mix(v, 4); }
    void field(std::string_view, uint64_t& v) override { mix(v, 8); }
    // Large blocks (video memory) are taken a little-endian word at a time:
    // eight times faster, and still the same on hosts of either byte order.
    void bytes(std::string_view, std::span<uint8_t> data) override {
        mix(data.size(), 8);
        size_t i = 0;
        for (; i + 8 <= data.size(); i += 8) {
            h_ = (h_ ^ load_le<uint64_t>(data.data() + i)) * 0xFF51AFD7ED558CCDull;
            h_ ^= h_ >> 29;
        }
        for (; i < data.size(); ++i) mix(data[i], 1);
    }
    uint64_t digest() const { return h_; }

private:
    void mix(uint64_t v, unsigned n) {
        for (unsigned i = 0; i < n; ++i) h_ = (h_ ^ ((v >> (8 * i)) & 0xFF)) * 0x100000001b3ull;
    }
    uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace amber
