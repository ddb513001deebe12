// The x87 core's conversions: integers at their boundaries, float32/float64
// loads and stores (denormals, overflow, underflow, NaNs), packed BCD.
#include <catch2/catch.hpp>

#include <cstring>

#include "cpu/fpu/fpu.hpp"

using namespace amber::fpu;

namespace {

constexpr Float80 F(uint16_t se, uint64_t sig) { return Float80{sig, se}; }

FpuEnv env_of(Rounding rc) {
    FpuEnv e;
    e.rc = rc;
    return e;
}

// Exactly representable values built from a 64-bit significand.
Float80 value(bool neg, int exp, uint64_t sig) { return F(static_cast<uint16_t>((neg ? 0x8000 : 0) | (0x3FFF + exp)), sig); }

}  // namespace

TEST_CASE("integers: loads are exact, stores round and saturate to the indefinite", "[fpu]") {
    CHECK(from_int(0) == zero(false));
    CHECK(from_int(-1) == value(true, 0, 0x8000000000000000));
    CHECK(from_int(INT64_MIN) == value(true, 63, 0x8000000000000000));
    CHECK(from_int(INT64_MAX) == value(false, 62, 0xFFFFFFFFFFFFFFFE));

    const Float80 k32767_5 = value(false, 14, 0xFFFF000000000000);   // 32767.5
    const Float80 km32768_5 = value(true, 15, 0x8000800000000000);   // -32768.5
    FpuEnv e = env_of(Rounding::Nearest);
    CHECK(to_int16(k32767_5, e) == INT16_MIN);  // rounds to 32768: out of range
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Zero);
    CHECK(to_int16(k32767_5, e) == 32767);
    CHECK(e.flags == exc::PE);
    e = env_of(Rounding::Nearest);
    CHECK(to_int16(km32768_5, e) == -32768);  // the tie goes to even
    CHECK(e.flags == exc::PE);
    CHECK_FALSE(e.c1);
    e = env_of(Rounding::Down);
    CHECK(to_int16(km32768_5, e) == INT16_MIN);
    CHECK(e.flags == exc::IE);

    e = env_of(Rounding::Nearest);
    CHECK(to_int64(value(true, 63, 0x8000000000000000), e) == INT64_MIN);
    CHECK(e.flags == 0);
    CHECK(to_int64(value(false, 63, 0x8000000000000000), e) == INT64_MIN);
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    CHECK(to_int32(value(false, 30, 0xFFFFFFFE00000000), e) == INT32_MAX);
    CHECK(e.flags == 0);

    struct Case {
        Rounding rc;
        Float80 x;
        int64_t want;
        bool c1;
    };
    const Case cases[] = {
        {Rounding::Nearest, value(false, -1, 0x8000000000000000), 0, false},   // 0.5
        {Rounding::Nearest, value(false, 0, 0xC000000000000000), 2, true},     // 1.5
        {Rounding::Nearest, value(false, 1, 0xA000000000000000), 2, false},    // 2.5
        {Rounding::Up, value(false, -4, 0xCCCCCCCCCCCCCCCD), 1, true},         // 0.1
        {Rounding::Down, value(true, -4, 0xCCCCCCCCCCCCCCCD), -1, true},       // -0.1
        {Rounding::Zero, value(true, 1, 0xF000000000000000), -3, false},       // -3.75
        {Rounding::Nearest, F(0x0000, 1), 0, false},                          // a denormal: no DE
    };
    for (const Case& c : cases) {
        e = env_of(c.rc);
        CHECK(to_int32(c.x, e) == c.want);
        CHECK(e.flags == exc::PE);
        CHECK(e.c1 == c.c1);
    }
    for (const Float80 bad : {infinity(false), kIndefinite, F(0x7FFF, 0x8000000000000001), F(0x3FFF, 0x1)}) {
        e = env_of(Rounding::Nearest);
        CHECK(to_int32(bad, e) == INT32_MIN);
        CHECK(e.flags == exc::IE);
    }
    e = env_of(Rounding::Up);
    CHECK(to_int(value(false, 0, 0xC000000000000000), 32, e, true) == 1);  // FISTTP truncates
}

TEST_CASE("float32/float64 loads: exact, denormals raise DE, SNaNs are quieted", "[fpu]") {
    FpuEnv e = env_of(Rounding::Nearest);
    CHECK(from_f32(0x3F800000, e) == value(false, 0, 0x8000000000000000));
    CHECK(from_f32(0xC0490FDB, e) == value(true, 1, 0xC90FDB0000000000));
    CHECK(from_f32(0x80000000, e) == zero(true));
    CHECK(from_f32(0xFF800000, e) == infinity(true));
    CHECK(e.flags == 0);
    CHECK(from_f32(0x00000001, e) == value(false, -149, 0x8000000000000000));
    CHECK(from_f64(0x000FFFFFFFFFFFFF, e) == value(false, -1023, 0xFFFFFFFFFFFFF000));
    CHECK(e.flags == exc::DE);
    e = env_of(Rounding::Nearest);
    CHECK(from_f32(0x7F800001, e) == F(0x7FFF, 0xC000010000000000));
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    CHECK(from_f64(0xFFF8000000000000, e) == kIndefinite);
    CHECK(e.flags == 0);
    // As an arithmetic operand the SNaN stays signaling and the denormal is
    // left for the operation to report.
    e = env_of(Rounding::Nearest);
    CHECK(from_f32(0x7F800001, e, true) == F(0x7FFF, 0x8000010000000000));
    CHECK(from_f32(0x00000001, e, true) == value(false, -149, 0x8000000000000000));
    CHECK(e.flags == 0);
    CHECK(e.operand_denormal);
    CHECK(add(from_int(1), from_f32(0x00000001, e, true), e) == from_int(1));
    CHECK(e.flags == (exc::DE | exc::PE));
}

