// FRNDINT, FSCALE, FXTRACT, FPREM/FPREM1 and the constants.
#include <catch2/catch.hpp>

#include "cpu/fpu/fpu.hpp"

using namespace amber::fpu;

namespace {

constexpr Float80 F(uint16_t se, uint64_t sig) { return Float80{sig, se}; }

FpuEnv env_of(Rounding rc, Precision pc = Precision::Extended) {
    FpuEnv e;
    e.rc = rc;
    e.pc = pc;
    return e;
}

Float80 value(bool neg, int exp, uint64_t sig) { return F(static_cast<uint16_t>((neg ? 0x8000 : 0) | (0x3FFF + exp)), sig); }
Float80 num(int64_t v) { return from_int(v); }
Float80 half(int64_t twice) {
    FpuEnv e;
    return div(from_int(twice), from_int(2), e);
}

}  // namespace

TEST_CASE("FRNDINT rounds by RC at full precision", "[fpu]") {
    struct Case {
        Rounding rc;
        int64_t twice;  // the operand is twice / 2
        Float80 want;
        bool inexact;
    };
    const Case cases[] = {
        {Rounding::Nearest, 5, num(2), true},   {Rounding::Nearest, 7, num(4), true},
        {Rounding::Down, -5, num(-3), true},    {Rounding::Up, 1, num(1), true},
        {Rounding::Zero, -7, num(-3), true},    {Rounding::Nearest, -1, zero(true), true},
        {Rounding::Nearest, 10, num(5), false},
    };
    for (const Case& c : cases) {
        FpuEnv e = env_of(c.rc);
        CHECK(round_to_int(half(c.twice), e) == c.want);
        CHECK(e.flags == (c.inexact ? exc::PE : 0));
    }
    // The precision control does not apply: 2^30 + 0.5 at 24 bits.
    FpuEnv e = env_of(Rounding::Up, Precision::Single);
    CHECK(round_to_int(value(false, 30, 0x8000000100000000), e) == value(false, 30, 0x8000000200000000));
    CHECK(e.c1);
    e = env_of(Rounding::Nearest);
    CHECK(round_to_int(value(false, 70, 0x8000000000000001), e) == value(false, 70, 0x8000000000000001));
    CHECK(round_to_int(infinity(true), e) == infinity(true));
    CHECK(e.flags == 0);
    CHECK(round_to_int(F(0x0000, 1), e) == zero(false));
    CHECK(e.flags == (exc::DE | exc::PE));
}

TEST_CASE("FSCALE: truncated scale, the infinity table, overflow and underflow", "[fpu]") {
    const Float80 three_point_seven = value(false, 1, 0xECCCCCCCCCCCCCCD);
    FpuEnv e = env_of(Rounding::Nearest);
    CHECK(scale(num(1), three_point_seven, e) == num(8));
    CHECK(scale(num(-3), chs(three_point_seven), e) == value(true, -2, 0xC000000000000000));
    CHECK(scale(num(5), value(false, -1, 0x8000000000000000), e) == num(5));  // trunc(0.5) = 0
    CHECK(e.flags == 0);
    CHECK(scale(num(5), infinity(true), e) == zero(false));
    CHECK(scale(num(-5), infinity(false), e) == infinity(true));
    CHECK(scale(infinity(true), num(-100), e) == infinity(true));
    CHECK(scale(zero(true), num(100), e) == zero(true));
    CHECK(e.flags == 0);
    CHECK(scale(zero(false), infinity(false), e) == kIndefinite);
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    CHECK(scale(infinity(false), infinity(true), e) == kIndefinite);
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    CHECK(scale(num(1), num(20000), e) == infinity(false));
    CHECK(e.flags == (exc::OE | exc::PE));
    e = env_of(Rounding::Nearest);
    CHECK(scale(num(3), num(-16445), e) == F(0x0000, 3));  // exact: no flags
    CHECK(e.flags == 0);
    CHECK(scale(num(3), num(-16446), e) == F(0x0000, 2));  // 1.5 denormal ulps: a tie, to even
    CHECK(e.flags == (exc::UE | exc::PE));
    e = env_of(Rounding::Nearest);
    CHECK(scale(num(1), value(false, 40, 0x8000000000000000), e) == infinity(false));
    // The precision control does not apply.
    e = env_of(Rounding::Nearest, Precision::Single);
    CHECK(scale(value(false, 0, 0xFFFFFFFFFFFFFFFF), num(1), e) == value(false, 1, 0xFFFFFFFFFFFFFFFF));
}

TEST_CASE("FXTRACT splits exponent and significand", "[fpu]") {
    FpuEnv e = env_of(Rounding::Nearest);
    Extracted r = extract(num(-10), e);
    CHECK(r.exponent == num(3));
    CHECK(r.significand == value(true, 0, 0xA000000000000000));
    CHECK(e.flags == 0);
    r = extract(F(0x0000, 1), e);
    CHECK(r.exponent == num(-16445));
    CHECK(r.significand == num(1));
    CHECK(e.flags == exc::DE);
    e = env_of(Rounding::Nearest);
    r = extract(zero(true), e);
    CHECK(r.exponent == infinity(true));
    CHECK(r.significand == zero(true));
    CHECK(e.flags == exc::ZE);
    e = env_of(Rounding::Nearest);
    r = extract(infinity(true), e);
    CHECK(r.exponent == infinity(false));
    CHECK(r.significand == infinity(true));
    CHECK(e.flags == 0);
}

