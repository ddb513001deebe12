// MMX, SSE, SSE2 and FXSAVE/FXRSTOR: the edges the hardware vectors do not
// reach (MMX aliasing onto the x87, faults, unmasked exceptions, DAZ/FTZ,
// the FXSAVE image) and a few that they do, stated exactly.
#include <catch2/catch.hpp>

#include <cstring>

#include "cpu/fpu/ieee.hpp"
#include "tests/unit/cpu32_harness.hpp"

using namespace amber;
using amber::test::Flat32;

namespace {

constexpr uint32_t kMem = Flat32::kData;  // 16-byte aligned

// A pentium4 (MMX, SSE, SSE2) at CPL 0 with an OS that enabled FXSAVE and #XM.
struct SimdCpu : Flat32 {
    SimdCpu(CpuModel model = CpuModel::pentium4) : Flat32(model, 0) {
        cpu().set_cr4(cr4_bit::OSFXSR | cr4_bit::OSXMMEXCPT);
        cpu().cr0 |= cr0_bit::NE;
    }
    uint64_t mm(unsigned n) { return cpu().x87.reg[n].sig; }
    void set_mm(unsigned n, uint64_t v) { cpu().x87.reg[n] = fpu::Float80{v, 0xFFFF}; }
    Xmm& xmm(unsigned n) { return cpu().sse.xmm[n]; }
    uint32_t& mxcsr() { return cpu().sse.mxcsr; }
    // Runs one instruction from the start of the code area.
    std::optional<CpuFault> run(const std::vector<uint8_t>& code) { return exec_fresh(code); }
    void write64(uint32_t addr, uint64_t v) {
        write32(addr, static_cast<uint32_t>(v));
        write32(addr + 4, static_cast<uint32_t>(v >> 32));
    }
    uint8_t read8(uint32_t addr) { return m.memory().read<uint8_t>(addr); }
};

std::vector<uint8_t> with_addr(std::vector<uint8_t> op, uint32_t addr) {
    for (unsigned k = 0; k < 4; ++k) op.push_back(static_cast<uint8_t>(addr >> (8 * k)));
    return op;
}

}  // namespace

TEST_CASE("MMX registers are the x87 significands: TOP 0, all valid, exponent ones - EMMS empties", "[simd]") {
    SimdCpu t;
    X87State& x = t.cpu().x87;
    x.set_top(5);
    x.used = 0;
    t.write64(kMem, 0x1122334455667788);
    REQUIRE_FALSE(t.run(with_addr({0x0F, 0x6F, 0x05}, kMem)));  // movq mm0, [kMem]
    CHECK(x.reg[0].sig == 0x1122334455667788);
    CHECK(x.reg[0].se == 0xFFFF);
    CHECK(x.top() == 0);
    CHECK(x.used == 0xFF);
    CHECK(x.full_tags() != 0xFFFF);
    t.cpu().r[EAX] = 0xDEADBEEF;
    REQUIRE_FALSE(t.run({0x0F, 0x6E, 0xC9}));  // movd mm1, ecx
    REQUIRE_FALSE(t.run({0x0F, 0x7E, 0xC0}));  // movd eax, mm0
    CHECK(t.cpu().r[EAX] == 0x55667788);
    REQUIRE_FALSE(t.run({0x0F, 0x77}));  // emms
    CHECK(x.used == 0);
    CHECK(x.full_tags() == 0xFFFF);
    CHECK(t.mm(0) == 0x1122334455667788);  // EMMS leaves the contents
}

