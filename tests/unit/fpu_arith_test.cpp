// The x87 core's basic arithmetic: rounding ties in every mode, precision
// control, overflow and underflow with masked and unmasked responses,
// invalid operations, NaN propagation, and the 128-bit helpers under it.
#include <catch2/catch.hpp>

#include "cpu/fpu/fpu.hpp"
#include "cpu/fpu/internal.hpp"
#include "cpu/fpu/u128.hpp"

using namespace amber::fpu;

namespace {

constexpr Float80 F(uint16_t se, uint64_t sig) { return Float80{sig, se}; }

FpuEnv env_of(Rounding rc, Precision pc = Precision::Extended, uint8_t masks = exc::kAll) {
    FpuEnv e;
    e.rc = rc;
    e.pc = pc;
    e.masks = masks;
    return e;
}

constexpr Rounding kModes[4] = {Rounding::Nearest, Rounding::Down, Rounding::Up, Rounding::Zero};

const Float80 kOne = F(0x3FFF, 0x8000000000000000);
const Float80 kTwo = F(0x4000, 0x8000000000000000);
const Float80 kThree = F(0x4000, 0xC000000000000000);
const Float80 kHalfUlpOfOne = F(0x3FFF - 64, 0x8000000000000000);  // 2^-64
const Float80 kMaxFinite = F(0x7FFE, 0xFFFFFFFFFFFFFFFF);
const Float80 kMinNormal = F(0x0001, 0x8000000000000000);
const Float80 kMinDenormal = F(0x0000, 0x0000000000000001);

// A tiny deterministic generator for the randomized checks.
struct Lcg {
    uint64_t s;
    uint64_t next() {
        s = s * 6364136223846793005u + 1442695040888963407u;
        uint64_t x = s;
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9u;
        return x ^ (x >> 32);
    }
};

}  // namespace

TEST_CASE("u128: products and quotients agree with bit-by-bit references", "[fpu]") {
    Lcg g{42};
    for (int i = 0; i < 2000; ++i) {
        const uint64_t a = g.next(), b = g.next() | (i & 1 ? 0 : 0x8000000000000000u);
        const U128 p = mul64(a, b);
        // Reference: shift-and-add.
        U128 ref{};
        for (int bit = 0; bit < 64; ++bit)
            if ((b >> bit) & 1) ref = add128(ref, shl128(U128{0, a}, static_cast<unsigned>(bit)));
        REQUIRE(p == ref);

        // (hi:lo) / d with hi < d, against restoring division.
        const uint64_t d = b ? b : 1;
        const uint64_t hi = g.next() % d, lo = g.next();
        uint64_t r;
        const uint64_t q = div128(hi, lo, d, &r);
        U128 rem{0, 0};
        uint64_t qref = 0;
        for (int bit = 127; bit >= 0; --bit) {
            const bool carry = rem.lo >> 63;
            rem = shl128(rem, 1);
            rem.lo |= ((bit >= 64 ? hi >> (bit - 64) : lo >> bit) & 1);
            qref <<= 1;
            if (carry || rem.hi || rem.lo >= d) {
                rem = sub128(rem, U128{0, d});
                qref |= 1;
            }
        }
        REQUIRE(q == qref);
        REQUIRE(r == rem.lo);
    }
    CHECK(shr128_sticky(U128{0, 0x3}, 1) == U128{0, 0x1});
    CHECK(shr128_sticky(U128{0, 0x2}, 1) == U128{0, 0x1});
    CHECK(shr128_sticky(U128{1, 0}, 200) == U128{0, 1});
    CHECK(shr128_sticky(U128{0x8000000000000000u, 0}, 64) == U128{0, 0x8000000000000000u});
}

