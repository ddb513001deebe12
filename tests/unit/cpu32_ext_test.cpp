// 386/486 instructions in flat 32-bit mode: XADD and CMPXCHG register
// aliasing, a divide error that commits nothing, read-modify-write across a
// page boundary, MOVZX/MOVSX, SETcc.
#include <catch2/catch.hpp>

#include "tests/unit/cpu32_harness.hpp"

using namespace amber;
using amber::test::Flat32;

TEST_CASE("XADD: the sum wins when both operands are the same register") {
    Flat32 t;
    Cpu& c = t.cpu();
    c.r[EAX] = 5;
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xC1, 0xC0}));  // xadd eax,eax
    CHECK(c.r[EAX] == 10);

    c.r[EBX] = Flat32::kData;
    c.r[ECX] = 0xFFFFFFFFu;
    t.write32(Flat32::kData, 1);
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xC1, 0x0B}));  // xadd [ebx],ecx
    CHECK(t.read32(Flat32::kData) == 0);
    CHECK(c.r[ECX] == 1);
    CHECK(t.cf());
    CHECK(t.zf());
}

TEST_CASE("CMPXCHG stores the source when equal, loads the accumulator when not") {
    Flat32 t;
    Cpu& c = t.cpu();
    c.r[EAX] = 7;
    c.r[ECX] = 7;
    c.r[EDX] = 99;
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xB1, 0xD1}));  // cmpxchg ecx,edx
    CHECK(t.zf());
    CHECK(c.r[ECX] == 99);
    CHECK(c.r[EAX] == 7);

    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xB1, 0xD1}));  // now ECX=99 != EAX=7
    CHECK_FALSE(t.zf());
    CHECK(c.r[EAX] == 99);
    CHECK(c.r[ECX] == 99);
    CHECK(t.cf());  // flags of EAX - ECX = 7 - 99, which borrows
}

TEST_CASE("CMPXCHG with the accumulator as destination") {
    Flat32 t;
    Cpu& c = t.cpu();
    c.r[EAX] = 0x1234;
    c.r[ECX] = 0x5678;
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xB1, 0xC8}));  // cmpxchg eax,ecx: always equal
    CHECK(t.zf());
    CHECK(c.r[EAX] == 0x5678);
}

TEST_CASE("XADD and CMPXCHG are #UD on the 386") {
    Flat32 t(CpuModel::i386);
    for (std::vector<uint8_t> code : {std::vector<uint8_t>{0x0F, 0xC1, 0xC0}, std::vector<uint8_t>{0x0F, 0xB1, 0xD1}}) {
        auto fault = t.exec_fresh(code);
        REQUIRE(fault);
        CHECK(fault->vector == vec::UD);
    }
}

TEST_CASE("a 32-bit divide error changes no register and no flag") {
    Flat32 t;
    Cpu& c = t.cpu();
    c.r[EAX] = 0;
    c.r[EDX] = 5;
    c.r[ECX] = 5;  // EDX:EAX / 5 does not fit in 32 bits
    c.flags.set(0x202 | flag::CF | flag::SF);
    const uint32_t flags_before = c.flags.get();
    auto fault = t.exec_fresh({0xF7, 0xF1});  // div ecx
    REQUIRE(fault);
    CHECK(fault->vector == vec::DE);
    CHECK(c.eip == Flat32::kCode);
    CHECK(c.r[EAX] == 0);
    CHECK(c.r[EDX] == 5);
    CHECK(c.flags.get() == flags_before);
    CHECK(c.r[ESP] == Flat32::kStack);
    CHECK(t.read32(Flat32::kStack - 4) == 0);  // nothing was pushed

    c.r[EDX] = 0xFFFFFFFFu;  // EDX:EAX = -2^32, / -1 overflows
    c.r[EAX] = 0;
    c.r[ECX] = 0xFFFFFFFFu;
    fault = t.exec_fresh({0xF7, 0xF9});  // idiv ecx
    REQUIRE(fault);
    CHECK(fault->vector == vec::DE);
    CHECK(c.r[EDX] == 0xFFFFFFFFu);
}

TEST_CASE("IDIV can produce the most negative 32-bit quotient") {
    Flat32 t;
    Cpu& c = t.cpu();
    c.r[EDX] = 0xFFFFFFFFu;  // EDX:EAX = -2^31 * 2
    c.r[EAX] = 0x00000000u;
    c.r[ECX] = 2;
    REQUIRE_FALSE(t.exec_fresh({0xF7, 0xF9}));  // idiv ecx
    CHECK(c.r[EAX] == 0x80000000u);
    CHECK(c.r[EDX] == 0);
}

TEST_CASE("read-modify-write of a dword that straddles a page boundary") {
    Flat32 t;
    Cpu& c = t.cpu();
    const uint32_t at = Flat32::kData + 0xFFE;
    t.write32(at, 0x0000FFFFu);
    c.r[EBX] = at;
    c.r[EAX] = 1;
    REQUIRE_FALSE(t.exec_fresh({0x01, 0x03}));  // add [ebx],eax
    CHECK(t.read32(at) == 0x00010000u);
    c.r[ECX] = 0xAABBCCDDu;
    REQUIRE_FALSE(t.exec_fresh({0x87, 0x0B}));  // xchg [ebx],ecx
    CHECK(t.read32(at) == 0xAABBCCDDu);
    CHECK(c.r[ECX] == 0x00010000u);
}

TEST_CASE("MOVZX, MOVSX and SETcc") {
    Flat32 t;
    Cpu& c = t.cpu();
    c.r[EBX] = Flat32::kData;
    t.write16(Flat32::kData, 0x8081);
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xB6, 0x03}));  // movzx eax,byte [ebx]
    CHECK(c.r[EAX] == 0x81);
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xBF, 0x03}));  // movsx eax,word [ebx]
    CHECK(c.r[EAX] == 0xFFFF8081u);
    c.r[EAX] = 0x12345678u;
    REQUIRE_FALSE(t.exec_fresh({0x66, 0x0F, 0xBE, 0x03}));  // movsx ax,byte [ebx]
    CHECK(c.r[EAX] == 0x1234FF81u);

    c.flags.set(0x202 | flag::CF);
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0x92, 0x03}));  // setb [ebx]
    CHECK(t.read16(Flat32::kData) == 0x8001);
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0x97, 0xC4}));  // seta ah
    CHECK(c.r[EAX] == 0x12340081u);
}

TEST_CASE("IMUL Gv,Ev truncates and reports overflow in CF and OF") {
    Flat32 t;
    Cpu& c = t.cpu();
    c.r[EAX] = 0x10000;
    c.r[ECX] = 0x10000;
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xAF, 0xC1}));  // imul eax,ecx
    CHECK(c.r[EAX] == 0);
    CHECK(t.cf());
    CHECK(t.of());
    c.r[EAX] = uint32_t(-3);
    c.r[ECX] = 7;
    REQUIRE_FALSE(t.exec_fresh({0x0F, 0xAF, 0xC1}));
    CHECK(c.r[EAX] == uint32_t(-21));
    CHECK_FALSE(t.cf());
}