TEST_CASE("MMX saturating arithmetic and packs clamp at the lane limits", "[simd]") {
    SimdCpu t;
    t.set_mm(0, 0x7F80'0102'FF00'7F80);  // bytes: 80 7F 00 FF 02 01 80 7F (low first)
    t.set_mm(1, 0x0180'FF02'0100'0180);
    REQUIRE_FALSE(t.run({0x0F, 0xEC, 0xC1}));  // paddsb mm0, mm1
    // 0x80+0x80 -> -128 (saturated), 0x7F+0x01 -> 0x7F, 0x00+0x01, 0xFF+0x00,
    // 0x02+0x02, 0x01+0xFF -> 0, 0x80+0x80 -> 0x80, 0x7F+0x01 -> 0x7F
    CHECK(t.mm(0) == 0x7F80'0004'0000'7F80);
    t.set_mm(0, 0x0000'0005'FFFF'8000);
    t.set_mm(1, 0x0001'0006'0001'8001);
    REQUIRE_FALSE(t.run({0x0F, 0xD9, 0xC1}));  // psubusw mm0, mm1
    CHECK(t.mm(0) == 0x0000'0000'FFFE'0000);
    t.set_mm(0, 0x8000'7FFF'0080'FF7F);  // words: FF7F(-129) 0080(128) 7FFF 8000
    t.set_mm(1, 0x0001'FFFF'0000'0042);
    REQUIRE_FALSE(t.run({0x0F, 0x63, 0xC1}));  // packsswb mm0, mm1
    CHECK(t.mm(0) == 0x01FF'0042'807F'7F80);
    t.set_mm(0, 0x8000'7FFF'0080'FF7F);
    REQUIRE_FALSE(t.run({0x0F, 0x67, 0xC1}));  // packuswb mm0, mm1
    CHECK(t.mm(0) == 0x01'00'00'42'00'FF'80'00);
    t.set_mm(0, 0x8000'8000'8000'8000);
    t.set_mm(1, 0x8000'8000'0002'0003);
    REQUIRE_FALSE(t.run({0x0F, 0xF5, 0xC1}));  // pmaddwd: 2 * 0x8000^2 wraps
    CHECK(t.mm(0) == 0x8000'0000'FFFD'8000);  // -3*2^15 - 2*2^15, and 2^31
}

TEST_CASE("Packed shifts by counts at or past the lane width", "[simd]") {
    SimdCpu t;
    t.set_mm(0, 0x8001'4002'2003'1004);
    REQUIRE_FALSE(t.run({0x0F, 0x71, 0xF0, 15}));  // psllw mm0, 15
    CHECK(t.mm(0) == 0x8000'0000'8000'0000);
    t.set_mm(0, 0x8001'4002'2003'1004);
    REQUIRE_FALSE(t.run({0x0F, 0x71, 0xF0, 16}));  // psllw mm0, 16
    CHECK(t.mm(0) == 0);
    t.set_mm(0, 0x8001'4002'2003'F004);
    REQUIRE_FALSE(t.run({0x0F, 0x71, 0xE0, 200}));  // psraw mm0, 200: sign fill
    CHECK(t.mm(0) == 0xFFFF'0000'0000'FFFF);
    t.set_mm(0, ~uint64_t(0));
    t.set_mm(1, 0x1'0000'0000);  // a count of 2^32: the whole quadword counts
    REQUIRE_FALSE(t.run({0x0F, 0xD3, 0xC1}));  // psrlq mm0, mm1
    CHECK(t.mm(0) == 0);
    t.set_mm(0, ~uint64_t(0));
    t.set_mm(1, 63);
    REQUIRE_FALSE(t.run({0x0F, 0xD3, 0xC1}));
    CHECK(t.mm(0) == 1);
    t.xmm(0) = Xmm{{0x0706050403020100, 0x0F0E0D0C0B0A0908}};
    REQUIRE_FALSE(t.run({0x66, 0x0F, 0x73, 0xD8, 3}));  // psrldq xmm0, 3
    CHECK(t.xmm(0) == Xmm{{0x0A09080706050403, 0x0000000F0E0D0C0B}});
    REQUIRE_FALSE(t.run({0x66, 0x0F, 0x73, 0xD8, 17}));  // psrldq xmm0, 17
    CHECK(t.xmm(0) == Xmm{});
}

TEST_CASE("MMX faults: #UD with EM, #NM with TS, #MF for a pending x87 error", "[simd]") {
    SimdCpu t;
    t.set_mm(0, 5);
    t.cpu().cr0 |= cr0_bit::EM;
    auto f = t.run({0x0F, 0xFC, 0xC0});  // paddb mm0, mm0
    REQUIRE(f);
    CHECK(f->vector == vec::UD);
    t.cpu().cr0 = (t.cpu().cr0 & ~cr0_bit::EM) | cr0_bit::TS;
    f = t.run({0x0F, 0xFC, 0xC0});
    REQUIRE(f);
    CHECK(f->vector == vec::NM);
    t.cpu().cr0 &= ~cr0_bit::TS;
    t.cpu().x87.fcw = 0x037E;  // IE unmasked
    t.cpu().x87.fsw = fpu::exc::IE;
    t.cpu().x87.update_error_summary();
    f = t.run({0x0F, 0xFC, 0xC0});
    REQUIRE(f);
    CHECK(f->vector == vec::MF);
    CHECK(t.mm(0) == 5);
    // SSE instructions do not look at x87 errors; they need CR4.OSFXSR.
    REQUIRE_FALSE(t.run({0x0F, 0x58, 0xC1}));  // addps xmm0, xmm1
    t.cpu().cr4 = 0;
    f = t.run({0x0F, 0x58, 0xC1});
    REQUIRE(f);
    CHECK(f->vector == vec::UD);
}

TEST_CASE("SSE2 forms are #UD on the pentium3 - nothing SIMD on the p6", "[simd]") {
    SimdCpu p3(CpuModel::pentium3);
    REQUIRE_FALSE(p3.run({0x0F, 0x58, 0xC1}));  // addps
    auto f = p3.run({0x66, 0x0F, 0x58, 0xC1});   // addpd
    REQUIRE(f);
    CHECK(f->vector == vec::UD);
    REQUIRE_FALSE(p3.run({0x0F, 0xDA, 0xC1}));  // pminub mm0, mm1 (SSE's MMX additions)
    f = p3.run({0x0F, 0xD4, 0xC1});              // paddq mm0, mm1 (SSE2)
    REQUIRE(f);
    CHECK(f->vector == vec::UD);
    Flat32 p6(CpuModel::p6, 0);
    CHECK_THROWS(p6.cpu().set_cr4(cr4_bit::OSFXSR));
    f = p6.exec({0x0F, 0xFC, 0xC0});
    REQUIRE(f);
    CHECK(f->vector == vec::UD);
}

TEST_CASE("CPUID claims MMX, FXSR, SSE and SSE2 by model", "[simd]") {
    for (auto [model, sse2] : {std::pair{CpuModel::pentium3, false}, std::pair{CpuModel::pentium4, true}}) {
        Flat32 t(model, 0);
        t.cpu().r[EAX] = 1;
        REQUIRE_FALSE(t.exec({0x0F, 0xA2}));
        const uint32_t edx = t.cpu().r[EDX];
        CHECK((edx >> 23 & 7) == 7);  // MMX FXSR SSE
        CHECK(bool(edx >> 26 & 1) == sse2);
    }
}

TEST_CASE("FXSAVE writes the 512-byte image - FXRSTOR reads it back - alignment and MXCSR checks", "[simd]") {
    SimdCpu t;
    X87State& x = t.cpu().x87;
    x.fcw = 0x027F;
    x.fsw = 0;
    x.set_top(6);
    x.set(0, fpu::Float80{0x8000000000000000, 0x3FFF});  // ST(0) = 1.0 in R6
    x.set(1, fpu::Float80{0xC000000000000000, 0x4000});  // ST(1) = 3.0 in R7
    x.fop = 0x1D9;
    t.mxcsr() = 0x1F80 | mxcsr_bit::PE | mxcsr_bit::DAZ;
    for (unsigned k = 0; k < 8; ++k) t.xmm(k) = Xmm{{0x1111111111111111u * k, ~(0x1111111111111111u * k)}};
    REQUIRE_FALSE(t.run(with_addr({0x0F, 0xAE, 0x05}, kMem)));  // fxsave [kMem]
    CHECK(t.read16(kMem + 0) == 0x027F);
    CHECK(t.read16(kMem + 2) == 0x3000);  // TOP 6
    CHECK(t.read8(kMem + 4) == 0xC0);     // abridged tags: R6, R7 in use
    CHECK(t.read16(kMem + 6) == 0x1D9);
    CHECK(t.read32(kMem + 24) == (0x1F80 | mxcsr_bit::PE | mxcsr_bit::DAZ));
    CHECK(t.read32(kMem + 28) == 0xFFFF);  // MXCSR_MASK: DAZ supported
    CHECK(t.read32(kMem + 32 + 4) == 0x80000000);  // ST(0) significand, high dword
    CHECK(t.read16(kMem + 32 + 8) == 0x3FFF);
    CHECK(t.read16(kMem + 48 + 8) == 0x4000);      // ST(1)
    CHECK(t.read32(kMem + 160 + 16 * 3) == 0x33333333);
    CHECK(t.read32(kMem + 160 + 16 * 3 + 12) == 0xCCCCCCCC);

    // Misaligned: #GP(0), nothing written.
    auto f = t.run(with_addr({0x0F, 0xAE, 0x05}, kMem + 0x408));
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    CHECK(t.read32(kMem + 0x408) == 0);

    // Round trip through a changed state.
    x.init();
    t.mxcsr() = 0x1F80;
    for (auto& r : t.cpu().sse.xmm) r = Xmm{};
    REQUIRE_FALSE(t.run(with_addr({0x0F, 0xAE, 0x0D}, kMem)));  // fxrstor [kMem]
    CHECK(x.fcw == 0x027F);
    CHECK(x.top() == 6);
    CHECK(x.used == 0xC0);
    CHECK(x.st(1) == fpu::Float80{0xC000000000000000, 0x4000});
    CHECK(t.mxcsr() == (0x1F80 | mxcsr_bit::PE | mxcsr_bit::DAZ));
    CHECK(t.xmm(5) == Xmm{{0x5555555555555555, 0xAAAAAAAAAAAAAAAA}});

    // Reserved MXCSR bits in the image: #GP(0) and nothing loaded.
    t.write32(kMem + 24, 0x10000);
    x.fcw = 0x037F;
    f = t.run(with_addr({0x0F, 0xAE, 0x0D}, kMem));
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    CHECK(x.fcw == 0x037F);
    // LDMXCSR checks the same bits.
    f = t.run(with_addr({0x0F, 0xAE, 0x15}, kMem + 24));
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
}

TEST_CASE("Without CR4.OSFXSR, FXSAVE leaves the XMM area and MXCSR alone", "[simd]") {
    SimdCpu t;
    t.xmm(0) = Xmm{{0x1234, 0x5678}};
    t.cpu().cr4 = 0;
    REQUIRE_FALSE(t.run(with_addr({0x0F, 0xAE, 0x05}, kMem)));
    CHECK(t.read16(kMem) == 0x037F);
    CHECK(t.read32(kMem + 24) == 0);
    CHECK(t.read32(kMem + 160) == 0);
}

TEST_CASE("MOVDQA and packed arithmetic need 16-byte alignment - MOVDQU does not", "[simd]") {
    SimdCpu t;
    auto f = t.run(with_addr({0x66, 0x0F, 0x6F, 0x05}, kMem + 8));  // movdqa xmm0, [kMem+8]
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    f = t.run(with_addr({0x0F, 0x58, 0x05}, kMem + 4));  // addps xmm0, [kMem+4]
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    t.write32(kMem + 8, 0xAABBCCDD);
    REQUIRE_FALSE(t.run(with_addr({0xF3, 0x0F, 0x6F, 0x05}, kMem + 8)));  // movdqu
    CHECK(t.xmm(0).q[0] == 0xAABBCCDD);
    REQUIRE_FALSE(t.run(with_addr({0xF3, 0x0F, 0x58, 0x05}, kMem + 4)));  // addss: scalar, any alignment
}

TEST_CASE("An unmasked SIMD exception: #XM with OSXMMEXCPT, else #UD - the destination is kept", "[simd]") {
    SimdCpu t;
    t.xmm(0) = Xmm{{0x3F800000, 0}};  // 1.0f
    t.xmm(1) = Xmm{{0, 0}};
    t.mxcsr() = 0x1F80 & ~(mxcsr_bit::ZE << mxcsr_bit::kMaskShift);  // ZM clear
    auto f = t.run({0xF3, 0x0F, 0x5E, 0xC1});  // divss xmm0, xmm1
    REQUIRE(f);
    CHECK(f->vector == vec::XM);
    CHECK(t.xmm(0).q[0] == 0x3F800000);
    CHECK((t.mxcsr() & mxcsr_bit::ZE) != 0);
    t.cpu().cr4 &= ~cr4_bit::OSXMMEXCPT;
    f = t.run({0xF3, 0x0F, 0x5E, 0xC1});
    REQUIRE(f);
    CHECK(f->vector == vec::UD);
    // Masked: infinity and the flag.
    t.mxcsr() = 0x1F80;
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0x5E, 0xC1}));
    CHECK(t.xmm(0).q[0] == 0x7F800000);
    CHECK(t.mxcsr() == (0x1F80 | mxcsr_bit::ZE));
}

TEST_CASE("FTZ flushes tiny results, DAZ reads denormals as zero", "[simd]") {
    SimdCpu t;
    const uint32_t min_normal = 0x00800000, half = 0x3F000000;
    t.xmm(0) = Xmm{{min_normal, 0}};
    t.xmm(1) = Xmm{{half, 0}};
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0x59, 0xC1}));  // mulss: exact denormal, no flag
    CHECK(t.xmm(0).q[0] == 0x00400000);
    CHECK(t.mxcsr() == 0x1F80);
    t.xmm(0) = Xmm{{min_normal | 0x80000000, 0}};
    t.mxcsr() = 0x1F80 | mxcsr_bit::FZ;
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0x59, 0xC1}));
    CHECK(t.xmm(0).q[0] == 0x80000000);  // -0
    CHECK((t.mxcsr() & mxcsr_bit::kFlags) == (mxcsr_bit::UE | mxcsr_bit::PE));
    // A denormal operand: DE, or with DAZ a zero and no flag.
    t.xmm(0) = Xmm{{0x00000001, 0}};
    t.xmm(1) = Xmm{{0x3F800000, 0}};
    t.mxcsr() = 0x1F80;
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0x59, 0xC1}));  // mulss by 1.0
    CHECK(t.xmm(0).q[0] == 0x00000001);
    CHECK(t.mxcsr() == (0x1F80 | mxcsr_bit::DE));
    t.mxcsr() = 0x1F80 | mxcsr_bit::DAZ;
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0x59, 0xC1}));
    CHECK(t.xmm(0).q[0] == 0);
    CHECK(t.mxcsr() == (0x1F80 | mxcsr_bit::DAZ));
}

TEST_CASE("Ties round to even, and binary64 is rounded once (no double rounding)", "[simd]") {
    using namespace fpu::ieee;
    auto add32 = [](uint32_t a, uint32_t b, Rounding rc) {
        Env e;
        e.rc = rc;
        return add<uint32_t>(a, b, e);
    };
    const uint32_t one = 0x3F800000, tie = 0x33800000;  // 2^-24: half an ulp of 1.0
    CHECK(add32(one, tie, Rounding::Nearest) == one);
    CHECK(add32(0x3F800001, tie, Rounding::Nearest) == 0x3F800002);  // odd: up to even
    CHECK(add32(one, tie, Rounding::Up) == 0x3F800001);
    CHECK(add32(one, tie, Rounding::Down) == one);
    CHECK(add32(one | 0x80000000, tie | 0x80000000, Rounding::Down) == 0xBF800001);
    CHECK(add32(one, tie, Rounding::TowardZero) == one);
    // 1 + (2^-53 + 2^-80): just above the tie, so up to 1 + 2^-52. Rounding
    // to 64 bits first would lose the 2^-80 and then tie down to 1.0.
    SimdCpu t;
    t.xmm(0) = Xmm{{0x3FF0000000000000, 0}};
    t.xmm(1) = Xmm{{0x3CA0000002000000, 0}};  // 2^-53 * (1 + 2^-27)
    REQUIRE_FALSE(t.run({0xF2, 0x0F, 0x58, 0xC1}));  // addsd
    CHECK(t.xmm(0).q[0] == 0x3FF0000000000001);
    CHECK(t.mxcsr() == (0x1F80 | mxcsr_bit::PE));
    // x - x is +0, but -0 when rounding down.
    Env down;
    down.rc = Rounding::Down;
    CHECK(sub<uint64_t>(0x4000000000000000, 0x4000000000000000, down) == 0x8000000000000000);
}

TEST_CASE("Conversions to int32: rounding mode, truncation, the integer indefinite", "[simd]") {
    SimdCpu t;
    t.xmm(0) = Xmm{{0xC0200000, 0}};  // -2.5f
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0x2D, 0xC0}));  // cvtss2si eax, xmm0
    CHECK(t.cpu().r[EAX] == uint32_t(-2));
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0x2C, 0xC0}));  // cvttss2si
    CHECK(t.cpu().r[EAX] == uint32_t(-2));
    t.mxcsr() = 0x1F80 | (1u << mxcsr_bit::kRoundShift);  // down
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0x2D, 0xC0}));
    CHECK(t.cpu().r[EAX] == uint32_t(-3));
    t.mxcsr() = 0x1F80;
    t.xmm(0) = Xmm{{0x4F000000, 0}};  // 2^31: out of range
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0x2C, 0xC0}));
    CHECK(t.cpu().r[EAX] == 0x80000000);
    CHECK(t.mxcsr() == (0x1F80 | mxcsr_bit::IE));
    t.mxcsr() = 0x1F80;
    t.xmm(0) = Xmm{{0xCF000000, 0}};  // -2^31: fits
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0x2C, 0xC0}));
    CHECK(t.cpu().r[EAX] == 0x80000000);
    CHECK(t.mxcsr() == 0x1F80);
}