TEST_CASE("u128: the square root step agrees with the digit-by-digit method", "[fpu]") {
    Lcg g{7};
    for (int i = 0; i < 3000; ++i) {
        U128 m{g.next() | 0x4000000000000000u, g.next()};
        if (i & 1) m.hi |= 0x8000000000000000u;
        if (i % 7 == 0) m.lo = 0;               // perfect squares and near misses
        if (i % 11 == 0) m = mul64(m.hi, m.hi);  // an exact square (when normalized)
        if (!(m.hi >> 62)) continue;
        U128 r{};
        uint64_t root = 0;
        for (int k = 63; k >= 0; --k) {
            r = shl128(r, 2);
            r.lo |= (k >= 32 ? m.hi >> (2 * k - 64) : m.lo >> (2 * k)) & 3;
            U128 trial = shl128(U128{0, root}, 2);
            trial.lo |= 1;
            root <<= 1;
            if (r >= trial) {
                r = sub128(r, trial);
                root |= 1;
            }
        }
        U128 rem;
        REQUIRE(detail::isqrt128(m, &rem) == root);
        REQUIRE(rem == r);
    }
    U128 rem;
    CHECK(detail::isqrt128(U128{~uint64_t{0}, ~uint64_t{0}}, &rem) == ~uint64_t{0});
    CHECK(rem == U128{1, 0xFFFFFFFFFFFFFFFEu});
}

TEST_CASE("Float80: memory image and classes", "[fpu]") {
    const uint8_t bytes[10] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88, 0xFF, 0x3F};
    const Float80 x = Float80::load(bytes);
    CHECK(x.sig == 0x8807060504030201u);
    CHECK(x.se == 0x3FFF);
    uint8_t out[10] = {};
    x.store(out);
    for (int i = 0; i < 10; ++i) CHECK(out[i] == bytes[i]);

    CHECK(classify(F(0x0000, 0)) == FpClass::Zero);
    CHECK(classify(F(0x8000, 0)) == FpClass::Zero);
    CHECK(classify(F(0x0000, 1)) == FpClass::Denormal);
    CHECK(classify(F(0x0000, 0x8000000000000001)) == FpClass::PseudoDenormal);
    CHECK(classify(kOne) == FpClass::Normal);
    CHECK(classify(F(0x3FFF, 0x4000000000000000)) == FpClass::Unnormal);
    CHECK(classify(F(0x7FFF, 0x8000000000000000)) == FpClass::Infinity);
    CHECK(classify(F(0x7FFF, 0xC000000000000000)) == FpClass::QNaN);
    CHECK(classify(F(0x7FFF, 0x8000000000000001)) == FpClass::SNaN);
    CHECK(classify(F(0x7FFF, 0)) == FpClass::PseudoInfinity);
    CHECK(classify(F(0x7FFF, 0x4000000000000000)) == FpClass::PseudoNaN);
    CHECK(tag_of(kOne) == 0);
    CHECK(tag_of(F(0x8000, 0)) == 1);
    CHECK(tag_of(kMinDenormal) == 2);
    CHECK(tag_of(kIndefinite) == 2);
}

TEST_CASE("add: a tie at 64 bits in every rounding mode", "[fpu]") {
    // 1 + 2^-64 lies halfway between 1 and 1 + 2^-63.
    struct Want {
        Rounding rc;
        bool neg;
        uint64_t sig;
        bool c1;
    };
    const Want wants[] = {
        {Rounding::Nearest, false, 0x8000000000000000, false}, {Rounding::Nearest, true, 0x8000000000000000, false},
        {Rounding::Down, false, 0x8000000000000000, false},    {Rounding::Down, true, 0x8000000000000001, true},
        {Rounding::Up, false, 0x8000000000000001, true},       {Rounding::Up, true, 0x8000000000000000, false},
        {Rounding::Zero, false, 0x8000000000000000, false},    {Rounding::Zero, true, 0x8000000000000000, false},
    };
    for (const Want& w : wants) {
        FpuEnv e = env_of(w.rc);
        const Float80 a = w.neg ? chs(kOne) : kOne, b = w.neg ? chs(kHalfUlpOfOne) : kHalfUlpOfOne;
        const Float80 r = add(a, b, e);
        INFO("rc " << int(w.rc) << " negative " << w.neg);
        CHECK(r == F(w.neg ? 0xBFFF : 0x3FFF, w.sig));
        CHECK(e.flags == exc::PE);
        CHECK(e.c1 == w.c1);
    }
    // Ties go to even: (1 + 2^-63) + 2^-64 rounds up to 1 + 2^-62.
    FpuEnv e = env_of(Rounding::Nearest);
    CHECK(add(F(0x3FFF, 0x8000000000000001), kHalfUlpOfOne, e) == F(0x3FFF, 0x8000000000000002));
    CHECK(e.c1);
    // Just above the tie rounds up even toward an odd result.
    e = env_of(Rounding::Nearest);
    CHECK(add(kOne, F(0x3FFF - 64, 0x8000000000000001), e) == F(0x3FFF, 0x8000000000000001));
}

