// The Pentium and P6 additions: CPUID, the time-stamp counter, MSRs,
// SYSENTER/SYSEXIT, CR4 and global pages.
#include <catch2/catch.hpp>

#include "tests/unit/cpu32_harness.hpp"

using namespace amber;
using amber::test::Flat32;

TEST_CASE("CPUID names the vendor and claims only implemented features") {
    Flat32 t(CpuModel::p6, 0);
    t.cpu().r[EAX] = 0;
    REQUIRE_FALSE(t.exec({0x0F, 0xA2}));
    CHECK(t.cpu().r[EAX] == 1);
    CHECK(t.cpu().r[EBX] == 0x756E6547);  // "Genu"
    t.cpu().r[EAX] = 1;
    REQUIRE_FALSE(t.exec({0x0F, 0xA2}));
    CHECK(((t.cpu().r[EAX] >> 8) & 0xF) == 6);  // family 6
    const uint32_t edx = t.cpu().r[EDX];
    CHECK((edx & (1u << 15)) != 0);  // CMOV
    CHECK((edx & (1u << 8)) != 0);   // CX8
    CHECK((edx & 1u) != 0);          // FPU on chip
    CHECK((edx & (1u << 1)) != 0);   // VME (and PVI)
    CHECK((edx & (1u << 23)) == 0);  // no MMX
    Flat32 pentium(CpuModel::pentium, 0);
    pentium.cpu().r[EAX] = 1;
    REQUIRE_FALSE(pentium.exec({0x0F, 0xA2}));
    CHECK((pentium.cpu().r[EDX] & 1u) != 0);           // FPU
    CHECK((pentium.cpu().r[EDX] & (1u << 1)) != 0);    // VME
    CHECK((pentium.cpu().r[EDX] & (1u << 15)) == 0);  // no CMOV before the P6
    Flat32 old(CpuModel::i486, 0);
    auto f = old.exec({0x0F, 0xA2});
    REQUIRE(f);
    CHECK(f->vector == vec::UD);
}

TEST_CASE("RDTSC counts instructions from WRMSR's value; CR4.TSD keeps it from ring 3") {
    Flat32 t(CpuModel::p6, 0);
    t.cpu().r[ECX] = msr::kTsc;
    t.cpu().r[EAX] = 1000;
    t.cpu().r[EDX] = 0;
    REQUIRE_FALSE(t.exec({0x0F, 0x30}));  // wrmsr
    REQUIRE_FALSE(t.exec({0x90}));
    REQUIRE_FALSE(t.exec({0x0F, 0x31}));  // rdtsc
    CHECK(t.cpu().r[EAX] == 1002);        // two instructions after the write
    t.cpu().set_cr4(cr4_bit::TSD);
    Flat32 u(CpuModel::p6, 3);
    u.cpu().set_cr4(cr4_bit::TSD);
    auto f = u.exec({0x0F, 0x31});
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    t.cpu().r[ECX] = 0x12345;  // no such MSR
    f = t.exec({0x0F, 0x32});
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
}

TEST_CASE("The microcode signature MSR reads back what was written; EFLAGS.ID toggles from the Pentium on") {
    // Linux writes 0 to IA32_BIOS_SIGN_ID and reads it after CPUID to learn the microcode revision.
    Flat32 t(CpuModel::p6, 0);
    t.cpu().r[ECX] = msr::kBiosSignId;
    t.cpu().r[EAX] = 0;
    t.cpu().r[EDX] = 0;
    REQUIRE_FALSE(t.exec({0x0F, 0x30}));  // wrmsr
    t.cpu().r[EDX] = 0xDEAD;
    REQUIRE_FALSE(t.exec({0x0F, 0x32}));  // rdmsr
    CHECK(t.cpu().r[EDX] == 0);
    t.cpu().r[ECX] = msr::kBiosUpdateTrigger;
    REQUIRE_FALSE(t.exec({0x0F, 0x30}));
    // The CPUID check: pushfd; xor dword [esp], 0x200000; popfd; pushfd; pop eax.
    const std::vector<uint8_t> toggle = {0x9C, 0x81, 0x34, 0x24, 0x00, 0x00, 0x20, 0x00, 0x9D, 0x9C, 0x58};
    auto id_after_toggle = [&](Flat32& f) {
        const uint32_t before = f.cpu().flags.get() & flag::ID;
        f.m.memory().write_block(f.cpu().eip, toggle);
        for (int i = 0; i < 5; ++i) REQUIRE_FALSE(f.cpu().step());
        return (f.cpu().r[EAX] & flag::ID) != before;
    };
    CHECK(id_after_toggle(t));
    Flat32 old(CpuModel::i486, 0);
    CHECK_FALSE(id_after_toggle(old));
}

