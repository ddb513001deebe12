// 32-bit operand sizes of the stack and flag instructions (PUSH/POP of
// segment registers, PUSHFD/POPFD, IRETD, LSS), POPF's privilege rules, and
// REP MOVSD/STOSD with 32-bit addressing.
#include <catch2/catch.hpp>

#include <vector>

#include "tests/unit/cpu32_harness.hpp"

using namespace amber;
using amber::test::Flat32;

namespace {
// A 386 in real mode at 0000:0100 with SS:SP = 0000:F000.
struct Real386 {
    Machine m{MachineConfig{CpuModel::i386, 640 * 1024, 0, {}, 1'000'000}};
    Real386() {
        Cpu& c = m.cpu();
        for (unsigned sr : {ES, CS, SS, DS, FS, GS}) c.load_segment(sr, 0);
        c.eip = 0x100;
        c.r[ESP] = 0xF000;
    }
    std::optional<CpuFault> exec(const std::vector<uint8_t>& code) {
        m.cpu().eip = 0x100;
        m.memory().write_block(0x100, code);
        return m.cpu().step();
    }
};
}  // namespace

TEST_CASE("PUSH/POP of a segment register move the stack pointer by the operand size") {
    Real386 t;
    Cpu& c = t.m.cpu();
    c.load_segment(DS, 0x1234);
    t.m.memory().write<uint32_t>(0xEFFC, 0xFFFFFFFFu);
    REQUIRE_FALSE(t.exec({0x66, 0x1E}));  // push ds (o32)
    CHECK(c.r[ESP] == 0xEFFC);
    CHECK(t.m.memory().read<uint32_t>(0xEFFC) == 0x1234);
    REQUIRE_FALSE(t.exec({0x66, 0x0F, 0xA1}));  // pop fs (o32)
    CHECK(c.r[ESP] == 0xF000);
    CHECK(c.seg[FS].selector == 0x1234);
    CHECK(c.seg[FS].base == 0x12340);
    REQUIRE_FALSE(t.exec({0x0F, 0xA8}));  // push gs (o16)
    CHECK(c.r[ESP] == 0xEFFE);
}

TEST_CASE("LSS loads SS and a 32-bit stack pointer") {
    Real386 t;
    Cpu& c = t.m.cpu();
    t.m.memory().write<uint32_t>(0x2000, 0x00012345u);
    t.m.memory().write<uint16_t>(0x2004, 0x0800);
    REQUIRE_FALSE(t.exec({0x66, 0x0F, 0xB2, 0x26, 0x00, 0x20}));  // lss esp,[0x2000]
    CHECK(c.r[ESP] == 0x00012345u);
    CHECK(c.seg[SS].selector == 0x0800);
    CHECK(c.seg[SS].base == 0x8000);
}

TEST_CASE("IRETD in real mode pops 32-bit EIP, CS and EFLAGS") {
    Real386 t;
    Cpu& c = t.m.cpu();
    c.r[ESP] = 0xEFF4;
    t.m.memory().write<uint32_t>(0xEFF4, 0x00000200u);  // EIP
    t.m.memory().write<uint32_t>(0xEFF8, 0x00000010u);  // CS
    t.m.memory().write<uint32_t>(0xEFFC, 0x00000ED7u);  // EFLAGS: OF DF IF SF ZF AF PF CF, ~TF
    REQUIRE_FALSE(t.exec({0x66, 0xCF}));
    CHECK(c.eip == 0x200);
    CHECK(c.seg[CS].selector == 0x10);
    CHECK(c.r[ESP] == 0xF000);
    CHECK((c.flags.get() & 0xFFF) == 0xED7);
}