TEST_CASE("precision control rounds the significand of arithmetic results", "[fpu]") {
    struct Want {
        Precision pc;
        Rounding rc;
        uint64_t sig;
    };
    // 1/3 = 1.0101...b * 2^-2.
    const Want wants[] = {
        {Precision::Single, Rounding::Nearest, 0xAAAAAB0000000000},
        {Precision::Single, Rounding::Zero, 0xAAAAAA0000000000},
        {Precision::Double, Rounding::Nearest, 0xAAAAAAAAAAAAA800},
        {Precision::Double, Rounding::Up, 0xAAAAAAAAAAAAB000},
        {Precision::Extended, Rounding::Nearest, 0xAAAAAAAAAAAAAAAB},
        {Precision::Extended, Rounding::Down, 0xAAAAAAAAAAAAAAAA},
    };
    for (const Want& w : wants) {
        FpuEnv e = env_of(w.rc, w.pc);
        CHECK(div(kOne, kThree, e) == F(0x3FFD, w.sig));
        CHECK(e.flags == exc::PE);
    }
    // A tie at 24 bits: 1 + 2^-24 -> 1 (even); 1 + 2^-23 + 2^-24 -> 1 + 2^-22.
    FpuEnv e = env_of(Rounding::Nearest, Precision::Single);
    CHECK(add(kOne, F(0x3FFF - 24, 0x8000000000000000), e) == kOne);
    CHECK(add(F(0x3FFF, 0x8000010000000000), F(0x3FFF - 24, 0x8000000000000000), e) == F(0x3FFF, 0x8000020000000000));
    // x + 0 is rounded too; the exponent range stays extended.
    e = env_of(Rounding::Nearest, Precision::Single);
    CHECK(add(F(0x3FFF, 0xFFFFFFFFFFFFFFFF), zero(false), e) == kTwo);
    // ...and the exponent keeps the extended range: 2^200 * 2^200 at 24 bits.
    e = env_of(Rounding::Nearest, Precision::Single);
    CHECK(mul(F(0x3FFF + 200, 0x8000000000000000), F(0x3FFF + 200, 0x8000000000000000), e) ==
          F(0x3FFF + 400, 0x8000000000000000));
    CHECK(e.flags == 0);
}

TEST_CASE("overflow: infinity or the largest finite value by rounding mode", "[fpu]") {
    for (const Rounding rc : kModes) {
        for (const bool neg : {false, true}) {
            FpuEnv e = env_of(rc);
            const Float80 r = mul(neg ? chs(kMaxFinite) : kMaxFinite, kTwo, e);
            const bool to_inf = rc == Rounding::Nearest || (rc == Rounding::Up && !neg) || (rc == Rounding::Down && neg);
            INFO("rc " << int(rc) << " negative " << neg);
            CHECK(r == (to_inf ? infinity(neg) : (neg ? chs(kMaxFinite) : kMaxFinite)));
            CHECK(e.flags == (exc::OE | exc::PE));
            CHECK(e.c1 == to_inf);
        }
    }
    // The largest finite value at 24 bits of precision.
    FpuEnv e = env_of(Rounding::Zero, Precision::Single);
    CHECK(mul(kMaxFinite, kTwo, e) == F(0x7FFE, 0xFFFFFF0000000000));
    // Rounding up into overflow: max + half an ulp.
    e = env_of(Rounding::Nearest);
    CHECK(add(kMaxFinite, F(0x7FFE - 64, 0x8000000000000000), e) == infinity(false));
    CHECK(e.flags == (exc::OE | exc::PE));
    // Unmasked: the exponent comes back by 24576 and the result is delivered.
    e = env_of(Rounding::Nearest, Precision::Extended, exc::kAll & ~exc::OE);
    CHECK(mul(kMaxFinite, kTwo, e) == F(0x7FFF - 24576, 0xFFFFFFFFFFFFFFFF));
    CHECK(e.flags == exc::OE);
    CHECK(e.unmasked() == exc::OE);
    CHECK_FALSE(e.suppressed);
}

