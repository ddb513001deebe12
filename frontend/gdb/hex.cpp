#include "frontend/gdb/hex.hpp"

namespace amber::gdb {

namespace {
constexpr char kDigits[] = "0123456789abcdef";
}

std::optional<uint8_t> hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<uint8_t>(c - 'A' + 10);
    return std::nullopt;
}

void append_hex_byte(std::string& out, uint8_t byte) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xF];
}

std::string to_hex(std::span<const uint8_t> bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (uint8_t b : bytes) append_hex_byte(out, b);
    return out;
}

std::string to_hex_le(uint32_t value) {
    std::string out;
    for (int i = 0; i < 4; ++i) append_hex_byte(out, static_cast<uint8_t>(value >> (8 * i)));
    return out;
}

std::optional<std::vector<uint8_t>> from_hex(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    std::vector<uint8_t> bytes;
    bytes.reserve(text.size() / 2);
    for (size_t i = 0; i < text.size(); i += 2) {
        auto hi = hex_digit_value(text[i]);
        auto lo = hex_digit_value(text[i + 1]);
        if (!hi || !lo) return std::nullopt;
        bytes.push_back(static_cast<uint8_t>(*hi << 4 | *lo));
    }
    return bytes;
}

std::optional<uint64_t> parse_hex_number(std::string_view text) {
    if (text.empty()) return std::nullopt;
    uint64_t value = 0;
    for (char c : text) {
        auto d = hex_digit_value(c);
        if (!d || value >> 60 != 0) return std::nullopt;  // not a digit, or 64 bits would overflow
        value = value << 4 | *d;
    }
    return value;
}

std::optional<uint32_t> parse_hex_u32(std::string_view text) {
    auto v = parse_hex_number(text);
    if (!v || *v > 0xFFFFFFFFu) return std::nullopt;
    return static_cast<uint32_t>(*v);
}

}  // namespace amber::gdb