TEST_CASE("COMISS signals on QNaN, UCOMISS only on SNaN - both set ZF PF CF", "[simd]") {
    SimdCpu t;
    t.xmm(0) = Xmm{{0x7FC00000, 0}};  // QNaN
    t.xmm(1) = Xmm{{0x3F800000, 0}};
    t.cpu().flags.set(0x202 | flag::OF | flag::SF);
    REQUIRE_FALSE(t.run({0x0F, 0x2E, 0xC1}));  // ucomiss xmm0, xmm1
    CHECK(t.zf());
    CHECK(t.cf());
    CHECK(t.cpu().flags.pf());
    CHECK_FALSE(t.of());
    CHECK(t.mxcsr() == 0x1F80);
    REQUIRE_FALSE(t.run({0x0F, 0x2F, 0xC1}));  // comiss
    CHECK(t.mxcsr() == (0x1F80 | mxcsr_bit::IE));
    t.xmm(0) = Xmm{{0x3F000000, 0}};  // 0.5 < 1.0
    REQUIRE_FALSE(t.run({0x0F, 0x2F, 0xC1}));
    CHECK(t.cf());
    CHECK_FALSE(t.zf());
    CHECK_FALSE(t.cpu().flags.pf());
}

TEST_CASE("Data moves the vectors do not cover: MOVSS, MOVHLPS/MOVLHPS, MOVHPS, MOVMSKPS", "[simd]") {
    SimdCpu t;
    t.xmm(0) = Xmm{{0x1111111122222222, 0x3333333344444444}};
    t.xmm(1) = Xmm{{0x5555555566666666, 0x7777777788888888}};
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0x10, 0xC1}));  // movss xmm0, xmm1: lane 0 only
    CHECK(t.xmm(0) == Xmm{{0x1111111166666666, 0x3333333344444444}});
    t.write32(kMem, 0xABCDEF01);
    REQUIRE_FALSE(t.run(with_addr({0xF3, 0x0F, 0x10, 0x05}, kMem)));  // movss xmm0, [m32]: rest cleared
    CHECK(t.xmm(0) == Xmm{{0xABCDEF01, 0}});
    REQUIRE_FALSE(t.run({0x0F, 0x12, 0xC1}));  // movhlps xmm0, xmm1
    CHECK(t.xmm(0).q[0] == 0x7777777788888888);
    REQUIRE_FALSE(t.run({0x0F, 0x16, 0xC1}));  // movlhps xmm0, xmm1
    CHECK(t.xmm(0).q[1] == 0x5555555566666666);
    REQUIRE_FALSE(t.run(with_addr({0x0F, 0x17, 0x05}, kMem + 8)));  // movhps [m64], xmm0
    CHECK(t.read32(kMem + 8) == 0x66666666);
    CHECK(t.read32(kMem + 12) == 0x55555555);
    t.xmm(2) = Xmm{{0x80000000'00000001, 0x00000000'FFFFFFFF}};
    REQUIRE_FALSE(t.run({0x0F, 0x50, 0xC2}));  // movmskps eax, xmm2
    CHECK(t.cpu().r[EAX] == 0b0110);
    auto f = t.run({0x0F, 0x13, 0xC1});  // movlps has no register destination
    REQUIRE(f);
    CHECK(f->vector == vec::UD);
}