TEST_CASE("underflow: denormal boundaries, tininess after rounding, UE only when inexact", "[fpu]") {
    // 2^-16383: an exact denormal, no exception when masked.
    FpuEnv e = env_of(Rounding::Nearest);
    CHECK(div(kMinNormal, kTwo, e) == F(0x0000, 0x4000000000000000));
    CHECK(e.flags == 0);
    // Half the smallest denormal: a tie, to even (zero), or up.
    e = env_of(Rounding::Nearest);
    CHECK(div(kMinDenormal, kTwo, e) == zero(false));
    CHECK(e.flags == (exc::DE | exc::UE | exc::PE));
    e = env_of(Rounding::Up);
    CHECK(div(kMinDenormal, kTwo, e) == kMinDenormal);
    CHECK(e.c1);
    // (1 - 2^-64) * 2^-16382 is tiny (exact with an unbounded exponent) but
    // denormalized it is a tie that rounds up to the smallest normal: UE and
    // PE with a normal result. Toward zero it stays the largest denormal.
    const Float80 almost_one = F(0x3FFE, 0xFFFFFFFFFFFFFFFF);
    e = env_of(Rounding::Nearest);
    CHECK(mul(almost_one, kMinNormal, e) == kMinNormal);
    CHECK(e.flags == (exc::UE | exc::PE));
    CHECK(e.c1);
    e = env_of(Rounding::Zero);
    CHECK(mul(almost_one, kMinNormal, e) == F(0x0000, 0x7FFFFFFFFFFFFFFF));
    CHECK(e.flags == (exc::UE | exc::PE));
    // Denormal operands raise DE; an exact denormal result raises nothing else.
    e = env_of(Rounding::Nearest);
    CHECK(add(F(0x0000, 0x1234), zero(false), e) == F(0x0000, 0x1234));
    CHECK(e.flags == exc::DE);
    e = env_of(Rounding::Nearest);
    CHECK(mul(F(0x0000, 0x1234), kTwo, e) == F(0x0000, 0x2468));
    CHECK(e.flags == exc::DE);
    // A pseudo-denormal reads as exponent 1.
    e = env_of(Rounding::Nearest);
    CHECK(add(F(0x0000, 0x8000000000000000), zero(false), e) == kMinNormal);
    CHECK(e.flags == exc::DE);
    // At 24 bits of precision a denormal keeps only the top 24 bits of its field.
    e = env_of(Rounding::Nearest, Precision::Single);
    CHECK(mul(F(0x3FFE, 0xAAAAAAAAAAAAAAAA), kMinNormal, e) == F(0x0000, 0x5555550000000000));
    CHECK(e.flags == (exc::UE | exc::PE));
    // Unmasked: UE whenever tiny (even exact), the exponent scaled up by 24576.
    e = env_of(Rounding::Nearest, Precision::Extended, exc::kAll & ~exc::UE);
    CHECK(div(kMinNormal, kTwo, e) == F(24576, 0x8000000000000000));
    CHECK(e.flags == exc::UE);
    // Unmasked DE stops the operation before anything else.
    e = env_of(Rounding::Nearest, Precision::Extended, exc::kAll & ~exc::DE);
    mul(F(0x0000, 0x1234), kTwo, e);
    CHECK(e.flags == exc::DE);
    CHECK(e.suppressed);
}

