// The monitor's command-line syntax (frontend/monitor/parse.*): words,
// numbers (hex by default, #decimal), register names and SEG:OFF addresses.
#include <catch2/catch.hpp>

#include "frontend/monitor/parse.hpp"

using namespace amber::monitor;

namespace {
// Stands in for the CPU: two registers.
std::optional<uint32_t> fake_registers(std::string_view name) {
    if (name == "eax") return 0x12345678u;
    if (name == "sp") return 0x7000u;
    return std::nullopt;
}
}  // namespace

TEST_CASE("monitor parse: words are split on blanks and lowercased") {
    CHECK(split_words("") == std::vector<std::string>{});
    CHECK(split_words("   \t ") == std::vector<std::string>{});
    CHECK(split_words("X  CS:EIP\t10") == std::vector<std::string>{"x", "cs:eip", "10"});
    CHECK(split_words(" step ") == std::vector<std::string>{"step"});
}

TEST_CASE("monitor parse: numbers are hex, 0x optional, # for decimal") {
    CHECK(parse_number("10") == 0x10u);
    CHECK(parse_number("0x10") == 0x10u);
    CHECK(parse_number("0XfF") == 0xFFu);
    CHECK(parse_number("#10") == 10u);
    CHECK(parse_number("#0") == 0u);
    CHECK(parse_number("ffffffffffffffff") == ~uint64_t(0));
    CHECK(parse_number("#18446744073709551615") == ~uint64_t(0));
    // Not numbers: empty, a bare prefix, stray characters, hex digits after #, overflow.
    CHECK_FALSE(parse_number(""));
    CHECK_FALSE(parse_number("#"));
    CHECK_FALSE(parse_number("0x"));
    CHECK_FALSE(parse_number("12g"));
    CHECK_FALSE(parse_number("-1"));
    CHECK_FALSE(parse_number("#1a"));
    CHECK_FALSE(parse_number("10000000000000000"));
    CHECK_FALSE(parse_number("#18446744073709551616"));
}

TEST_CASE("monitor parse: a value is a number or a register, within its range") {
    CHECK(parse_value("eax", fake_registers, "address") == 0x12345678u);
    CHECK(parse_value("ff", fake_registers, "vector", 0xFF) == 0xFFu);
    CHECK(parse_value("ff", nullptr, "vector", 0xFF) == 0xFFu);
    CHECK_THROWS_WITH(parse_value("100", fake_registers, "vector", 0xFF), "vector 100 is too large (at most FF)");
    CHECK_THROWS_WITH(parse_value("ebx", fake_registers, "address"),
                      "'ebx' is not a number or a register (address)");
    CHECK_THROWS_AS(parse_value("", fake_registers, "count"), CommandError);
}

TEST_CASE("monitor parse: addresses are plain values or SEG:OFF") {
    Address plain = parse_address("fffffff0", fake_registers);
    CHECK_FALSE(plain.has_segment());
    CHECK(plain.offset == 0xFFFFFFF0u);

    Address by_register = parse_address("ss:sp", fake_registers);
    REQUIRE(by_register.segment_register);
    CHECK(*by_register.segment_register == 2);  // SS
    CHECK_FALSE(by_register.segment);
    CHECK(by_register.offset == 0x7000u);

    Address by_number = parse_address("f000:fff0", fake_registers);
    CHECK(by_number.segment == uint16_t(0xF000));
    CHECK_FALSE(by_number.segment_register);
    CHECK(by_number.offset == 0xFFF0u);

    CHECK(parse_address("#8:#16", fake_registers).segment == uint16_t(8));
    CHECK(parse_address("#8:#16", fake_registers).offset == 16u);

    CHECK_THROWS_WITH(parse_address("10000:0", fake_registers),
                      "'10000' is not a segment register or a 16-bit segment/selector");
    CHECK_THROWS_AS(parse_address(":10", fake_registers), CommandError);
    CHECK_THROWS_AS(parse_address("cs:", fake_registers), CommandError);
    CHECK_THROWS_AS(parse_address("cs:zz", fake_registers), CommandError);
    CHECK_THROWS_AS(parse_address("1:2:3", fake_registers), CommandError);
}

TEST_CASE("monitor parse: segment register names") {
    CHECK(segment_register_index("es") == 0);
    CHECK(segment_register_index("cs") == 1);
    CHECK(segment_register_index("gs") == 5);
    CHECK_FALSE(segment_register_index("eax"));
    CHECK_FALSE(segment_register_index("CS"));  // words arrive lowercased
}
