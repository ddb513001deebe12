// Protected mode through the whole CPU: descriptor tables in guest memory,
// instructions executed by step(), faults delivered through the IDT. The
// rules themselves are tested in protection_test.cpp and paging_test.cpp;
// these tests check that the CPU wires them up (stack switches, frames,
// CR2, the TLB, task switches, virtual-8086 mode).
#include <catch2/catch.hpp>

#include <vector>

#include "machine/machine.hpp"

using namespace amber;

namespace {

// A 486 in 32-bit protected mode at CPL 0 with flat segments, a GDT, an IDT
// whose every vector leads to a HLT at kHandler, and a TSS with ESP0.
struct Pm {
    static constexpr uint32_t kGdt = 0x1000, kIdt = 0x2000, kTss = 0x3000, kTss2 = 0x3200;
    static constexpr uint32_t kPageDir = 0x10000, kPageTable = 0x11000;
    static constexpr uint32_t kCode = 0x20000, kHandler = 0x28000, kData = 0x40000;
    static constexpr uint32_t kStack0 = 0x30000, kStack3 = 0x38000;
    static constexpr uint16_t kCode0 = 0x08, kData0 = 0x10, kCode3 = 0x1B, kData3 = 0x23, kTssSel = 0x28,
                              kGate = 0x33, kTss2Sel = 0x38, kCode16 = 0x40;

    Machine m{MachineConfig{CpuModel::i486, 640 * 1024, 4u << 20, {}, 1'000'000}};
    Cpu& c = m.cpu();
    PhysMemory& mem = m.memory();

    void descriptor(unsigned index, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
        const uint32_t lo = (limit & 0xFFFF) | (base << 16);
        const uint32_t hi = ((base >> 16) & 0xFF) | (uint32_t(access) << 8) | (limit & 0xF0000) |
                            (uint32_t(flags) << 20) | (base & 0xFF000000u);
        mem.write<uint32_t>(kGdt + index * 8, lo);
        mem.write<uint32_t>(kGdt + index * 8 + 4, hi);
    }
    void gate(uint32_t table, unsigned index, uint16_t sel, uint32_t off, uint8_t access, uint8_t params = 0) {
        mem.write<uint32_t>(table + index * 8, (off & 0xFFFF) | (uint32_t(sel) << 16));
        mem.write<uint32_t>(table + index * 8 + 4, (off & 0xFFFF0000u) | (uint32_t(access) << 8) | params);
    }

    Pm() {
        descriptor(1, 0, 0xFFFFF, 0x9B, 0xC);  // ring-0 code, 32-bit, 4 GiB
        descriptor(2, 0, 0xFFFFF, 0x93, 0xC);  // ring-0 data
        descriptor(3, 0, 0xFFFFF, 0xFB, 0xC);  // ring-3 code
        descriptor(4, 0, 0xFFFFF, 0xF3, 0xC);  // ring-3 data
        descriptor(5, kTss, 0x67, 0x89, 0);    // 386 TSS, available
        gate(kGdt, 6, kCode0, kHandler + 0x100, 0xEC, 2);  // 386 call gate, DPL 3, two parameters
        descriptor(7, kTss2, 0x67, 0x89, 0);
        descriptor(8, 0, 0xFFFF, 0x9B, 0x0);   // 16-bit ring-0 code
        for (unsigned v = 0; v < 256; ++v) gate(kIdt, v, kCode0, kHandler, 0x8E);  // interrupt gates, DPL 0
        mem.write<uint32_t>(kTss + 4, kStack0);  // ESP0
        mem.write<uint32_t>(kTss + 8, kData0);   // SS0
        mem.write<uint16_t>(kTss + 0x66, 0x68);  // I/O bitmap right after the TSS...
        mem.write8(kHandler, 0xF4);              // hlt
        c.gdtr = {kGdt, 9 * 8 - 1};
        c.idtr = {kIdt, 256 * 8 - 1};
        c.set_cr0(cr0_bit::PE | cr0_bit::ET);
        c.next_eip = c.eip;
        c.far_jump(kCode0, kCode);
        for (unsigned sr : {ES, SS, DS, FS, GS}) c.load_segment(sr, kData0);
        c.r[ESP] = kStack0;
        mem.write<uint16_t>(kGdt + 0x28 + 5, 0x8B);  // TR: the TSS, busy
        c.tr = Segment{kTssSel, kTss, 0x67, 0x8B};
    }

