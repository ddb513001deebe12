// VIF/VIP and CR4.PVI at the instruction level (the virtual-8086 side, with
// its monitor and redirection bitmap, is tests/pm/pm_vme.asm).
#include <catch2/catch.hpp>

#include "tests/unit/cpu32_harness.hpp"

using namespace amber;
using amber::test::Flat32;

namespace {
constexpr uint8_t kCli = 0xFA, kSti = 0xFB, kPopfd = 0x9D;
uint32_t virtual_bits(Cpu& c) { return c.flags.raw_bits() & (flag::VIF | flag::VIP); }
}  // namespace

TEST_CASE("VIF and VIP exist from the Pentium on; CR4.VME/PVI too", "[vme]") {
    Flat32 old(CpuModel::i486, 0);
    old.cpu().set_eflags(0x202 | flag::VIF | flag::VIP);
    CHECK(virtual_bits(old.cpu()) == 0);
    CHECK_THROWS_AS(old.cpu().set_cr4(cr4_bit::VME), CpuFault);
    for (CpuModel m : {CpuModel::pentium, CpuModel::p6, CpuModel::pentium4}) {
        Flat32 t(m, 0);
        t.cpu().set_eflags(0x202 | flag::VIF | flag::VIP);
        CHECK(virtual_bits(t.cpu()) == (flag::VIF | flag::VIP));
        t.cpu().set_cr4(cr4_bit::VME | cr4_bit::PVI);
        CHECK(t.cpu().cr4 == (cr4_bit::VME | cr4_bit::PVI));
    }
}

TEST_CASE("POPFD leaves VIF and VIP alone, even at CPL 0", "[vme]") {
    Flat32 t(CpuModel::p6, 0);
    Cpu& c = t.cpu();
    c.r[ESP] = Flat32::kStack - 4;
    t.write32(Flat32::kStack - 4, 0x202 | flag::VIF | flag::VIP | flag::CF);
    REQUIRE_FALSE(t.exec({kPopfd}));
    CHECK(c.flags.cf());
    CHECK(virtual_bits(c) == 0);
}

TEST_CASE("PVI: CLI/STI at CPL 3 with IOPL 0 change VIF; STI with VIP faults", "[vme]") {
    Flat32 t(CpuModel::p6, 3);
    Cpu& c = t.cpu();
    c.set_cr4(cr4_bit::PVI);
    c.set_eflags(0x202 | flag::VIF);
    REQUIRE_FALSE(t.exec_fresh({kCli}));
    CHECK(c.flags.if_());
    CHECK(virtual_bits(c) == 0);
    REQUIRE_FALSE(t.exec_fresh({kSti}));
    CHECK(virtual_bits(c) == flag::VIF);
    c.set_eflags(0x202 | flag::VIP);
    auto f = t.exec_fresh({kSti});
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    CHECK(f->error == 0);
    CHECK(virtual_bits(c) == flag::VIP);
    REQUIRE_FALSE(t.exec_fresh({kCli}));  // disabling is fine with an interrupt pending
    c.set_cr4(0);
    f = t.exec_fresh({kCli});
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
}

TEST_CASE("PVI leaves CPL 1 and 2 alone: CLI with CPL > IOPL still faults", "[vme]") {
    Flat32 t(CpuModel::p6, 1);
    t.cpu().set_cr4(cr4_bit::PVI);
    t.cpu().set_eflags(0x202);
    auto f = t.exec({kCli});
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    CHECK(t.cpu().flags.if_());
}
