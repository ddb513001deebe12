// The monitor's command-line syntax, apart from any machine so it can be
// tested alone.
//
// A command is words separated by blanks. Numbers are hexadecimal, with or
// without 0x; a leading # makes one decimal (#100 is 0x64). Where a value
// is expected, a register name stands for its current value (eax, sp, cr2...).
// An address is a value (a linear or physical address, depending on the
// command) or SEG:OFF, where SEG is a number or a segment register name.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace amber::monitor {

// A mistake in a command: reported as one line, and the monitor goes on.
struct CommandError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Blank-separated words, lowercased (commands and register names are not
// case-sensitive, and neither are hex digits).
std::vector<std::string> split_words(std::string_view line);

// A number in the convention above; nothing when the text is not one
// (empty, a stray character, more than 64 bits).
std::optional<uint64_t> parse_number(std::string_view text);

// Resolves register names to values; nothing for a name it does not know.
using NameLookup = std::function<std::optional<uint32_t>(std::string_view name)>;

// A number or a register name, at most `max`. Throws CommandError naming
// `what` ("address", "count"...) when it is neither or too large.
uint64_t parse_value(std::string_view text, const NameLookup& names, std::string_view what,
                     uint64_t max = 0xFFFFFFFFu);

// SEG:OFF or a plain value.
struct Address {
    std::optional<int> segment_register;  // SEG named a segment register (ES=0 .. GS=5)
    std::optional<uint16_t> segment;      // SEG given as a number (a selector, or a real-mode segment)
    uint32_t offset = 0;                  // OFF, or the whole value when there is no SEG
    bool has_segment() const { return segment_register || segment; }
};
Address parse_address(std::string_view text, const NameLookup& names);

// es, cs, ss, ds, fs, gs -> 0..5 (the CPU's SegReg order).
std::optional<int> segment_register_index(std::string_view name);

}  // namespace amber::monitor