    // Places `code` at EIP and executes one instruction.
    std::optional<CpuFault> exec(const std::vector<uint8_t>& code) {
        mem.write_block(c.seg[CS].base + c.eip, code);
        return c.step();
    }
    // Identity-maps the first 4 MiB with user, writable 4 KiB pages and turns paging on.
    void enable_paging() {
        mem.write<uint32_t>(kPageDir, kPageTable | 0x7);
        for (uint32_t p = 0; p < 1024; ++p) mem.write<uint32_t>(kPageTable + p * 4, (p << 12) | 0x7);
        c.set_cr3(kPageDir);
        c.set_cr0(c.cr0 | cr0_bit::PG);
    }
    void set_pte(uint32_t lin, uint32_t v) { mem.write<uint32_t>(kPageTable + (lin >> 12) * 4, v); }
    uint32_t get_pte(uint32_t lin) { return mem.read<uint32_t>(kPageTable + (lin >> 12) * 4); }
    // Drops to ring 3 at kCode with the ring-3 stack (IRET from ring 0).
    void enter_ring3() {
        const bool ring0_data = c.seg[DS].selector == kData0;
        c.r[ESP] = kStack0 - 20;
        mem.write<uint32_t>(kStack0 - 20, kCode);
        mem.write<uint32_t>(kStack0 - 16, kCode3);
        mem.write<uint32_t>(kStack0 - 12, 0x202);
        mem.write<uint32_t>(kStack0 - 8, kStack3);
        mem.write<uint32_t>(kStack0 - 4, kData3);
        REQUIRE_FALSE(exec({0xCF}));  // iretd
        REQUIRE(c.cpl() == 3);
        if (ring0_data) CHECK(c.seg[DS].selector == 0);  // a ring-0 data segment is nulled on the way out
        c.load_segment(DS, kData3);
    }
};

}  // namespace

TEST_CASE("MOV CR0 and a far jump enter protected mode with 32-bit code") {
    Machine m{MachineConfig{CpuModel::i386, 640 * 1024, 0, {}, 1'000'000}};
    Cpu& c = m.cpu();
    PhysMemory& mem = m.memory();
    for (unsigned sr : {ES, CS, SS, DS, FS, GS}) c.load_segment(sr, 0);
    c.eip = 0x100;
    // GDT at 0x800: null, code 0x08 (32-bit), data 0x10; pseudo-descriptor at 0x900.
    mem.write<uint64_t>(0x808, 0x00CF9A000000FFFFull);
    mem.write<uint64_t>(0x810, 0x00CF92000000FFFFull);
    mem.write<uint16_t>(0x900, 0x17);
    mem.write<uint32_t>(0x902, 0x800);
    const std::vector<uint8_t> code = {
        0x0F, 0x01, 0x16, 0x00, 0x09,        // lgdt [0x900]
        0x0F, 0x20, 0xC0,                    // mov eax, cr0
        0x0C, 0x01,                          // or al, 1
        0x0F, 0x22, 0xC0,                    // mov cr0, eax
        0x66, 0xEA, 0x00, 0x02, 0, 0, 0x08, 0x00,  // jmp dword 0x08:0x200
    };
    mem.write_block(0x100, code);
    for (int k = 0; k < 5; ++k) REQUIRE_FALSE(c.step());
    CHECK(c.protected_mode());
    CHECK(c.seg[CS].selector == 0x08);
    CHECK(c.code32());
    CHECK(c.eip == 0x200);
    CHECK(c.cpl() == 0);
    // The Accessed bit was written back to the descriptor.
    CHECK((mem.read8(0x80D) & 1) == 1);
    // A data load in protected mode takes base and limit from the descriptor.
    mem.write_block(0x200, std::vector<uint8_t>{0x66, 0xB8, 0x10, 0x00, 0x8E, 0xD8});  // mov ax,0x10; mov ds,ax
    REQUIRE_FALSE(c.step());
    REQUIRE_FALSE(c.step());
    CHECK(c.seg[DS].limit == 0xFFFFFFFFu);
}

