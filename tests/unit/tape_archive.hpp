// An Archive for device tests: records the visited fields in order, then
// plays them back into another object (a save/load round trip in memory).
#pragma once
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "machine/archive.hpp"

namespace amber::test {

class TapeArchive final : public Archive {
public:
    bool loading() const override { return loading_; }
    void field(std::string_view, uint8_t& v) override { io(&v, 1); }
    void field(std::string_view, uint16_t& v) override { io(&v, 2); }
    void field(std::string_view, uint32_t& v) override { io(&v, 4); }
    void field(std::string_view, uint64_t& v) override { io(&v, 8); }
    void bytes(std::string_view, std::span<uint8_t> data) override { io(data.data(), data.size()); }
    void rewind_for_loading() {
        loading_ = true;
        pos_ = 0;
    }
    size_t size() const { return tape_.size(); }

private:
    void io(void* p, size_t n) {
        if (loading_) {
            if (pos_ + n > tape_.size()) return;  // a short tape leaves the field alone
            std::memcpy(p, tape_.data() + pos_, n);
            pos_ += n;
        } else {
            auto* b = static_cast<uint8_t*>(p);
            tape_.insert(tape_.end(), b, b + n);
        }
    }
    std::vector<uint8_t> tape_;
    size_t pos_ = 0;
    bool loading_ = false;
};

}  // namespace amber::test