TEST_CASE("FPREM and FPREM1: quotient bits, ties, huge exponent differences", "[fpu]") {
    FpuEnv e = env_of(Rounding::Nearest);
    Remainder r = prem(num(7), num(3), e);  // q = 2
    CHECK(r.value == num(1));
    CHECK(r.condition == kC3);
    CHECK(r.condition_mask == kConditionMask);
    r = prem1(num(8), num(3), e);  // q = 3, r = -1
    CHECK(r.value == num(-1));
    CHECK(r.condition == (kC3 | kC1));
    r = prem(num(-7), num(3), e);
    CHECK(r.value == num(-1));
    r = prem(num(13), num(-3), e);  // q = 4: C0
    CHECK(r.value == num(1));
    CHECK(r.condition == kC0);
    r = prem1(half(15), num(3), e);  // 7.5 / 3 = 2.5: the even quotient 2
    CHECK(r.value == half(3));
    r = prem1(half(9), num(3), e);  // 4.5 / 3 = 1.5: quotient 2
    CHECK(r.value == half(-3));
    r = prem1(num(2), num(3), e);  // exponent difference -1: 2/3 rounds to 1
    CHECK(r.value == num(-1));
    CHECK(r.condition == kC1);
    r = prem(num(6), num(3), e);
    CHECK(r.value == zero(false));
    r = prem(num(-6), num(3), e);
    CHECK(r.value == zero(true));
    CHECK(e.flags == 0);

    // 3 * 2^15999 mod 5 = 4: each partial step (C2) takes 32 to 63 off the
    // exponent difference, until a complete one.
    const Float80 big = value(false, 16000, 0xC000000000000000);
    for (const bool ieee : {false, true}) {
        Float80 x = big;
        int steps = 0;
        for (;;) {
            r = ieee ? prem1(x, num(5), e) : prem(x, num(5), e);
            x = r.value;
            ++steps;
            if (!(r.condition & kC2)) break;
            CHECK((r.condition & (kC0 | kC1 | kC3)) == 0);
            REQUIRE(steps < 1000);
        }
        CHECK(steps > 16000 / 64);
        CHECK(steps < 16000 / 32);
        CHECK(x == num(ieee ? -1 : 4));
    }
    // Difference 63 completes; 64 is partial.
    r = prem(value(false, 63, 0xFFFFFFFFFFFFFFFF), num(1), e);
    CHECK_FALSE(r.condition & kC2);
    r = prem(value(false, 64, 0xFFFFFFFFFFFFFFFF), num(1), e);
    CHECK(r.condition == kC2);

    // Invalid: C1 and C2 cleared, C0 and C3 left alone.
    e = env_of(Rounding::Nearest);
    r = prem(num(1), zero(false), e);
    CHECK(r.value == kIndefinite);
    CHECK(r.condition_mask == (kC1 | kC2));
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    r = prem(infinity(false), num(1), e);
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    r = prem(num(5), infinity(true), e);  // finite % infinity = the dividend
    CHECK(r.value == num(5));
    CHECK(e.flags == 0);
}

TEST_CASE("constants: rounded by RC from 66 bits, no flags", "[fpu]") {
    CHECK(constant(Constant::Pi, Rounding::Nearest) == F(0x4000, 0xC90FDAA22168C235));
    CHECK(constant(Constant::Pi, Rounding::Down) == F(0x4000, 0xC90FDAA22168C234));
    CHECK(constant(Constant::Pi, Rounding::Up) == F(0x4000, 0xC90FDAA22168C235));
    CHECK(constant(Constant::Pi, Rounding::Zero) == F(0x4000, 0xC90FDAA22168C234));
    CHECK(constant(Constant::Log2Ten, Rounding::Nearest) == F(0x4000, 0xD49A784BCD1B8AFE));
    CHECK(constant(Constant::Log2Ten, Rounding::Up) == F(0x4000, 0xD49A784BCD1B8AFF));
    CHECK(constant(Constant::Log2E, Rounding::Nearest) == F(0x3FFF, 0xB8AA3B295C17F0BC));
    CHECK(constant(Constant::Log2E, Rounding::Zero) == F(0x3FFF, 0xB8AA3B295C17F0BB));
    CHECK(constant(Constant::Log10Two, Rounding::Nearest) == F(0x3FFD, 0x9A209A84FBCFF799));
    CHECK(constant(Constant::LnTwo, Rounding::Down) == F(0x3FFE, 0xB17217F7D1CF79AB));
    CHECK(constant(Constant::One, Rounding::Up) == num(1));
    CHECK(constant(Constant::Zero, Rounding::Down) == zero(false));
}
