// 386 bit instructions in flat 32-bit mode: the memory forms of BT* whose
// register offset reaches outside the operand, BSF/BSR on zero, SHLD/SHRD
// count handling, BSWAP.
#include <catch2/catch.hpp>

#include "tests/unit/cpu32_harness.hpp"

using namespace amber;
using amber::test::Flat32;

TEST_CASE("BT with a register offset addresses whole dwords around the operand, signed") {
    Flat32 t;
    Cpu& c = t.cpu();
    const uint32_t base = Flat32::kData + 0x100;
    c.r[EBX] = base;
    t.write32(base - 4, 0x80000000u);  // bit 31 of the dword below: offset -1

    c.r[ECX] = 0xFFFFFFFFu;  // -1
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xA3, 0x0B}));  // bt [ebx],ecx
    CHECK(t.cf());

    c.r[ECX] = 100;  // dword 3 above, bit 4
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xAB, 0x0B}));  // bts [ebx],ecx
    CHECK_FALSE(t.cf());
    CHECK(t.read32(base + 12) == 0x10);
    CHECK(t.read32(base) == 0);

    c.r[ECX] = uint32_t(-33);  // two dwords below, bit 31
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xBB, 0x0B}));  // btc [ebx],ecx
    CHECK(t.read32(base - 8) == 0x80000000u);
}

TEST_CASE("BT with a 16-bit register offset moves by words, signed") {
    Flat32 t;
    Cpu& c = t.cpu();
    const uint32_t base = Flat32::kData + 0x100;
    c.r[EBX] = base;
    c.r[ECX] = 0xABCDFFEFu;  // CX = -17: the word two below, bit 15; the upper half is ignored
    REQUIRE_FALSE(t.exec_fresh({0x66, 0x0F, 0xB3, 0x0B}));  // btr word [ebx],cx
    CHECK_FALSE(t.cf());
    t.write16(base - 4, 0x8000);
    REQUIRE_FALSE(t.exec_fresh({0x66, 0x0F, 0xB3, 0x0B}));
    CHECK(t.cf());
    CHECK(t.read16(base - 4) == 0);
}

TEST_CASE("BT with an immediate stays within the operand") {
    Flat32 t;
    Cpu& c = t.cpu();
    c.r[EBX] = Flat32::kData;
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xBA, 0x2B, 35}));  // bts dword [ebx],35 -> bit 3
    CHECK(t.read32(Flat32::kData) == 8);
    CHECK(t.read32(Flat32::kData + 4) == 0);
    c.r[EAX] = 0;
    REQUIRE_FALSE(t.exec_fresh({0x66, 0x0F, 0xBA, 0xE8, 17}));  // bts ax,17 -> bit 1
    CHECK(c.r[EAX] == 2);
}

TEST_CASE("BSF and BSR find the lowest and highest set bit; a zero source leaves the destination") {
    Flat32 t;
    Cpu& c = t.cpu();
    c.r[ECX] = 0x00F00100u;
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xBC, 0xC1}));  // bsf eax,ecx
    CHECK(c.r[EAX] == 8);
    CHECK_FALSE(t.zf());
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xBD, 0xC1}));  // bsr eax,ecx
    CHECK(c.r[EAX] == 23);

    c.r[ECX] = 0;
    c.r[EAX] = 0x12345678u;
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xBC, 0xC1}));
    CHECK(t.zf());
    CHECK(c.r[EAX] == 0x12345678u);
    REQUIRE_FALSE(t.exec_fresh({0x66, 0x0F, 0xBD, 0xC1}));  // bsr ax,cx
    CHECK(t.zf());
    CHECK(c.r[EAX] == 0x12345678u);
}

TEST_CASE("SHLD and SHRD fill from the source; counts are masked to 5 bits") {
    Flat32 t;
    Cpu& c = t.cpu();
    auto shld_cl = [&](uint32_t dst, uint32_t src, uint8_t count) {
        c.r[EAX] = dst;
        c.r[EBX] = src;
        c.r[ECX] = count;
        REQUIRE_FALSE(t.exec_fresh({0x0F, 0xA5, 0xD8}));  // shld eax,ebx,cl
        return c.r[EAX];
    };
    CHECK(shld_cl(0x12345678u, 0x9ABCDEF0u, 8) == 0x3456789Au);
    CHECK_FALSE(t.cf());  // the last bit out was bit 24 of 0x12345678
    CHECK(shld_cl(0x80000000u, 0, 33) == 0);  // 33 & 31 = 1
    CHECK(t.cf());
    CHECK(t.of());  // the sign changed

    // Count 0 (after masking) changes nothing, flags included.
    c.flags.set(0x202 | flag::CF | flag::ZF);
    CHECK(shld_cl(0x1234u, 0xFFFFFFFFu, 32) == 0x1234u);
    CHECK(t.cf());
    CHECK(t.zf());

    c.r[EAX] = 0x12345678u;
    c.r[EBX] = 0x9ABCDEF0u;
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xAC, 0xD8, 4}));  // shrd eax,ebx,4
    CHECK(c.r[EAX] == 0x01234567u);
    CHECK(t.cf());  // bit 3 of 0x...78
}

TEST_CASE("16-bit SHLD/SHRD with a count above 16 keep shifting through dst:src:dst") {
    Flat32 t;
    Cpu& c = t.cpu();
    c.r[EAX] = 0xFFFF1234u;
    c.r[EBX] = 0x0000ABCDu;
    REQUIRE_FALSE(t.exec_fresh({0x66, 0x0F, 0xA4, 0xD8, 20}));  // shld ax,bx,20
    CHECK(c.r[EAX] == 0xFFFFBCD1u);  // 1234:ABCD:1234 << 20, top word
    c.r[EAX] = 0xFFFF1234u;
    REQUIRE_FALSE(t.exec_fresh({0x66, 0x0F, 0xAC, 0xD8, 20}));  // shrd ax,bx,20
    CHECK(c.r[EAX] == 0xFFFF4ABCu);  // (1234:ABCD:1234 >> 20), low word
}

TEST_CASE("BSWAP exists from the 486 on") {
    Flat32 t486;
    t486.cpu().r[EDX] = 0x11223344u;
    REQUIRE_FALSE(t486.exec_fresh({0x0F, 0xCA}));  // bswap edx
    CHECK(t486.cpu().r[EDX] == 0x44332211u);

    Flat32 t386(CpuModel::i386);
    auto fault = t386.exec_fresh({0x0F, 0xCA});
    REQUIRE(fault);
    CHECK(fault->vector == vec::UD);
    CHECK(t386.cpu().eip == Flat32::kCode);
}
