// The transcendental instructions: correctly rounded spot values (checked
// against a 700-bit reference), the special-operand tables, the
// out-of-range rule and the 66-bit pi reduction.
#include <catch2/catch.hpp>

#include "cpu/fpu/fpu.hpp"

using namespace amber::fpu;

namespace {

constexpr Float80 F(uint16_t se, uint64_t sig) { return Float80{sig, se}; }
Float80 num(int64_t v) { return from_int(v); }
Float80 ratio(int64_t a, int64_t b) {
    FpuEnv e;
    return div(num(a), num(b), e);
}

}  // namespace

TEST_CASE("transcendentals: correctly rounded spot values", "[fpu]") {
    FpuEnv e;
    CHECK(sin(num(1), e).value == F(0x3FFE, 0xD76AA47848677021));
    CHECK(cos(num(1), e).value == F(0x3FFE, 0x8A51407DA8345C92));
    const TrigPair t = tan(ratio(1, 2), e);
    CHECK(t.first == F(0x3FFE, 0x8BDA7ADF9A3A5219));
    CHECK(t.second == num(1));
    const TrigPair sc = sincos(num(1), e);
    CHECK(sc.first == F(0x3FFE, 0xD76AA47848677021));
    CHECK(sc.second == F(0x3FFE, 0x8A51407DA8345C92));
    CHECK(atan2(num(1), num(2), e) == F(0x3FFD, 0xED63382B0DDA7B45));
    CHECK(f2xm1(ratio(1, 2), e) == F(0x3FFD, 0xD413CCCFE7799211));
    CHECK(yl2x(num(3), num(10), e) == F(0x4002, 0x9F73DA38D9D4A83F));
    CHECK(yl2xp1(num(1), F(0x3FFF - 10, 0x8000000000000000), e) == F(0x3FF5, 0xB89329BA1FA2A0FD));
    CHECK(e.flags == exc::PE);
}

TEST_CASE("FSIN/FCOS/FPTAN: range, zeros, and the hardware's 66-bit pi", "[fpu]") {
    FpuEnv e;
    const Float80 two63 = F(0x3FFF + 63, 0x8000000000000000);
    Trig r = sin(two63, e);
    CHECK(r.out_of_range);
    CHECK(r.value == two63);
    CHECK(cos(chs(two63), e).out_of_range);
    CHECK(tan(two63, e).out_of_range);
    CHECK(e.flags == 0);
    CHECK_FALSE(sin(F(0x3FFF + 62, 0xFFFFFFFFFFFFFFFF), e).out_of_range);

    e = FpuEnv{};
    CHECK(sin(zero(true), e).value == zero(true));
    CHECK(cos(zero(true), e).value == num(1));
    CHECK(tan(zero(true), e).first == zero(true));
    CHECK(e.flags == 0);
    CHECK(sin(infinity(false), e).value == kIndefinite);
    CHECK(e.flags == exc::IE);
    e = FpuEnv{};
    const TrigPair nan = sincos(F(0x7FFF, 0xC000000000000001), e);
    CHECK(nan.first == F(0x7FFF, 0xC000000000000001));
    CHECK(nan.second == F(0x7FFF, 0xC000000000000001));
    CHECK(tan(F(0x7FFF, 0xC000000000000001), e).second == F(0x7FFF, 0xC000000000000001));

    // FSIN(FLDPI): the pi constant minus the 66-bit pi is exactly 2^-64, so
    // the hardware answers -2^-64 (the exact sine is about -0.93 * 2^-64).
    e = FpuEnv{};
    CHECK(sin(constant(Constant::Pi, Rounding::Nearest), e).value == F(0xBFFF - 64, 0x8000000000000000));

    // sin of a tiny or denormal value rounds below it toward zero, with UE.
    e = FpuEnv{};
    e.rc = Rounding::Zero;
    CHECK(sin(F(0x0000, 0x1000), e).value == F(0x0000, 0x0FFF));
    CHECK(e.flags == (exc::DE | exc::UE | exc::PE));
}

TEST_CASE("FPATAN: the quadrant and special-operand table", "[fpu]") {
    FpuEnv e;
    const Float80 pi = constant(Constant::Pi, Rounding::Nearest);
    Float80 half_pi = pi, quarter_pi = pi;
    half_pi.se -= 1;
    quarter_pi.se -= 2;
    CHECK(atan2(zero(false), zero(true), e) == pi);
    CHECK(atan2(zero(true), zero(false), e) == zero(true));
    CHECK(atan2(zero(true), num(-3), e) == chs(pi));
    CHECK(atan2(num(1), zero(false), e) == half_pi);
    CHECK(atan2(num(-1), zero(true), e) == chs(half_pi));
    CHECK(atan2(infinity(false), num(7), e) == half_pi);
    CHECK(atan2(infinity(true), infinity(false), e) == chs(quarter_pi));
    CHECK(atan2(num(2), infinity(false), e) == zero(false));
    CHECK(atan2(num(-2), infinity(true), e) == chs(pi));
    CHECK(atan2(num(1), num(1), e) == quarter_pi);
    CHECK(atan2(num(1), num(-1), e) == F(0x4000, 0x96CBE3F9990E91A8));  // 3pi/4
}

TEST_CASE("F2XM1, FYL2X, FYL2XP1: exact cases and special operands", "[fpu]") {
    FpuEnv e;
    CHECK(f2xm1(num(1), e) == num(1));
    CHECK(f2xm1(num(-1), e) == ratio(-1, 2));
    CHECK(f2xm1(zero(true), e) == zero(true));
    CHECK(f2xm1(infinity(true), e) == num(-1));
    CHECK(yl2x(num(3), num(8), e) == num(9));
    CHECK(yl2x(num(-3), num(1), e) == zero(true));
    CHECK(yl2x(num(2), ratio(1, 4), e) == num(-4));
    CHECK(yl2x(infinity(false), ratio(1, 2), e) == infinity(true));
    CHECK(yl2x(num(-2), infinity(false), e) == infinity(true));
    CHECK(yl2xp1(num(5), zero(true), e) == zero(true));
    CHECK(e.flags == 0);

    CHECK(yl2x(num(1), zero(false), e) == infinity(true));
    CHECK(e.flags == exc::ZE);
    e = FpuEnv{};
    CHECK(yl2x(zero(false), zero(false), e) == kIndefinite);
    CHECK(e.flags == exc::IE);
    e = FpuEnv{};
    CHECK(yl2x(num(1), num(-2), e) == kIndefinite);
    CHECK(e.flags == exc::IE);
    e = FpuEnv{};
    CHECK(yl2x(infinity(false), num(1), e) == kIndefinite);
    CHECK(e.flags == exc::IE);
    e = FpuEnv{};
    CHECK(yl2xp1(infinity(false), zero(false), e) == kIndefinite);
    CHECK(e.flags == exc::IE);
}