TEST_CASE("A null data segment faults on use, not on load") {
    Pm t;
    REQUIRE_FALSE(t.exec({0x31, 0xC0}));  // xor eax, eax
    REQUIRE_FALSE(t.exec({0x8E, 0xD8}));  // mov ds, ax
    t.c.idtr.limit = 0;                   // faults stop here instead of being handled
    auto f = t.exec({0x8B, 0x05, 0x00, 0x00, 0x04, 0x00});  // mov eax, [0x40000]
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    CHECK(f->error == 0);
}

TEST_CASE("Writing through a read-only data segment or a code segment is #GP(0)") {
    Pm t;
    t.descriptor(9, 0, 0xFFFFF, 0x91, 0xC);  // read-only data
    t.c.gdtr.limit = 10 * 8 - 1;
    REQUIRE_FALSE(t.exec({0x66, 0xB8, 0x48, 0x00}));  // mov ax, 0x48
    REQUIRE_FALSE(t.exec({0x8E, 0xC0}));              // mov es, ax
    t.c.idtr.limit = 0;
    auto f = t.exec({0x26, 0xC6, 0x05, 0x00, 0x00, 0x04, 0x00, 0x01});  // mov byte [es:0x40000], 1
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    t.c.halted = t.c.shutdown = false;
    f = t.exec({0x2E, 0xC6, 0x05, 0x00, 0x00, 0x04, 0x00, 0x01});  // mov byte [cs:0x40000], 1
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
}

TEST_CASE("An interrupt from ring 3 switches to the TSS's ring-0 stack and IRET returns") {
    Pm t;
    t.enter_ring3();
    auto f = t.exec({0xCD, 0x40});  // int 0x40: its gate is DPL 0
    REQUIRE(f);  // step() reports the fault it delivered
    CHECK(f->vector == vec::GP);
    // INT n through a gate more privileged than CPL 3: #GP(vector*8+2) to its handler.
    CHECK(t.c.eip == Pm::kHandler);
    CHECK(t.c.cpl() == 0);
    CHECK(t.c.r[ESP] == Pm::kStack0 - 24);
    CHECK(t.mem.read<uint32_t>(Pm::kStack0 - 24) == 0x40 * 8 + 2);  // error code
    CHECK(t.mem.read<uint32_t>(Pm::kStack0 - 20) == Pm::kCode);     // EIP of the INT
    CHECK(t.mem.read<uint32_t>(Pm::kStack0 - 16) == Pm::kCode3);
    CHECK(t.mem.read<uint32_t>(Pm::kStack0 - 8) == Pm::kStack3);    // old ESP
    CHECK(t.mem.read<uint32_t>(Pm::kStack0 - 4) == Pm::kData3);     // old SS

    // A DPL-3 gate admits it: same frame without an error code; IRET goes back.
    Pm u;
    u.gate(Pm::kIdt, 0x40, Pm::kCode0, Pm::kHandler + 0x10, 0xEE);
    u.mem.write8(Pm::kHandler + 0x10, 0xCF);  // iretd
    u.enter_ring3();
    REQUIRE_FALSE(u.exec({0xCD, 0x40}));
    CHECK(u.c.eip == Pm::kHandler + 0x10);
    CHECK(!u.c.flags.if_());  // an interrupt gate clears IF
    CHECK(u.c.r[ESP] == Pm::kStack0 - 20);
    REQUIRE_FALSE(u.c.step());  // iretd
    CHECK(u.c.cpl() == 3);
    CHECK(u.c.eip == Pm::kCode + 2);
    CHECK(u.c.r[ESP] == Pm::kStack3);
    CHECK(u.c.seg[SS].selector == Pm::kData3);
    CHECK(u.c.flags.if_());
}