TEST_CASE("invalid operations give the indefinite; division by zero gives infinity", "[fpu]") {
    const Float80 inf = infinity(false);
    FpuEnv e = env_of(Rounding::Nearest);
    CHECK(div(zero(false), zero(true), e) == kIndefinite);
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    CHECK(sub(inf, inf, e) == kIndefinite);
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    CHECK(add(inf, chs(inf), e) == kIndefinite);
    e = env_of(Rounding::Nearest);
    CHECK(add(inf, inf, e) == inf);
    CHECK(e.flags == 0);
    e = env_of(Rounding::Nearest);
    CHECK(mul(inf, zero(true), e) == kIndefinite);
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    CHECK(div(inf, inf, e) == kIndefinite);
    e = env_of(Rounding::Nearest);
    CHECK(sqrt(chs(kOne), e) == kIndefinite);
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    CHECK(sqrt(F(0x8000, 0), e) == F(0x8000, 0));  // sqrt(-0) = -0
    CHECK(e.flags == 0);
    // Unsupported formats are invalid operands.
    e = env_of(Rounding::Nearest);
    CHECK(add(F(0x3FFF, 0x4000000000000000), kOne, e) == kIndefinite);
    CHECK(e.flags == exc::IE);
    // x / 0: ZE and a signed infinity; a denormal dividend reports ZE alone.
    e = env_of(Rounding::Nearest);
    CHECK(div(chs(kOne), zero(false), e) == infinity(true));
    CHECK(e.flags == exc::ZE);
    e = env_of(Rounding::Nearest);
    CHECK(div(F(0x0000, 5), zero(true), e) == infinity(true));
    CHECK(e.flags == exc::ZE);
    // Unmasked IE: no result.
    e = env_of(Rounding::Nearest, Precision::Extended, exc::kAll & ~exc::IE);
    div(zero(false), zero(false), e);
    CHECK(e.suppressed);
    CHECK(e.unmasked() == exc::IE);
}

TEST_CASE("exact zero results: sign by rounding mode", "[fpu]") {
    for (const Rounding rc : kModes) {
        FpuEnv e = env_of(rc);
        const bool neg = rc == Rounding::Down;
        CHECK(sub(kThree, kThree, e) == zero(neg));
        CHECK(add(zero(false), zero(true), e) == zero(neg));
        CHECK(add(zero(true), zero(true), e) == zero(true));
        CHECK(e.flags == 0);
    }
}

TEST_CASE("NaN operands: SNaN raises IE and is quieted; of two NaNs the x87 picks one", "[fpu]") {
    const Float80 snan = F(0x7FFF, 0x8000000000001234), qnan = F(0xFFFF, 0xC000000000005678);
    FpuEnv e = env_of(Rounding::Nearest);
    CHECK(add(snan, kOne, e) == F(0x7FFF, 0xC000000000001234));
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    CHECK(mul(kOne, qnan, e) == qnan);
    CHECK(e.flags == 0);
    // QNaN over SNaN, whatever the significands.
    e = env_of(Rounding::Nearest);
    CHECK(div(F(0x7FFF, 0xBFFFFFFFFFFFFFFF), F(0x7FFF, 0xC000000000000001), e) == F(0x7FFF, 0xC000000000000001));
    CHECK(e.flags == exc::IE);
    // Two QNaNs (or two SNaNs): the larger significand, either operand order.
    e = env_of(Rounding::Nearest);
    CHECK(sub(F(0x7FFF, 0xC000000000000001), F(0xFFFF, 0xD000000000000000), e) == F(0xFFFF, 0xD000000000000000));
    CHECK(sub(F(0xFFFF, 0xD000000000000000), F(0x7FFF, 0xC000000000000001), e) == F(0xFFFF, 0xD000000000000000));
    e = env_of(Rounding::Nearest);
    CHECK(add(F(0x7FFF, 0x8000000000000001), F(0xFFFF, 0x8000000000000002), e) == F(0xFFFF, 0xC000000000000002));
    CHECK(e.flags == exc::IE);
    // A NaN takes precedence over a denormal (no DE), and over 0 * inf.
    e = env_of(Rounding::Nearest);
    CHECK(add(qnan, F(0x0000, 1), e) == qnan);
    CHECK(e.flags == 0);
    // Unmasked IE for an SNaN suppresses the result.
    e = env_of(Rounding::Nearest, Precision::Extended, exc::kAll & ~exc::IE);
    add(snan, kOne, e);
    CHECK(e.suppressed);
}

