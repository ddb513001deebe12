#include "frontend/monitor/parse.hpp"

#include <array>
#include <cctype>

#include <fmt/format.h>

namespace amber::monitor {

std::vector<std::string> split_words(std::string_view line) {
    std::vector<std::string> words;
    std::string word;
    for (char ch : line) {
        if (std::isspace(static_cast<unsigned char>(ch))) {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
        } else {
            word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

std::optional<uint64_t> parse_number(std::string_view text) {
    unsigned base = 16;
    if (text.starts_with('#')) {
        base = 10;
        text.remove_prefix(1);
    } else if (text.starts_with("0x") || text.starts_with("0X")) {
        text.remove_prefix(2);
    }
    if (text.empty()) return std::nullopt;
    uint64_t value = 0;
    for (char ch : text) {
        unsigned digit;
        if (ch >= '0' && ch <= '9') digit = static_cast<unsigned>(ch - '0');
        else if (base == 16 && ch >= 'a' && ch <= 'f') digit = static_cast<unsigned>(ch - 'a' + 10);
        else if (base == 16 && ch >= 'A' && ch <= 'F') digit = static_cast<unsigned>(ch - 'A' + 10);
        else return std::nullopt;
        if (value > (~uint64_t(0) - digit) / base) return std::nullopt;  // would overflow
        value = value * base + digit;
    }
    return value;
}

uint64_t parse_value(std::string_view text, const NameLookup& names, std::string_view what, uint64_t max) {
    std::optional<uint64_t> value;
    if (names) {
        if (auto reg = names(text)) value = *reg;
    }
    if (!value) value = parse_number(text);
    if (!value) throw CommandError(fmt::format("'{}' is not a number or a register ({})", text, what));
    if (*value > max) throw CommandError(fmt::format("{} {:X} is too large (at most {:X})", what, *value, max));
    return *value;
}

std::optional<int> segment_register_index(std::string_view name) {
    static constexpr std::array<std::string_view, 6> kNames = {"es", "cs", "ss", "ds", "fs", "gs"};
    for (size_t i = 0; i < kNames.size(); ++i)
        if (name == kNames[i]) return static_cast<int>(i);
    return std::nullopt;
}

Address parse_address(std::string_view text, const NameLookup& names) {
    Address a;
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
        a.offset = static_cast<uint32_t>(parse_value(text, names, "address"));
        return a;
    }
    const std::string_view seg = text.substr(0, colon);
    if (auto sr = segment_register_index(seg)) a.segment_register = *sr;
    else if (auto n = parse_number(seg); n && *n <= 0xFFFF) a.segment = static_cast<uint16_t>(*n);
    else throw CommandError(fmt::format("'{}' is not a segment register or a 16-bit segment/selector", seg));
    a.offset = static_cast<uint32_t>(parse_value(text.substr(colon + 1), names, "offset"));
    return a;
}

}  // namespace amber::monitor