TEST_CASE("A call gate from ring 3 copies parameters to the inner stack; RETF n returns") {
    Pm t;
    t.mem.write_block(Pm::kHandler + 0x100, std::vector<uint8_t>{0xCA, 0x08, 0x00});  // retf 8
    t.enter_ring3();
    t.c.r[ESP] = Pm::kStack3 - 8;
    t.mem.write<uint32_t>(Pm::kStack3 - 8, 0x11111111);
    t.mem.write<uint32_t>(Pm::kStack3 - 4, 0x22222222);
    REQUIRE_FALSE(t.exec({0x9A, 0, 0, 0, 0, 0x33, 0x00}));  // call 0x33:0 (the gate)
    CHECK(t.c.cpl() == 0);
    CHECK(t.c.eip == Pm::kHandler + 0x100);
    const uint32_t sp = t.c.r[ESP];
    CHECK(sp == Pm::kStack0 - 24);
    CHECK(t.mem.read<uint32_t>(sp) == Pm::kCode + 7);  // return EIP
    CHECK(t.mem.read<uint32_t>(sp + 4) == Pm::kCode3);
    CHECK(t.mem.read<uint32_t>(sp + 8) == 0x11111111);   // parameters, in the same order
    CHECK(t.mem.read<uint32_t>(sp + 12) == 0x22222222);
    CHECK(t.mem.read<uint32_t>(sp + 16) == Pm::kStack3 - 8);
    CHECK(t.mem.read<uint32_t>(sp + 20) == Pm::kData3);
    REQUIRE_FALSE(t.c.step());  // retf 8
    CHECK(t.c.cpl() == 3);
    CHECK(t.c.eip == Pm::kCode + 7);
    CHECK(t.c.r[ESP] == Pm::kStack3);
}

TEST_CASE("Privileged instructions at ring 3 raise #GP(0)") {
    Pm t;
    t.enter_ring3();
    t.c.idtr.limit = 0;
    for (const std::vector<uint8_t>& code : std::vector<std::vector<uint8_t>>{
             {0xF4}, {0x0F, 0x22, 0xD8}, {0x0F, 0x01, 0x15, 0, 0, 4, 0}, {0xFA}, {0xE4, 0x60}}) {
        t.c.halted = t.c.shutdown = false;
        auto f = t.exec(code);
        REQUIRE(f);
        CHECK(f->vector == vec::GP);
        CHECK(f->error == 0);
    }
}

TEST_CASE("Page faults report CR2 and the error code; a split store faults before writing") {
    Pm t;
    t.enable_paging();
    t.set_pte(0x50000, 0);  // not present
    t.c.flush_tlb();
    REQUIRE(t.exec({0x8B, 0x05, 0x10, 0x00, 0x05, 0x00}));  // mov eax, [0x50010]: #PF
    CHECK(t.c.eip == Pm::kHandler);
    CHECK(t.c.cr2 == 0x50010);
    CHECK(t.mem.read<uint32_t>(Pm::kStack0 - 16) == 0);  // supervisor read, not present

    // A dword store at 0x4FFFE: the second page is absent, the first keeps its bytes.
    Pm u;
    u.enable_paging();
    u.set_pte(0x50000, 0);
    u.c.flush_tlb();
    u.mem.write<uint16_t>(0x4FFFE, 0xAAAA);
    REQUIRE(u.exec({0xC7, 0x05, 0xFE, 0xFF, 0x04, 0x00, 0x78, 0x56, 0x34, 0x12}));  // mov dword [0x4fffe], ...
    CHECK(u.c.cr2 == 0x50000);
    CHECK(u.mem.read<uint32_t>(Pm::kStack0 - 16) == 2);  // supervisor write, not present
    CHECK(u.mem.read<uint16_t>(0x4FFFE) == 0xAAAA);
}

TEST_CASE("User pages, read-only pages and CR0.WP") {
    Pm t;
    t.enable_paging();
    t.set_pte(0x41000, 0x41000 | 0x5);  // user, read-only
    t.set_pte(0x42000, 0x42000 | 0x3);  // supervisor, writable
    t.c.flush_tlb();
    // Ring 0 writes a read-only page while WP is clear...
    REQUIRE_FALSE(t.exec({0xC6, 0x05, 0x00, 0x10, 0x04, 0x00, 0x01}));  // mov byte [0x41000], 1
    CHECK(t.mem.read8(0x41000) == 1);
    // ...and faults once WP is set.
    t.c.set_cr0(t.c.cr0 | cr0_bit::WP);
    REQUIRE(t.exec({0xC6, 0x05, 0x00, 0x10, 0x04, 0x00, 0x02}));
    CHECK(t.c.cr2 == 0x41000);
    CHECK(t.mem.read<uint32_t>(Pm::kStack0 - 16) == 3);  // present, write, supervisor

    Pm u;
    u.enable_paging();
    u.set_pte(0x41000, 0x41000 | 0x5);
    u.set_pte(0x42000, 0x42000 | 0x3);
    u.c.flush_tlb();
    u.enter_ring3();
    REQUIRE_FALSE(u.exec({0x8A, 0x05, 0x00, 0x10, 0x04, 0x00}));  // mov al, [0x41000]: allowed
    REQUIRE(u.exec({0xC6, 0x05, 0x00, 0x10, 0x04, 0x00, 0x02}));  // write: #PF
    CHECK(u.c.cr2 == 0x41000);
    CHECK(u.mem.read<uint32_t>(Pm::kStack0 - 24) == 7);  // present, write, user
    u.enter_ring3();
    REQUIRE(u.exec({0x8A, 0x05, 0x00, 0x20, 0x04, 0x00}));  // mov al, [0x42000]: supervisor page
    CHECK(u.c.cr2 == 0x42000);
    CHECK(u.mem.read<uint32_t>(Pm::kStack0 - 24) == 5);
}