TEST_CASE("float32/float64 stores: ties, overflow, underflow, NaNs", "[fpu]") {
    const Float80 one_plus_half_ulp = value(false, 0, 0x8000008000000000);  // 1 + 2^-24
    FpuEnv e = env_of(Rounding::Nearest);
    CHECK(to_f32(one_plus_half_ulp, e) == 0x3F800000);
    CHECK(e.flags == exc::PE);
    e = env_of(Rounding::Nearest);
    CHECK(to_f32(value(false, 0, 0x8000008000000001), e) == 0x3F800001);
    CHECK(e.c1);
    e = env_of(Rounding::Up);
    CHECK(to_f32(one_plus_half_ulp, e) == 0x3F800001);

    e = env_of(Rounding::Nearest);
    CHECK(to_f32(value(false, 128, 0x8000000000000000), e) == 0x7F800000);
    CHECK(e.flags == (exc::OE | exc::PE));
    e = env_of(Rounding::Zero);
    CHECK(to_f32(value(false, 128, 0x8000000000000000), e) == 0x7F7FFFFF);
    e = env_of(Rounding::Down);
    CHECK(to_f64(value(true, 1024, 0x8000000000000000), e) == 0xFFF0000000000000);

    // Underflow: an exact denormal raises nothing; inexact ones UE and PE.
    e = env_of(Rounding::Nearest);
    CHECK(to_f32(value(false, -149, 0x8000000000000000), e) == 0x00000001);
    CHECK(e.flags == 0);
    CHECK(to_f32(value(false, -150, 0x8000000000000000), e) == 0x00000000);  // a tie, to even
    CHECK(e.flags == (exc::UE | exc::PE));
    e = env_of(Rounding::Nearest);
    CHECK(to_f32(value(true, -150, 0xC000000000000000), e) == 0x80000001);
    CHECK(to_f64(value(false, -1075, 0xC000000000000000), e) == 0x0000000000000001);
    // Tininess after rounding: (1 - 2^-25) * 2^-126 rounds to the smallest
    // normal at 24 bits, so it is not tiny: PE alone.
    e = env_of(Rounding::Nearest);
    CHECK(to_f32(value(false, -127, 0xFFFFFF8000000000), e) == 0x00800000);
    CHECK(e.flags == exc::PE);
    // An extended denormal stores as zero without DE.
    e = env_of(Rounding::Nearest);
    CHECK(to_f64(F(0x0000, 0x1234), e) == 0);
    CHECK(e.flags == (exc::UE | exc::PE));

    e = env_of(Rounding::Nearest);
    CHECK(to_f32(F(0xFFFF, 0xC000000000001234), e) == 0xFFC00000);  // payload beyond float32: dropped
    CHECK(e.flags == 0);
    CHECK(to_f32(F(0x7FFF, 0x8000010000000000), e) == 0x7FC00001);
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    CHECK(to_f64(F(0x7FFF, 0x4000000000000000), e) == 0xFFF8000000000000);  // pseudo-NaN
    CHECK(e.flags == exc::IE);
    // Round trips.
    e = env_of(Rounding::Nearest);
    for (uint64_t bits : {0x3FB999999999999Au, 0x8000000000000001u, 0x7FEFFFFFFFFFFFFFu, 0x0010000000000000u})
        CHECK(to_f64(from_f64(bits, e), e) == bits);
}

TEST_CASE("packed BCD: 18 digits, sign byte, indefinite", "[fpu]") {
    const uint8_t digits[10] = {0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x12, 0x80};
    const Float80 x = from_bcd(digits);
    CHECK(x == from_int(-123456789012345678));
    FpuEnv e = env_of(Rounding::Nearest);
    uint8_t out[10] = {};
    to_bcd(x, e, out);
    CHECK(std::memcmp(out, digits, 10) == 0);
    CHECK(e.flags == 0);

    const uint8_t neg_zero[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80};
    CHECK(from_bcd(neg_zero) == zero(true));
    to_bcd(zero(true), e, out);
    CHECK(std::memcmp(out, neg_zero, 10) == 0);

    // 999..9 (18 nines) is the largest; 10^18 is invalid.
    to_bcd(from_int(999999999999999999), e, out);
    CHECK(out[8] == 0x99);
    CHECK(e.flags == 0);
    to_bcd(from_int(1000000000000000000), e, out);
    const uint8_t indefinite[10] = {0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF};
    CHECK(std::memcmp(out, indefinite, 10) == 0);
    CHECK(e.flags == exc::IE);

    // Rounded first: 2.5 -> 2 to nearest, 3 up.
    e = env_of(Rounding::Nearest);
    to_bcd(value(false, 1, 0xA000000000000000), e, out);
    CHECK(out[0] == 0x02);
    CHECK(e.flags == exc::PE);
    e = env_of(Rounding::Up);
    to_bcd(value(false, 1, 0xA000000000000000), e, out);
    CHECK(out[0] == 0x03);
    CHECK(e.c1);
}