TEST_CASE("PUSHFD leaves out VM and RF; POPFD sets AC only on the 486") {
    for (CpuModel model : {CpuModel::i386, CpuModel::i486}) {
        Flat32 t(model, 0);
        Cpu& c = t.cpu();
        t.write32(Flat32::kStack - 4, flag::AC | 0x202);
        c.r[ESP] = Flat32::kStack - 4;
        REQUIRE_FALSE(t.exec_fresh({0x9D}));  // popfd
        CHECK(c.r[ESP] == Flat32::kStack);
        CHECK(((c.flags.get() & flag::AC) != 0) == (model == CpuModel::i486));
        REQUIRE_FALSE(t.exec_fresh({0x9C}));  // pushfd
        CHECK(c.r[ESP] == Flat32::kStack - 4);
        CHECK((t.read32(Flat32::kStack - 4) & ~flag::AC) == 0x202);
    }
}

TEST_CASE("POPF at CPL 3 keeps IOPL, and IF while CPL > IOPL") {
    auto popf = [](unsigned cpl, uint32_t before, uint16_t popped) {
        Flat32 t(CpuModel::i486, cpl);
        Cpu& c = t.cpu();
        c.flags.set(before);
        c.r[ESP] = Flat32::kStack - 2;
        t.write16(Flat32::kStack - 2, popped);
        REQUIRE_FALSE(t.exec_fresh({0x66, 0x9D}));  // popf (o16)
        return c.flags.get() & 0xFFFF;
    };
    CHECK(popf(3, 0x0202, 0x3002) == 0x0202);           // IF kept, IOPL kept
    CHECK(popf(3, 0x3202, 0x0002) == 0x3002);           // IOPL 3: IF may change, IOPL not
    CHECK(popf(0, 0x0202, 0x7002) == 0x7002);           // CPL 0: everything, NT included
    CHECK(popf(3, 0x0202, 0x48D7) == 0x4AD7);           // NT, OF and the arithmetic flags change
}

TEST_CASE("REP MOVSD with 32-bit addressing copies whole dwords even when they overlap") {
    Flat32 t;
    Cpu& c = t.cpu();
    const uint32_t src = Flat32::kData + 0xFF0;  // the copy crosses a page
    for (uint32_t k = 0; k < 64; ++k) t.m.memory().write8(src + k, uint8_t(k + 1));
    c.r[ESI] = src;
    c.r[EDI] = src + 1;
    c.r[ECX] = 8;
    REQUIRE_FALSE(t.exec_fresh({0xF3, 0xA5}));  // rep movsd
    CHECK(c.r[ECX] == 0);
    CHECK(c.r[ESI] == src + 32);
    CHECK(c.r[EDI] == src + 33);
    // Each dword is read after the previous one was written one byte higher.
    std::vector<uint8_t> expect(64);
    for (uint32_t k = 0; k < 64; ++k) expect[k] = uint8_t(k + 1);
    for (uint32_t e = 0; e < 8; ++e) {
        uint8_t tmp[4];
        for (int b = 0; b < 4; ++b) tmp[b] = expect[e * 4 + b];
        for (int b = 0; b < 4; ++b) expect[1 + e * 4 + b] = tmp[b];
    }
    for (uint32_t k = 0; k < 64; ++k) REQUIRE(t.m.memory().read8(src + k) == expect[k]);
}

TEST_CASE("REP STOSD with 32-bit addressing fills across pages and counts ECX") {
    Flat32 t;
    Cpu& c = t.cpu();
    c.r[EDI] = Flat32::kData + 0x800;
    c.r[ECX] = 0x10000 + 0x400;  // more than a 16-bit count could hold
    c.r[EAX] = 0xA5A5A5A5u;
    REQUIRE_FALSE(t.exec_fresh({0xF3, 0xAB}));  // rep stosd
    CHECK(c.r[ECX] == 0);
    CHECK(c.r[EDI] == Flat32::kData + 0x800 + 4 * 0x10400);
    CHECK(t.read32(Flat32::kData + 0x800) == 0xA5A5A5A5u);
    CHECK(t.read32(Flat32::kData + 0x800 + 4 * 0x103FF) == 0xA5A5A5A5u);
    CHECK(t.read32(Flat32::kData + 0x800 + 4 * 0x10400) == 0);
}