TEST_CASE("Accessed and Dirty are set; the TLB sees a changed PTE only after INVLPG or a CR3 load") {
    Pm t;
    t.enable_paging();
    t.mem.write<uint32_t>(0x43000, 0x43434343);
    t.mem.write<uint32_t>(0x44000, 0x44444444);
    REQUIRE_FALSE(t.exec({0xA1, 0x00, 0x30, 0x04, 0x00}));  // mov eax, [0x43000]
    CHECK(t.c.r[EAX] == 0x43434343);
    CHECK((t.get_pte(0x43000) & 0x60) == 0x20);  // accessed, clean
    REQUIRE_FALSE(t.exec({0xA3, 0x00, 0x30, 0x04, 0x00}));  // mov [0x43000], eax
    CHECK((t.get_pte(0x43000) & 0x60) == 0x60);  // now dirty
    t.set_pte(0x43000, 0x44000 | 0x7);           // remap without telling the TLB
    REQUIRE_FALSE(t.exec({0x0F, 0x01, 0x3D, 0x00, 0x30, 0x04, 0x00}));  // invlpg [0x43000]
    REQUIRE_FALSE(t.exec({0xA1, 0x00, 0x30, 0x04, 0x00}));
    CHECK(t.c.r[EAX] == 0x44444444);
    t.set_pte(0x43000, 0x43000 | 0x7);
    REQUIRE_FALSE(t.exec({0x0F, 0x20, 0xD8}));  // mov eax, cr3
    REQUIRE_FALSE(t.exec({0x0F, 0x22, 0xD8}));  // mov cr3, eax
    REQUIRE_FALSE(t.exec({0xA1, 0x00, 0x30, 0x04, 0x00}));
    CHECK(t.c.r[EAX] == 0x43434343);
}

TEST_CASE("Self-modifying code through a second linear alias of the page") {
    Pm t;
    t.enable_paging();
    t.set_pte(0x60000, Pm::kCode | 0x7);  // 0x60000 aliases the code page
    t.c.flush_tlb();
    t.mem.write_block(Pm::kCode, std::vector<uint8_t>{0xB0, 0x01, 0xB0, 0x02});  // mov al,1; mov al,2
    REQUIRE_FALSE(t.c.step());
    CHECK((t.c.r[EAX] & 0xFF) == 1);
    t.c.eip = Pm::kCode + 0x10;
    REQUIRE_FALSE(t.exec({0xC6, 0x05, 0x03, 0x00, 0x06, 0x00, 0x07}));  // mov byte [0x60003], 7
    t.c.eip = Pm::kCode + 2;
    REQUIRE_FALSE(t.c.step());
    CHECK((t.c.r[EAX] & 0xFF) == 7);
}