TEST_CASE("SYSENTER and SYSEXIT switch between flat ring-0 and ring-3 segments") {
    Flat32 t(CpuModel::p6, 3);
    t.cpu().msrs.sysenter_cs = 0x10;
    t.cpu().msrs.sysenter_esp = 0x370000;
    t.cpu().msrs.sysenter_eip = 0x200100;
    REQUIRE_FALSE(t.exec({0x0F, 0x34}));
    CHECK(t.cpu().cpl() == 0);
    CHECK(t.cpu().seg[CS].selector == 0x10);
    CHECK(t.cpu().seg[SS].selector == 0x18);
    CHECK(t.cpu().eip == 0x200100);
    CHECK(t.cpu().r[ESP] == 0x370000);
    t.cpu().r[ECX] = 0x360000;
    t.cpu().r[EDX] = 0x200200;
    REQUIRE_FALSE(t.exec({0x0F, 0x35}));
    CHECK(t.cpu().cpl() == 3);
    CHECK(t.cpu().seg[CS].selector == 0x23);
    CHECK(t.cpu().seg[SS].selector == 0x2B);
    CHECK(t.cpu().eip == 0x200200);
}

TEST_CASE("CR4 accepts only what the model implements; global pages survive a CR3 load") {
    Flat32 t(CpuModel::p6, 0);
    t.cpu().r[EAX] = cr4_bit::MCE;
    auto f = t.exec({0x0F, 0x22, 0xE0});  // mov cr4, eax: MCE is not implemented
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    // Identity-map the first 4 MiB; the page at 0x300000 global.
    Machine& m = t.m;
    m.memory().write<uint32_t>(0x10000, 0x11000 | 7);
    for (uint32_t p = 0; p < 1024; ++p) m.memory().write<uint32_t>(0x11000 + 4 * p, (p << 12) | 7);
    m.memory().write<uint32_t>(0x11000 + 4 * 0x300, 0x300000 | 7 | 0x100);
    Cpu& c = t.cpu();
    c.set_cr4(cr4_bit::PGE);
    c.set_cr3(0x10000);
    c.set_cr0(c.cr0 | cr0_bit::PG);
    m.memory().write<uint32_t>(0x300000, 0xAAAA);
    m.memory().write<uint32_t>(0x301000, 0xBBBB);
    REQUIRE_FALSE(t.exec_fresh({0xA1, 0x00, 0x00, 0x30, 0x00}));  // mov eax, [0x300000]: fills a global entry
    REQUIRE_FALSE(t.exec_fresh({0xA1, 0x00, 0x10, 0x30, 0x00}));  // mov eax, [0x301000]
    // Remap both pages to 0x302000 and reload CR3: the global one stays stale.
    m.memory().write<uint32_t>(0x302000, 0xCCCC);
    m.memory().write<uint32_t>(0x11000 + 4 * 0x300, 0x302000 | 7 | 0x100);
    m.memory().write<uint32_t>(0x11000 + 4 * 0x301, 0x302000 | 7);
    c.set_cr3(0x10000);
    REQUIRE_FALSE(t.exec_fresh({0xA1, 0x00, 0x00, 0x30, 0x00}));
    CHECK(c.r[EAX] == 0xAAAA);
    REQUIRE_FALSE(t.exec_fresh({0xA1, 0x00, 0x10, 0x30, 0x00}));
    CHECK(c.r[EAX] == 0xCCCC);
}

TEST_CASE("PAE paging: three levels of 64-bit entries, 2 MiB pages, PDPTEs checked on the CR3 load") {
    Flat32 t(CpuModel::p6, 0);
    Machine& m = t.m;
    Cpu& c = t.cpu();
    // PDPT at 0x10000: entry 0 -> page directory at 0x11000.
    m.memory().write<uint64_t>(0x10000, 0x11000 | 1);
    // PDE 0 -> page table at 0x12000 (first 2 MiB in 4 KiB pages); PDE 1: a 2 MiB page at 0x200000.
    m.memory().write<uint64_t>(0x11000, 0x12000 | 7);
    m.memory().write<uint64_t>(0x11008, 0x200000 | 0x87);
    for (uint64_t p = 0; p < 512; ++p) m.memory().write<uint64_t>(0x12000 + 8 * p, (p << 12) | 7);
    m.memory().write<uint64_t>(0x12000 + 8 * 0x50, 0x60000 | 7);  // 0x50000 -> 0x60000
    c.set_cr4(cr4_bit::PAE);
    c.set_cr3(0x10000);
    c.set_cr0(c.cr0 | cr0_bit::PG);
    m.memory().write<uint32_t>(0x60000, 0x6666);
    REQUIRE_FALSE(t.exec_fresh({0xA1, 0x00, 0x00, 0x05, 0x00}));  // mov eax, [0x50000]
    CHECK(c.r[EAX] == 0x6666);
    CHECK((m.memory().read<uint64_t>(0x12000 + 8 * 0x50) & 0x20) != 0);  // accessed
    m.memory().write<uint32_t>(0x301234, 0x3333);
    REQUIRE_FALSE(t.exec_fresh({0xA1, 0x34, 0x12, 0x30, 0x00}));  // in the 2 MiB page (code runs there too)
    CHECK(c.r[EAX] == 0x3333);
    // A reserved bit in a present PDPTE: the CR3 load faults and CR3 keeps its value.
    m.memory().write<uint64_t>(0x20000, 0x11000 | 1 | 0x2);
    t.cpu().r[EAX] = 0x20000;
    auto f = t.exec_fresh({0x0F, 0x22, 0xD8});  // mov cr3, eax
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    CHECK(c.cr3 == 0x10000);
}