TEST_CASE("MMX forms SSE added: PSHUFW, PINSRW/PEXTRW, MASKMOVQ; MMX<->XMM moves and conversions", "[simd]") {
    SimdCpu t;
    t.set_mm(1, 0x4444'3333'2222'1111);
    REQUIRE_FALSE(t.run({0x0F, 0x70, 0xC1, 0x1B}));  // pshufw mm0, mm1, 0x1B: reversed
    CHECK(t.mm(0) == 0x1111'2222'3333'4444);
    t.cpu().r[EAX] = 0xFFFF'ABCD;
    REQUIRE_FALSE(t.run({0x0F, 0xC4, 0xC0, 0x06}));  // pinsrw mm0, eax, 6 (index mod 4 = 2)
    CHECK(t.mm(0) == 0x1111'ABCD'3333'4444);
    REQUIRE_FALSE(t.run({0x0F, 0xC5, 0xD8, 0x03}));  // pextrw ebx, mm0, 3
    CHECK(t.cpu().r[EBX] == 0x1111);
    // MASKMOVQ: the bytes of mm0 whose mask byte in mm1 has bit 7 set, at DS:EDI.
    t.set_mm(0, 0x8877665544332211);
    t.set_mm(1, 0x8000'0000'0080'FF00);
    t.cpu().r[EDI] = kMem + 0x100;
    t.write32(kMem + 0x100, 0xEEEEEEEE);
    t.write32(kMem + 0x104, 0xEEEEEEEE);
    REQUIRE_FALSE(t.run({0x0F, 0xF7, 0xC1}));
    CHECK(t.read32(kMem + 0x100) == 0xEE3322EE);
    CHECK(t.read32(kMem + 0x104) == 0x88EEEEEE);
    // MOVQ2DQ / MOVDQ2Q.
    t.set_mm(1, 0x0102030405060708);
    t.xmm(0) = Xmm{{1, 2}};
    REQUIRE_FALSE(t.run({0xF3, 0x0F, 0xD6, 0xC1}));  // movq2dq xmm0, mm1
    CHECK(t.xmm(0) == Xmm{{0x0102030405060708, 0}});
    t.xmm(1) = Xmm{{0xAAAA, 0xBBBB}};
    REQUIRE_FALSE(t.run({0xF2, 0x0F, 0xD6, 0xC1}));  // movdq2q mm0, xmm1
    CHECK(t.mm(0) == 0xAAAA);
    // CVTPI2PS xmm0, mm1: two lanes converted, the upper half kept, MMX state entered.
    t.cpu().x87.used = 0;
    t.set_mm(1, 0xFFFFFFFF'00000003);  // -1, 3
    t.xmm(0) = Xmm{{0, 0x1234}};
    REQUIRE_FALSE(t.run({0x0F, 0x2A, 0xC1}));
    CHECK(t.xmm(0) == Xmm{{0xBF800000'40400000, 0x1234}});
    CHECK(t.cpu().x87.used == 0xFF);
    // CVTTPS2PI mm0, xmm1: truncated; NaN gives the integer indefinite.
    t.xmm(1) = Xmm{{0x7FC00000'C0600000, 0}};  // NaN, -3.5
    REQUIRE_FALSE(t.run({0x0F, 0x2C, 0xC1}));
    CHECK(t.mm(0) == 0x80000000'FFFFFFFD);
    CHECK((t.mxcsr() & mxcsr_bit::IE) != 0);
}

TEST_CASE("An unmasked invalid stops before the other lanes' precision flags are raised", "[simd]") {
    SimdCpu t;
    t.xmm(0) = Xmm{{0x3F800000'7F800000, 0}};  // lanes: +inf, 1.0
    t.xmm(1) = Xmm{{0x33800001'FF800000, 0}};  // lanes: -inf, just over half an ulp
    t.mxcsr() = 0x1F80 & ~(mxcsr_bit::IE << mxcsr_bit::kMaskShift);
    auto f = t.run({0x0F, 0x58, 0xC1});  // addps: inf + -inf is invalid; lane 1 would be inexact
    REQUIRE(f);
    CHECK(f->vector == vec::XM);
    CHECK((t.mxcsr() & mxcsr_bit::kFlags) == mxcsr_bit::IE);
    CHECK(t.xmm(0).q[0] == 0x3F800000'7F800000);
    t.mxcsr() = 0x1F80;  // masked: both flags, default NaN in lane 0
    REQUIRE_FALSE(t.run({0x0F, 0x58, 0xC1}));
    CHECK((t.mxcsr() & mxcsr_bit::kFlags) == (mxcsr_bit::IE | mxcsr_bit::PE));
    CHECK(t.xmm(0).q[0] == 0x3F800001'FFC00000);
}

TEST_CASE("P6-family hint NOPs: 0F 1F /0 with a memory operand touches nothing", "[simd]") {
    for (CpuModel model : {CpuModel::p6, CpuModel::pentium4}) {
        Flat32 t(model, 0);
        const uint32_t eip = t.cpu().eip;
        REQUIRE_FALSE(t.exec({0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0xF0}));  // nopl [eax+eax+0xF0000000]
        CHECK(t.cpu().eip == eip + 8);
    }
    Flat32 old(CpuModel::pentium, 0);
    auto f = old.exec({0x0F, 0x1F, 0x00});
    REQUIRE(f);
    CHECK(f->vector == vec::UD);
}

TEST_CASE("DAZ is an SSE2-generation bit: the pentium3 refuses it, and says so in MXCSR_MASK", "[simd]") {
    SimdCpu p3(CpuModel::pentium3);
    p3.write32(kMem + 0x40, 0x1F80 | mxcsr_bit::DAZ);
    auto f = p3.run(with_addr({0x0F, 0xAE, 0x15}, kMem + 0x40));  // ldmxcsr
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    REQUIRE_FALSE(p3.run(with_addr({0x0F, 0xAE, 0x05}, kMem)));  // fxsave
    CHECK(p3.read32(kMem + 28) == 0xFFBF);
    SimdCpu p4;
    p4.write32(kMem + 0x40, 0x1F80 | mxcsr_bit::DAZ);
    REQUIRE_FALSE(p4.run(with_addr({0x0F, 0xAE, 0x15}, kMem + 0x40)));
    CHECK(p4.mxcsr() == (0x1F80 | mxcsr_bit::DAZ));
}