TEST_CASE("JMP to a TSS switches tasks; JMP back restores the first task") {
    Pm t;
    // The second task: starts at kCode + 0x100 with its own registers.
    t.mem.write<uint32_t>(Pm::kTss2 + 0x20, Pm::kCode + 0x100);  // EIP
    t.mem.write<uint32_t>(Pm::kTss2 + 0x24, 0x2);                // EFLAGS
    t.mem.write<uint32_t>(Pm::kTss2 + 0x28, 0xAAAA);             // EAX
    t.mem.write<uint32_t>(Pm::kTss2 + 0x38, Pm::kStack0 - 0x100); // ESP
    for (unsigned k = 0; k < 6; ++k) t.mem.write<uint16_t>(Pm::kTss2 + 0x48 + 4 * k, k == 1 ? Pm::kCode0 : Pm::kData0);
    t.c.r[EAX] = 0x1111;
    REQUIRE_FALSE(t.exec({0xEA, 0, 0, 0, 0, 0x38, 0x00}));  // jmp 0x38:0
    CHECK(t.c.tr.selector == Pm::kTss2Sel);
    CHECK(t.c.eip == Pm::kCode + 0x100);
    CHECK(t.c.r[EAX] == 0xAAAA);
    CHECK((t.c.cr0 & cr0_bit::TS) != 0);
    CHECK((t.mem.read8(Pm::kGdt + 0x38 + 5) & 0x0F) == 0x0B);  // new task busy
    CHECK((t.mem.read8(Pm::kGdt + 0x28 + 5) & 0x0F) == 0x09);  // old task available again
    CHECK(t.mem.read<uint32_t>(Pm::kTss + 0x20) == Pm::kCode + 7);  // old EIP saved
    CHECK(t.mem.read<uint32_t>(Pm::kTss + 0x28) == 0x1111);
    REQUIRE_FALSE(t.exec({0xEA, 0, 0, 0, 0, 0x28, 0x00}));  // jmp 0x28:0
    CHECK(t.c.tr.selector == Pm::kTssSel);
    CHECK(t.c.eip == Pm::kCode + 7);
    CHECK(t.c.r[EAX] == 0x1111);
}

TEST_CASE("CALL to a TSS nests the task; IRET with NT returns to the caller") {
    Pm t;
    t.mem.write<uint32_t>(Pm::kTss2 + 0x20, Pm::kCode + 0x100);
    t.mem.write<uint32_t>(Pm::kTss2 + 0x24, 0x2);
    t.mem.write<uint32_t>(Pm::kTss2 + 0x38, Pm::kStack0 - 0x100);
    for (unsigned k = 0; k < 6; ++k) t.mem.write<uint16_t>(Pm::kTss2 + 0x48 + 4 * k, k == 1 ? Pm::kCode0 : Pm::kData0);
    REQUIRE_FALSE(t.exec({0x9A, 0, 0, 0, 0, 0x38, 0x00}));  // call 0x38:0
    CHECK(t.c.tr.selector == Pm::kTss2Sel);
    CHECK((t.c.flags.get() & flag::NT) != 0);
    CHECK(t.mem.read<uint16_t>(Pm::kTss2) == Pm::kTssSel);  // back link
    REQUIRE_FALSE(t.exec({0xCF}));  // iretd
    CHECK(t.c.tr.selector == Pm::kTssSel);
    CHECK(t.c.eip == Pm::kCode + 7);
    CHECK((t.mem.read8(Pm::kGdt + 0x38 + 5) & 0x0F) == 0x09);  // the nested task is free again
}

TEST_CASE("Virtual-8086 mode: real-mode addressing, I/O bitmap, INT n to the monitor") {
    Pm t;
    // The I/O bitmap at TSS+0x68 allows port 0x80 and denies 0x60; the TSS limit covers it.
    t.descriptor(5, Pm::kTss, 0x68 + 0x2000, 0x8B, 0);
    t.c.tr.limit = 0x68 + 0x2000;
    for (uint32_t k = 0; k < 0x2000; ++k) t.mem.write8(Pm::kTss + 0x68 + k, 0xFF);
    t.mem.write8(Pm::kTss + 0x68 + 0x80 / 8, 0xFE);
    // IRETD to v86 at 1000:0010 with SS:SP 2000:0100, IOPL 0.
    uint32_t frame[9] = {0x10, 0x1000, flag::VM | 0x2, 0x100, 0x2000, 0x3000, 0x3000, 0, 0};
    t.c.r[ESP] = Pm::kStack0 - 36;
    for (unsigned k = 0; k < 9; ++k) t.mem.write<uint32_t>(Pm::kStack0 - 36 + 4 * k, frame[k]);
    REQUIRE_FALSE(t.exec({0xCF}));  // iretd
    REQUIRE(t.c.v86());
    CHECK(t.c.cpl() == 3);
    CHECK(t.c.seg[CS].base == 0x10000);
    CHECK(t.c.eip == 0x10);
    REQUIRE_FALSE(t.exec({0xE6, 0x80}));  // out 0x80, al: allowed by the bitmap
    CHECK(t.c.eip == 0x12);
    REQUIRE(t.exec({0xE4, 0x60}));  // in al, 0x60: denied, #GP(0) to the monitor
    CHECK(t.c.eip == Pm::kHandler);
    CHECK(!t.c.v86());
    CHECK(t.c.cpl() == 0);
    const uint32_t sp = t.c.r[ESP];
    CHECK(sp == Pm::kStack0 - 40);  // error code, EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS
    CHECK(t.mem.read<uint32_t>(sp) == 0);
    CHECK(t.mem.read<uint32_t>(sp + 4) == 0x12);
    CHECK(t.mem.read<uint32_t>(sp + 8) == 0x1000);
    CHECK((t.mem.read<uint32_t>(sp + 12) & flag::VM) != 0);
    CHECK(t.mem.read<uint32_t>(sp + 24) == 0x3000);  // ES
    CHECK(t.c.seg[DS].selector == 0);                 // data segments are nulled
}

