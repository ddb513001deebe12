// The lazy flags must agree with a straightforward eager computation.
#include <catch2/catch.hpp>

#include "cpu/flags.hpp"

using amber::Flags;
namespace flag = amber::flag;

namespace {
uint32_t eager_add(uint8_t a, uint8_t b, bool carry_in, bool sub) {
    unsigned full = sub ? unsigned(a) - b - carry_in : unsigned(a) + b + carry_in;
    uint8_t r = uint8_t(full);
    int sfull = sub ? int(int8_t(a)) - int8_t(b) - carry_in : int(int8_t(a)) + int8_t(b) + carry_in;
    uint32_t f = 0;
    if (full & 0x100) f |= flag::CF;
    if (sfull < -128 || sfull > 127) f |= flag::OF;
    if ((a ^ b ^ r) & 0x10) f |= flag::AF;
    if (r == 0) f |= flag::ZF;
    if (r & 0x80) f |= flag::SF;
    if (Flags::parity_even(r)) f |= flag::PF;
    return f;
}
}  // namespace

TEST_CASE("lazy ADD/ADC/SUB/SBB flags match eager evaluation for every 8-bit operand pair") {
    for (unsigned carry = 0; carry < 2; ++carry) {
        for (unsigned sub = 0; sub < 2; ++sub) {
            for (unsigned a = 0; a < 256; ++a) {
                for (unsigned b = 0; b < 256; ++b) {
                    Flags f;
                    uint8_t r = sub ? uint8_t(a - b - carry) : uint8_t(a + b + carry);
                    f.lazy<uint8_t>(sub ? Flags::Op::Sub : Flags::Op::Add, uint8_t(a), uint8_t(b), r);
                    uint32_t want = eager_add(uint8_t(a), uint8_t(b), carry, sub);
                    if ((f.get() & flag::ARITH) != want) {
                        INFO("a=" << a << " b=" << b << " carry=" << carry << " sub=" << sub);
                        REQUIRE((f.get() & flag::ARITH) == want);
                    }
                }
            }
        }
    }
}

TEST_CASE("INC and DEC keep the carry flag") {
    Flags f;
    f.set(0x2 | flag::CF);
    f.lazy<uint16_t>(Flags::Op::Inc, 0x7FFF, 1, 0x8000);
    CHECK(f.cf());
    CHECK(f.of());
    CHECK(f.sf());
    f.lazy<uint16_t>(Flags::Op::Dec, 0x0001, 1, 0x0000);
    CHECK(f.cf());  // still the carry from before the INC
    CHECK(f.zf());
    CHECK_FALSE(f.of());
}

TEST_CASE("logic results clear CF and OF and materialise into the flags word") {
    Flags f;
    f.set(0x2 | flag::CF | flag::OF | flag::DF);
    f.lazy<uint32_t>(Flags::Op::Logic, 0xF0, 0x0F, 0x00);
    CHECK(f.get() == (0x2 | flag::DF | flag::ZF | flag::PF));
}
