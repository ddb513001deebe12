// Hex text as the remote protocol writes numbers and bytes. Parsers return
// nothing for malformed input instead of throwing: packets come from a
// socket, and bad ones get an error reply.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amber::gdb {

// 0..15 for a hex digit (either case), nothing otherwise.
std::optional<uint8_t> hex_digit_value(char c);

// Two lowercase digits per byte, in order.
std::string to_hex(std::span<const uint8_t> bytes);
void append_hex_byte(std::string& out, uint8_t byte);

// A value's bytes in little-endian order, as registers travel in 'g' and 'p'.
std::string to_hex_le(uint32_t value);

// An even number of hex digits back into bytes.
std::optional<std::vector<uint8_t>> from_hex(std::string_view text);

// A number in big-endian hex ("1f00"), as addresses, lengths and register
// numbers are written: at least one digit, no sign, no prefix, at most
// 64 bits of value (leading zeros are fine).
std::optional<uint64_t> parse_hex_number(std::string_view text);

// The same, limited to 32 bits (guest addresses and lengths).
std::optional<uint32_t> parse_hex_u32(std::string_view text);

}  // namespace amber::gdb