TEST_CASE("A single step traps after the instruction with DR6.BS; an instruction breakpoint faults before it") {
    Pm t;
    t.gate(Pm::kIdt, vec::DB, Pm::kCode0, Pm::kHandler, 0x8E);
    t.c.set_eflags(t.c.flags.get() | flag::TF);
    REQUIRE_FALSE(t.exec({0x90}));  // nop, then #DB
    CHECK(t.c.eip == Pm::kHandler);
    CHECK((t.c.dr[6] & (1u << 14)) != 0);
    CHECK(t.mem.read<uint32_t>(t.c.r[ESP]) == Pm::kCode + 1);

    Pm u;
    u.c.dr[0] = Pm::kCode + 1;
    u.c.dr[7] = 0x1;  // L0, execute
    u.c.debug_registers_changed();
    REQUIRE_FALSE(u.exec({0x90, 0x90}));
    CHECK(u.c.eip == Pm::kCode + 1);
    REQUIRE_FALSE(u.c.step());  // the breakpoint: #DB before the second NOP
    CHECK(u.c.eip == Pm::kHandler);
    CHECK((u.c.dr[6] & 1) == 1);
    CHECK(u.mem.read<uint32_t>(u.c.r[ESP]) == Pm::kCode + 1);
}

TEST_CASE("A data breakpoint traps after the write that hits it") {
    Pm t;
    t.enable_paging();
    t.c.dr[1] = Pm::kData + 4;
    t.c.dr[7] = (0x1u << 2) | (0x1u << 20) | (0x3u << 22);  // L1, write, 4 bytes
    t.c.debug_registers_changed();
    REQUIRE_FALSE(t.exec({0xC7, 0x05, 0x00, 0x00, 0x04, 0x00, 1, 0, 0, 0}));  // mov dword [0x40000], 1: no hit
    CHECK(t.c.eip == Pm::kCode + 10);
    REQUIRE_FALSE(t.exec({0xC6, 0x05, 0x06, 0x00, 0x04, 0x00, 2}));  // mov byte [0x40006], 2: hit
    CHECK(t.c.eip == Pm::kHandler);
    CHECK((t.c.dr[6] & 2) == 2);
    CHECK(t.mem.read8(Pm::kData + 6) == 2);  // a trap: the write happened
}

TEST_CASE("Alignment checking at ring 3 with CR0.AM and EFLAGS.AC raises #AC(0)") {
    Pm t;
    t.c.set_cr0(t.c.cr0 | cr0_bit::AM);
    t.enter_ring3();
    t.c.idtr.limit = 0;
    REQUIRE_FALSE(t.exec({0x8B, 0x05, 0x01, 0x00, 0x04, 0x00}));  // mov eax, [0x40001]: AC clear
    t.c.set_eflags(t.c.flags.get() | flag::AC);
    REQUIRE_FALSE(t.exec({0x8B, 0x05, 0x04, 0x00, 0x04, 0x00}));  // aligned: fine
    auto f = t.exec({0x8B, 0x05, 0x01, 0x00, 0x04, 0x00});         // misaligned
    REQUIRE(f);
    CHECK(f->vector == vec::AC);
    CHECK(f->error == 0);
}