TEST_CASE("square root: exact, rounded, denormal", "[fpu]") {
    FpuEnv e = env_of(Rounding::Nearest);
    CHECK(sqrt(F(0x4002, 0x9000000000000000), e) == kThree);  // sqrt(9)
    CHECK(e.flags == 0);
    e = env_of(Rounding::Nearest);
    CHECK(sqrt(kTwo, e) == F(0x3FFF, 0xB504F333F9DE6484));
    CHECK(e.flags == exc::PE);
    CHECK_FALSE(e.c1);
    e = env_of(Rounding::Up);
    CHECK(sqrt(kTwo, e) == F(0x3FFF, 0xB504F333F9DE6485));
    CHECK(e.c1);
    e = env_of(Rounding::Nearest, Precision::Single);
    CHECK(sqrt(kTwo, e) == F(0x3FFF, 0xB504F30000000000));
    // sqrt(2^-16398): DE, an exact normal result 2^-8199.
    e = env_of(Rounding::Nearest);
    CHECK(sqrt(F(0x0000, uint64_t{1} << 47), e) == F(0x3FFF - 8199, 0x8000000000000000));
    CHECK(e.flags == exc::DE);
}

TEST_CASE("compare: ordered and unordered forms, signed zeros, denormals", "[fpu]") {
    FpuEnv e = env_of(Rounding::Nearest);
    CHECK(compare(kOne, kTwo, false, e) == Relation::Less);
    CHECK(compare(kTwo, kOne, false, e) == Relation::Greater);
    CHECK(compare(zero(true), zero(false), false, e) == Relation::Equal);
    CHECK(compare(chs(kOne), F(0x0000, 1), false, e) == Relation::Less);
    CHECK(compare(infinity(false), kMaxFinite, false, e) == Relation::Greater);
    CHECK(compare(infinity(true), infinity(true), false, e) == Relation::Equal);
    CHECK(e.flags == exc::DE);
    const Float80 qnan = F(0x7FFF, 0xC000000000000000), snan = F(0x7FFF, 0x8000000000000001);
    e = env_of(Rounding::Nearest);
    CHECK(compare(kOne, qnan, true, e) == Relation::Unordered);
    CHECK(e.flags == 0);
    CHECK(compare(kOne, qnan, false, e) == Relation::Unordered);
    CHECK(e.flags == exc::IE);
    e = env_of(Rounding::Nearest);
    CHECK(compare(snan, kOne, true, e) == Relation::Unordered);
    CHECK(e.flags == exc::IE);
    CHECK(condition_bits(Relation::Unordered) == (kC3 | kC2 | kC0));
    CHECK(condition_bits(Relation::Less) == kC0);
    CHECK(eflags_bits(Relation::Equal) == 0x40);

    CHECK(examine(kOne, false) == kC2);
    CHECK(examine(chs(kOne), false) == (kC2 | kC1));
    CHECK(examine(zero(false), false) == kC3);
    CHECK(examine(F(0x0000, 1), false) == (kC3 | kC2));
    CHECK(examine(infinity(true), false) == (kC2 | kC0 | kC1));
    CHECK(examine(qnan, false) == kC0);
    CHECK(examine(F(0x3FFF, 0x1), false) == 0);  // unnormal: unsupported
    CHECK(examine(kOne, true) == (kC3 | kC0));
}

TEST_CASE("FCHS and FABS touch only the sign", "[fpu]") {
    const Float80 snan = F(0x7FFF, 0x8000000000000001);
    CHECK(chs(snan) == F(0xFFFF, 0x8000000000000001));
    CHECK(abs(F(0xFFFF, 0x8000000000000001)) == snan);
    CHECK(chs(zero(false)) == zero(true));
}
