// Segment descriptors and the protected-mode protection rules, checked
// against the fault vector and error code of every failing condition in the
// SDM's pseudo-code (Vol. 2: MOV/POP Sreg, LLDT, LTR, JMP, CALL, RET, IRET,
// INT n, LAR, LSL, VERR/VERW; Vol. 3 chapter 5).
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "cpu/descriptor.hpp"
#include "cpu/descriptor_tables.hpp"
#include "cpu/protection.hpp"
#include "cpu/protection_transfer.hpp"

using namespace amber;

namespace {

// ---- building descriptors ----

constexpr uint8_t P = 0x80, S = 0x10;
constexpr uint8_t dpl(unsigned n) { return static_cast<uint8_t>(n << 5); }
// Code/data types (with S set).
constexpr uint8_t kDataRO = 0x0, kDataRW = 0x2, kDataRODown = 0x4, kDataRWDown = 0x6;
constexpr uint8_t kCodeX = 0x8, kCodeXR = 0xA, kCodeXC = 0xC, kCodeXRC = 0xE;
// System types (S clear).
constexpr uint8_t kTss16 = 0x1, kLdt = 0x2, kTss16Busy = 0x3, kCallGate16 = 0x4, kTaskGate = 0x5;
constexpr uint8_t kIntGate16 = 0x6, kTrapGate16 = 0x7, kTss32 = 0x9, kTss32Busy = 0xB;
constexpr uint8_t kCallGate32 = 0xC, kIntGate32 = 0xE, kTrapGate32 = 0xF;
// Flags nibble.
constexpr uint8_t kG = 0x8, kB = 0x4, kAvl = 0x1;

uint64_t make_segment(uint32_t base, uint32_t limit20, uint8_t access, uint8_t flags = 0) {
    const uint32_t low = (limit20 & 0xFFFF) | (base << 16);
    const uint32_t high = ((base >> 16) & 0xFF) | (uint32_t(access) << 8) | (limit20 & 0xF0000) |
                          (uint32_t(flags & 0xF) << 20) | (base & 0xFF000000u);
    return uint64_t(high) << 32 | low;
}
uint64_t make_gate(uint16_t sel, uint32_t offset, uint8_t access, uint8_t params = 0) {
    const uint32_t low = (offset & 0xFFFF) | (uint32_t(sel) << 16);
    const uint32_t high = (params & 0x1F) | (uint32_t(access) << 8) | (offset & 0xFFFF0000u);
    return uint64_t(high) << 32 | low;
}
// Common shapes: flat 4 GiB segments and small 64 KiB ones.
uint64_t code(unsigned d, uint8_t type = kCodeXR, uint32_t limit = 0xFFFF) {
    return make_segment(0, limit, P | S | dpl(d) | type);
}
uint64_t data(unsigned d, uint8_t type = kDataRW, uint32_t limit = 0xFFFF) {
    return make_segment(0, limit, P | S | dpl(d) | type);
}
uint64_t system(unsigned d, uint8_t type) { return make_segment(0x5000, 0x67, P | dpl(d) | type); }
uint64_t not_present(uint64_t desc) { return desc & ~(uint64_t(P) << 40); }

// ---- guest memory with the tables ----

// GDT at 0x1000 (64 entries), LDT at 0x2000 (16 entries), IDT at 0x3000
// (256 entries), a 32-bit TSS at 0x4000 whose descriptor is GDT entry 16.
constexpr uint16_t kTssSel = 0x80;

struct Guest {
    std::vector<uint8_t> mem = std::vector<uint8_t>(0x10000);
    DescriptorTables t;

    Guest() {
        t.gdt_base = 0x1000;
        t.gdt_limit = 0x1FF;
        t.ldt_base = 0x2000;
        t.ldt_limit = 0x7F;
        t.ldt_valid = true;
        t.idt_base = 0x3000;
        t.idt_limit = 0x7FF;
        t.tss_selector = kTssSel;
        t.tss_base = 0x4000;
        t.tss_limit = 0x67;
        t.tss32 = true;
        t.read64 = [this](uint32_t a) {
            uint64_t v = 0;
            for (unsigned i = 0; i < 8; ++i) v |= uint64_t(mem[(a + i) & 0xFFFF]) << (8 * i);
            return v;
        };
        gdt(16, make_segment(0x4000, 0x67, P | kTss32Busy));
    }
    Guest(const Guest&) = delete;
    Guest& operator=(const Guest&) = delete;

    void put(uint32_t a, uint64_t v, unsigned bytes) {
        for (unsigned i = 0; i < bytes; ++i) mem[(a + i) & 0xFFFF] = static_cast<uint8_t>(v >> (8 * i));
    }
    void gdt(unsigned index, uint64_t d) { put(t.gdt_base + index * 8, d, 8); }
    void ldt(unsigned index, uint64_t d) { put(t.ldt_base + index * 8, d, 8); }
    void idt(unsigned vector, uint64_t d) { put(t.idt_base + vector * 8, d, 8); }
    // Inner stacks of the 32-bit TSS: ESP at 4 + 8 * level, SS after it.
    void tss_stack(unsigned level, uint16_t ss, uint32_t esp) {
        put(t.tss_base + 4 + 8 * level, esp, 4);
        put(t.tss_base + 8 + 8 * level, ss, 2);
    }
};

// ---- describing results ----

std::string describe(const CpuFault& f) {
    const char* name = f.vector == vec::GP ? "#GP" : f.vector == vec::NP ? "#NP" : f.vector == vec::SS ? "#SS"
                     : f.vector == vec::TS ? "#TS" : "#?";
    char text[32];
    std::snprintf(text, sizeof text, "%s(%04X)%s", name, f.error, f.has_error ? "" : " no error code");
    return text;
}
template <typename T> std::string outcome(const Checked<T>& c) { return c ? "ok" : describe(c.fault()); }

Segment stack_segment(uint32_t limit, uint16_t attr) {
    Segment s;
    s.selector = 0x10;
    s.limit = limit;
    s.attr = attr;
    return s;
}
const uint16_t kStack16 = P | S | kDataRW;
const uint16_t kStack32 = P | S | kDataRW | Segment::kBig;
const uint16_t kStack16Down = P | S | kDataRWDown;
const uint16_t kStack32Down = P | S | kDataRWDown | Segment::kBig;

}  // namespace

// =====================================================================
// Descriptors
// =====================================================================

TEST_CASE("every system descriptor type decodes to its kind", "[protection]") {
    using K = DescriptorKind;
    struct Row { uint8_t type; K kind; K kind_286; };
    const Row rows[] = {
        {0x0, K::Invalid, K::Invalid},          {0x1, K::Tss16, K::Tss16},
        {0x2, K::Ldt, K::Ldt},                  {0x3, K::Tss16Busy, K::Tss16Busy},
        {0x4, K::CallGate16, K::CallGate16},    {0x5, K::TaskGate, K::TaskGate},
        {0x6, K::InterruptGate16, K::InterruptGate16}, {0x7, K::TrapGate16, K::TrapGate16},
        {0x8, K::Invalid, K::Invalid},          {0x9, K::Tss32, K::Invalid},
        {0xA, K::Invalid, K::Invalid},          {0xB, K::Tss32Busy, K::Invalid},
        {0xC, K::CallGate32, K::Invalid},       {0xD, K::Invalid, K::Invalid},
        {0xE, K::InterruptGate32, K::Invalid},  {0xF, K::TrapGate32, K::Invalid},
    };
    for (const Row& row : rows) {
        INFO("type " << int(row.type));
        const uint64_t raw = make_segment(0x12345678, 0xABCDE, P | dpl(2) | row.type);
        const Descriptor d = decode_descriptor(raw);
        CHECK(d.kind == row.kind);
        CHECK(decode_descriptor_286(raw).kind == row.kind_286);
        CHECK_FALSE(d.is_segment());
        CHECK(d.type() == row.type);
        CHECK(d.dpl() == 2);
        CHECK(d.present());
        CHECK_FALSE(d.readable());
        CHECK_FALSE(d.writable());
        CHECK_FALSE(d.accessed());
        CHECK_FALSE(needs_accessed_writeback(d));
        const bool tss = row.type == 0x1 || row.type == 0x3 || row.type == 0x9 || row.type == 0xB;
        CHECK(d.is_tss() == tss);
        CHECK(d.is_available_tss() == (row.type == 0x1 || row.type == 0x9));
        CHECK(d.is_busy_tss() == (row.type == 0x3 || row.type == 0xB));
        const bool gate = row.type == 0x4 || row.type == 0x5 || row.type == 0x6 || row.type == 0x7 ||
                          row.type == 0xC || row.type == 0xE || row.type == 0xF;
        CHECK(d.is_gate() == gate);
        CHECK(d.is_call_gate() == (row.type == 0x4 || row.type == 0xC));
        CHECK(d.is_interrupt_or_trap_gate() ==
              (row.type == 0x6 || row.type == 0x7 || row.type == 0xE || row.type == 0xF));
        CHECK(d.is_32bit_system() == (row.kind != K::Invalid && row.type >= 0x8));
    }
}

TEST_CASE("code and data descriptor types decode their attribute bits", "[protection]") {
    struct Row {
        uint8_t type;
        bool code, conforming, readable, writable, expand_down, accessed;
    };
    const Row rows[] = {
        // data: E W A
        {0x0, false, false, true, false, false, false}, {0x1, false, false, true, false, false, true},
        {0x2, false, false, true, true, false, false},   {0x3, false, false, true, true, false, true},
        {0x4, false, false, true, false, true, false},   {0x5, false, false, true, false, true, true},
        {0x6, false, false, true, true, true, false},    {0x7, false, false, true, true, true, true},
        // code: C R A
        {0x8, true, false, false, false, false, false},  {0x9, true, false, false, false, false, true},
        {0xA, true, false, true, false, false, false},   {0xB, true, false, true, false, false, true},
        {0xC, true, true, false, false, false, false},   {0xD, true, true, false, false, false, true},
        {0xE, true, true, true, false, false, false},    {0xF, true, true, true, false, false, true},
    };
    for (const Row& row : rows) {
        INFO("type " << int(row.type));
        const Descriptor d = decode_descriptor(make_segment(0, 0, P | S | dpl(1) | row.type));
        CHECK(d.is_segment());
        CHECK(d.kind == (row.code ? DescriptorKind::Code : DescriptorKind::Data));
        CHECK(d.is_code() == row.code);
        CHECK(d.is_data() == !row.code);
        CHECK(d.conforming() == row.conforming);
        CHECK(d.readable() == row.readable);
        CHECK(d.writable() == row.writable);
        CHECK(d.expand_down() == row.expand_down);
        CHECK(d.accessed() == row.accessed);
        CHECK(needs_accessed_writeback(d) == !row.accessed);
        CHECK(accessed_access_byte(d) == (P | S | dpl(1) | row.type | 1));
        CHECK_FALSE(d.is_gate());
        CHECK_FALSE(d.is_tss());
        CHECK(d.dpl() == 1);
    }
}

TEST_CASE("descriptor base, limit, granularity and flags", "[protection]") {
    const uint64_t raw = make_segment(0xAB123456, 0x7CDEF, P | S | dpl(3) | kDataRW, kAvl | kB);
    const Descriptor d = decode_descriptor(raw);
    CHECK(d.raw == raw);
    CHECK(d.base == 0xAB123456);
    CHECK(d.limit == 0x7CDEF);  // byte granular
    CHECK(d.access == (P | S | dpl(3) | kDataRW));
    CHECK(d.flags == (kAvl | kB));
    CHECK(d.avl());
    CHECK(d.big());
    CHECK_FALSE(d.granular());

    const Descriptor pages = decode_descriptor(make_segment(0, 0x7CDEF, P | S | kDataRW, kG));
    CHECK(pages.granular());
    CHECK(pages.limit == 0x7CDEFFFF);
    CHECK(decode_descriptor(make_segment(0, 0xFFFFF, P | S | kDataRW, kG)).limit == 0xFFFFFFFF);
    CHECK(decode_descriptor(make_segment(0, 0, P | S | kDataRW, kG)).limit == 0xFFF);

    // Two dwords, low first, decode like the quadword.
    const Descriptor halves = decode_descriptor(uint32_t(raw), uint32_t(raw >> 32));
    CHECK(halves.base == d.base);
    CHECK(halves.limit == d.limit);
    CHECK(halves.access == d.access);
    CHECK(halves.flags == d.flags);

    const Descriptor absent = decode_descriptor(not_present(raw));
    CHECK_FALSE(absent.present());
}

TEST_CASE("the 80286 format ignores descriptor bytes 6 and 7", "[protection]") {
    const uint64_t raw = make_segment(0xAB123456, 0xFCDEF, P | S | kCodeXR, kG | kB);
    const Descriptor d = decode_descriptor_286(raw);
    CHECK(d.base == 0x123456);
    CHECK(d.limit == 0xCDEF);
    CHECK(d.flags == 0);
    CHECK(d.kind == DescriptorKind::Code);
    CHECK(segment_cache(0x08, d).attr == (P | S | kCodeXR));
}

TEST_CASE("gates decode selector, offset, parameter count, DPL and P", "[protection]") {
    struct Row { uint8_t type; uint32_t offset; uint8_t params; bool is32; bool interrupt; };
    const Row rows[] = {
        {kCallGate16, 0x5678, 0x1F, false, false}, {kCallGate32, 0x12345678, 0x1F, true, false},
        {kIntGate16, 0x5678, 0, false, true},      {kIntGate32, 0x12345678, 0, true, true},
        {kTrapGate16, 0x5678, 0, false, false},    {kTrapGate32, 0x12345678, 0, true, false},
        {kTaskGate, 0x5678, 0, false, false},
    };
    for (const Row& row : rows) {
        INFO("type " << int(row.type));
        // Parameter-count bits are set in every row; only call gates have them,
        // and only 5 bits of the byte count.
        const uint64_t count_byte = uint64_t(0xFF) << 32;
        const Descriptor d = decode_descriptor(make_gate(0x1B, 0x12345678, P | dpl(3) | row.type) | count_byte);
        const Gate g = decode_gate(d);
        CHECK(g.kind == d.kind);
        CHECK(g.selector == 0x1B);
        CHECK(g.offset == row.offset);
        CHECK(g.param_count == row.params);
        CHECK(g.is32() == row.is32);
        CHECK(g.is_interrupt_gate() == row.interrupt);
        CHECK(g.dpl == 3);
        CHECK(g.present);
        CHECK_FALSE(decode_gate(decode_descriptor(not_present(d.raw))).present);
    }
}

TEST_CASE("the segment cache holds the access byte and the flags nibble", "[protection]") {
    const Descriptor d = decode_descriptor(make_segment(0x00100000, 0xFFFFF, P | S | dpl(0) | kCodeXR, kG | kB));
    const Segment s = segment_cache(0x0008, d);
    CHECK(s.selector == 0x0008);
    CHECK(s.base == 0x00100000);
    CHECK(s.limit == 0xFFFFFFFF);
    CHECK(s.attr == (0xC000 | P | S | kCodeXR));
    CHECK((s.attr & Segment::kBig) != 0);

    const Descriptor small = decode_descriptor(make_segment(0x1234, 0xFFFF, P | S | dpl(3) | kDataRW, kAvl));
    CHECK(segment_cache(0x23, small).attr == (0x1000 | P | S | dpl(3) | kDataRW));
}

TEST_CASE("Accessed and Busy bits for the write-back", "[protection]") {
    const Descriptor fresh = decode_descriptor(data(3));
    CHECK(needs_accessed_writeback(fresh));
    CHECK(accessed_access_byte(fresh) == (P | S | dpl(3) | kDataRW | 1));
    CHECK(kAccessByteOffset == 5);

    const Descriptor tss = decode_descriptor(system(0, kTss32));
    CHECK(tss_access_byte(tss, true) == (P | kTss32Busy));
    const Descriptor busy = decode_descriptor(system(0, kTss16Busy));
    CHECK(tss_access_byte(busy, false) == (P | kTss16));
}

// =====================================================================
// Descriptor tables
// =====================================================================

TEST_CASE("descriptor lookup: GDT, LDT and their limits", "[protection]") {
    Guest g;
    g.gdt(8, data(0));
    g.ldt(0, code(0));
    g.ldt(15, data(3));
    CHECK(outcome(fetch_descriptor(g.t, 0x40)) == "ok");
    CHECK(fetch_descriptor(g.t, 0x40)->address == 0x1040);
    CHECK(fetch_descriptor(g.t, 0x43)->desc.is_data());     // RPL plays no part
    CHECK(fetch_descriptor(g.t, 0x0004)->desc.is_code());   // LDT index 0 is an ordinary entry
    CHECK(fetch_descriptor(g.t, 0x007C)->address == 0x2078);
    CHECK(outcome(fetch_descriptor(g.t, 0x01F8)) == "ok");  // last GDT entry: bytes 0x1F8-0x1FF
    CHECK(outcome(fetch_descriptor(g.t, 0x0200)) == "#GP(0200)");
    CHECK(outcome(fetch_descriptor(g.t, 0x0203)) == "#GP(0200)");  // error code drops the RPL
    CHECK(outcome(fetch_descriptor(g.t, 0x0084)) == "#GP(0084)");  // keeps TI
    CHECK(outcome(fetch_descriptor(g.t, 0x0084, vec::TS, true)) == "#TS(0085)");

    g.t.gdt_limit = 0x1FC;  // an entry must fit entirely
    CHECK(outcome(fetch_descriptor(g.t, 0x01F8)) == "#GP(01F8)");

    g.t.ldt_valid = false;  // LDTR null: every LDT reference is out of bounds
    CHECK(outcome(fetch_descriptor(g.t, 0x0004)) == "#GP(0004)");
    CHECK_FALSE(peek_descriptor(g.t, 0x0004).has_value());
}

// =====================================================================
// Segment register loads
// =====================================================================

namespace {
struct LoadCase {
    const char* what;
    uint64_t desc;  // placed at GDT entry 8 (selector 0x40)
    unsigned cpl;
    uint16_t sel;
    const char* expect;
};

// Runs each case with its descriptor at GDT entry 8 and compares the outcome
// of `check(tables, case)` with the expected one.
template <size_t N, typename Check> void run_load_cases(const LoadCase (&cases)[N], Check check) {
    for (const LoadCase& c : cases) {
        INFO(c.what);
        Guest g;
        g.gdt(8, c.desc);
        CHECK(outcome(check(g.t, c)) == c.expect);
    }
}
}  // namespace

TEST_CASE("MOV/POP to DS, ES, FS, GS", "[protection]") {
    const LoadCase cases[] = {
        {"null selector", data(0), 3, 0x0000, "ok"},
        {"null selector with RPL 3", data(0), 0, 0x0003, "ok"},
        {"past the GDT limit", data(3), 3, 0x0203, "#GP(0200)"},
        {"writable data, DPL = CPL = RPL", data(3), 3, 0x43, "ok"},
        {"read-only data", data(0, kDataRO), 0, 0x40, "ok"},
        {"expand-down data", data(0, kDataRWDown), 0, 0x40, "ok"},
        {"data less privileged than the CPL", data(3), 0, 0x40, "ok"},
        {"data: DPL < CPL", data(2), 3, 0x43, "#GP(0040)"},
        {"data: DPL < RPL", data(2), 0, 0x43, "#GP(0040)"},
        {"data: DPL = RPL < CPL", data(1), 2, 0x41, "#GP(0040)"},
        {"readable code", code(1), 1, 0x41, "ok"},
        {"readable code: DPL < CPL", code(0), 3, 0x43, "#GP(0040)"},
        {"readable code: DPL < RPL", code(0), 0, 0x41, "#GP(0040)"},
        {"execute-only code", code(0, kCodeX), 0, 0x40, "#GP(0040)"},
        {"readable conforming code, DPL < CPL and RPL", code(0, kCodeXRC), 3, 0x43, "ok"},
        {"execute-only conforming code", code(0, kCodeXC), 0, 0x40, "#GP(0040)"},
        {"data not present", not_present(data(3)), 3, 0x43, "#NP(0040)"},
        {"readable code not present", not_present(code(3)), 3, 0x40, "#NP(0040)"},
        {"not present and too privileged: privilege first", not_present(data(0)), 3, 0x43, "#GP(0040)"},
        {"not present and execute-only: type first", not_present(code(0, kCodeX)), 0, 0x40, "#GP(0040)"},
    };
    run_load_cases(cases, [](auto& t, const LoadCase& c) { return check_data_segment_load(t, c.cpl, c.sel); });
    for (uint8_t type = 0; type < 16; ++type) {
        INFO("system type " << int(type));
        Guest g;
        g.gdt(8, system(3, type));
        CHECK(outcome(check_data_segment_load(g.t, 0, 0x40)) == "#GP(0040)");
    }
}

TEST_CASE("data segment loads: the cache, the Accessed write-back, null segments", "[protection]") {
    Guest g;
    g.gdt(8, make_segment(0x00120000, 0x1FFFF, P | S | dpl(3) | kDataRW, kB));
    g.gdt(9, make_segment(0x00120000, 0x1FFFF, P | S | dpl(3) | kDataRW | 1));
    g.ldt(0, data(3));

    auto fresh = check_data_segment_load(g.t, 3, 0x43);
    REQUIRE(fresh);
    CHECK(fresh->cache.selector == 0x43);
    CHECK(fresh->cache.base == 0x00120000);
    CHECK(fresh->cache.limit == 0x1FFFF);
    CHECK(fresh->cache.attr == (0x4000 | P | S | dpl(3) | kDataRW | 1));  // Accessed in the cache too
    CHECK(fresh->write_access_byte);
    CHECK(fresh->access_byte_address == 0x1045);

    auto seen = check_data_segment_load(g.t, 3, 0x4B);
    REQUIRE(seen);
    CHECK_FALSE(seen->write_access_byte);  // already accessed: no write

    auto local = check_data_segment_load(g.t, 3, 0x0007);  // LDT entry 0 is not null
    REQUIRE(local);
    CHECK(local->cache.selector == 0x0007);
    CHECK(local->access_byte_address == 0x2005);

    auto null = check_data_segment_load(g.t, 3, 0x0003);
    REQUIRE(null);
    CHECK(null->cache.selector == 0x0003);
    CHECK_FALSE(segment_usable(null->cache));
    CHECK_FALSE(null->write_access_byte);
    CHECK(segment_usable(fresh->cache));

    g.t.ldt_valid = false;
    CHECK(outcome(check_data_segment_load(g.t, 3, 0x0007)) == "#GP(0004)");
}

TEST_CASE("MOV/POP/LSS to SS", "[protection]") {
    const LoadCase cases[] = {
        {"null selector", data(0), 0, 0x0000, "#GP(0000)"},
        {"null selector with RPL 3", data(3), 3, 0x0003, "#GP(0000)"},
        {"past the GDT limit", data(0), 0, 0x0200, "#GP(0200)"},
        {"writable data, RPL = DPL = CPL 0", data(0), 0, 0x40, "ok"},
        {"writable data, RPL = DPL = CPL 3", data(3), 3, 0x43, "ok"},
        {"expand-down writable data", data(2, kDataRWDown), 2, 0x42, "ok"},
        {"RPL != CPL", data(0), 0, 0x43, "#GP(0040)"},
        {"DPL != CPL (DPL less privileged)", data(3), 0, 0x40, "#GP(0040)"},
        {"DPL != CPL (DPL more privileged)", data(0), 3, 0x43, "#GP(0040)"},
        {"read-only data", data(0, kDataRO), 0, 0x40, "#GP(0040)"},
        {"read-only expand-down data", data(0, kDataRODown), 0, 0x40, "#GP(0040)"},
        {"readable code", code(0), 0, 0x40, "#GP(0040)"},
        {"conforming code", code(0, kCodeXRC), 0, 0x40, "#GP(0040)"},
        {"not present", not_present(data(0)), 0, 0x40, "#SS(0040)"},
        {"not present and read-only: type first", not_present(data(0, kDataRO)), 0, 0x40, "#GP(0040)"},
        {"not present and RPL != CPL", not_present(data(0)), 0, 0x41, "#GP(0040)"},
    };
    run_load_cases(cases, [](auto& t, const LoadCase& c) { return check_stack_segment_load(t, c.cpl, c.sel); });
    for (uint8_t type = 0; type < 16; ++type) {
        INFO("system type " << int(type));
        Guest g;
        g.gdt(8, system(0, type));
        CHECK(outcome(check_stack_segment_load(g.t, 0, 0x40)) == "#GP(0040)");
    }
    Guest g;
    g.gdt(8, make_segment(0, 0xFFFFF, P | S | kDataRW, kG | kB));
    auto big = check_stack_segment_load(g.t, 0, 0x40);
    REQUIRE(big);
    CHECK((big->cache.attr & Segment::kBig) != 0);
    CHECK(big->cache.limit == 0xFFFFFFFF);
    CHECK(big->write_access_byte);
}

TEST_CASE("LLDT", "[protection]") {
    const LoadCase cases[] = {
        {"null selector: no LDT", system(0, kLdt), 0, 0x0000, "ok"},
        {"an LDT descriptor", system(0, kLdt), 0, 0x40, "ok"},
        {"an LDT descriptor of DPL 3 (DPL is not checked)", system(3, kLdt), 0, 0x43, "ok"},
        {"a selector in the LDT", system(0, kLdt), 0, 0x44, "#GP(0044)"},
        {"past the GDT limit", system(0, kLdt), 0, 0x200, "#GP(0200)"},
        {"a TSS", system(0, kTss32), 0, 0x40, "#GP(0040)"},
        {"a data segment", data(0), 0, 0x40, "#GP(0040)"},
        {"not present", not_present(system(0, kLdt)), 0, 0x40, "#NP(0040)"},
    };
    run_load_cases(cases, [](auto& t, const LoadCase& c) { return check_ldt_load(t, c.sel); });
    Guest g;
    g.gdt(8, make_segment(0x00345000, 0xFFF, P | kLdt));
    auto ldt = check_ldt_load(g.t, 0x40);
    REQUIRE(ldt);
    CHECK(ldt->cache.base == 0x00345000);
    CHECK(ldt->cache.limit == 0xFFF);
    CHECK_FALSE(ldt->write_access_byte);
    CHECK_FALSE(segment_usable(check_ldt_load(g.t, 0)->cache));
}

TEST_CASE("LTR", "[protection]") {
    const LoadCase cases[] = {
        {"null selector", system(0, kTss32), 0, 0x0000, "#GP(0000)"},
        {"an available 386 TSS", system(0, kTss32), 0, 0x40, "ok"},
        {"an available 286 TSS", system(0, kTss16), 0, 0x40, "ok"},
        {"a selector in the LDT", system(0, kTss32), 0, 0x44, "#GP(0044)"},
        {"past the GDT limit", system(0, kTss32), 0, 0x200, "#GP(0200)"},
        {"a busy TSS", system(0, kTss32Busy), 0, 0x40, "#GP(0040)"},
        {"an LDT", system(0, kLdt), 0, 0x40, "#GP(0040)"},
        {"a data segment", data(0), 0, 0x40, "#GP(0040)"},
        {"not present", not_present(system(0, kTss32)), 0, 0x40, "#NP(0040)"},
    };
    run_load_cases(cases, [](auto& t, const LoadCase& c) { return check_task_register_load(t, c.sel); });
    Guest g;
    g.gdt(8, system(0, kTss32));
    auto tr = check_task_register_load(g.t, 0x40);
    REQUIRE(tr);
    CHECK(tr->write_access_byte);  // marked busy
    CHECK(tr->access_byte_address == 0x1045);
    CHECK((tr->cache.attr & 0xFF) == (P | kTss32Busy));
    CHECK(tr->cache.base == 0x5000);
    CHECK(tr->cache.limit == 0x67);
}

// =====================================================================
// Limits
// =====================================================================

TEST_CASE("stack room for pushes: expand-up, expand-down, wrap-around", "[protection]") {
    struct Row { const char* what; Segment ss; uint32_t esp; uint32_t bytes; bool room; };
    const Row rows[] = {
        {"16-bit, fits", stack_segment(0xFFFF, kStack16), 0x0100, 4, true},
        {"16-bit, down to offset 0", stack_segment(0xFFFF, kStack16), 0x0004, 4, true},
        {"16-bit, SP 0 wraps to 0xFFFC", stack_segment(0xFFFF, kStack16), 0x0000, 4, true},
        {"16-bit, SP 2 wraps across 0 (full limit)", stack_segment(0xFFFF, kStack16), 0x0002, 4, true},
        {"16-bit, SP 2 wraps past a small limit", stack_segment(0x0FFF, kStack16), 0x0002, 4, false},
        {"16-bit, SP above a small limit", stack_segment(0x0FFF, kStack16), 0x1002, 2, false},
        {"16-bit, last byte at the limit", stack_segment(0x0FFF, kStack16), 0x1000, 4, true},
        {"16-bit, high ESP bits ignored", stack_segment(0x0FFF, kStack16), 0xABCD0100, 4, true},
        {"32-bit, fits", stack_segment(0xFFFFFFFF, kStack32), 0x00000010, 16, true},
        {"32-bit, wraps past a 1 MiB limit", stack_segment(0xFFFFF, kStack32), 0x00000008, 16, false},
        {"32-bit, ESP above the limit", stack_segment(0xFFFFF, kStack32), 0x00100004, 4, false},
        {"16-bit expand-down, fits", stack_segment(0x0FFF, kStack16Down), 0x2000, 8, true},
        {"16-bit expand-down, reaches the limit", stack_segment(0x0FFF, kStack16Down), 0x1004, 8, false},
        {"16-bit expand-down, lowest byte at limit + 1", stack_segment(0x0FFF, kStack16Down), 0x1008, 8, true},
        {"16-bit expand-down, SP 0 wraps to the top", stack_segment(0x0FFF, kStack16Down), 0x0000, 4, true},
        {"16-bit expand-down, wraps across 0", stack_segment(0x0FFF, kStack16Down), 0x0002, 4, false},
        {"32-bit expand-down, above 64 KiB", stack_segment(0xFFFF, kStack32Down), 0x00020000, 8, true},
        {"32-bit expand-down, into the limit", stack_segment(0xFFFF, kStack32Down), 0x00010004, 8, false},
        {"nothing to push", stack_segment(0, kStack16), 0x5000, 0, true},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        CHECK(stack_has_room(row.ss, row.esp, row.bytes) == row.room);
    }
}

TEST_CASE("the new EIP must lie within the code segment limit", "[protection]") {
    const Segment cs = stack_segment(0x0FFF, P | S | kCodeXR);
    CHECK_FALSE(check_code_offset(cs, 0x0FFF).has_value());
    REQUIRE(check_code_offset(cs, 0x1000).has_value());
    CHECK(describe(*check_code_offset(cs, 0x1000)) == "#GP(0000)");
    CHECK(describe(*check_code_offset(cs, 0x1000, 1)) == "#GP(0001)");
}

// =====================================================================
// Far JMP and CALL
// =====================================================================

namespace {
// GDT entry 8 (0x40): the target code segment; 9 (0x48): a gate;
// 10 (0x50): the inner stack; 16 (0x80): the TSS.
struct FarCase {
    const char* what;
    FarKind kind;
    unsigned cpl;
    uint16_t sel;
    uint64_t entry8;
    uint64_t entry9;
    const char* expect;
    uint32_t offset = 0x100;
};
FarRequest far_request(FarKind kind, uint16_t sel, uint32_t offset) {
    FarRequest r;
    r.kind = kind;
    r.selector = sel;
    r.offset = offset;
    r.operand32 = true;
    r.ss = stack_segment(0xFFFF, kStack32);
    r.esp = 0x8000;
    return r;
}
constexpr FarKind JMP = FarKind::Jump, CALL = FarKind::Call;
}  // namespace

TEST_CASE("far JMP/CALL to a code segment", "[protection]") {
    const uint64_t none = 0;
    const FarCase cases[] = {
        {"null selector", JMP, 0, 0x0003, code(0), none, "#GP(0000)"},
        {"past the GDT limit", JMP, 0, 0x0200, code(0), none, "#GP(0200)"},
        {"a data segment", JMP, 0, 0x40, data(0), none, "#GP(0040)"},
        {"nonconforming, DPL = CPL", JMP, 2, 0x42, code(2), none, "ok"},
        {"nonconforming, RPL < CPL", JMP, 2, 0x40, code(2), none, "ok"},
        {"nonconforming, RPL > CPL", JMP, 2, 0x43, code(2), none, "#GP(0040)"},
        {"nonconforming, DPL < CPL", JMP, 3, 0x40, code(0), none, "#GP(0040)"},
        {"nonconforming, DPL > CPL", JMP, 0, 0x43, code(3), none, "#GP(0040)"},
        {"nonconforming execute-only", CALL, 0, 0x40, code(0, kCodeX), none, "ok"},
        {"conforming, DPL < CPL", JMP, 3, 0x40, code(0, kCodeXC), none, "ok"},
        {"conforming, DPL = CPL", CALL, 1, 0x41, code(1, kCodeXRC), none, "ok"},
        {"conforming, RPL > CPL is ignored", JMP, 1, 0x43, code(0, kCodeXC), none, "ok"},
        {"conforming, DPL > CPL", CALL, 1, 0x40, code(2, kCodeXC), none, "#GP(0040)"},
        {"not present", JMP, 0, 0x40, not_present(code(0)), none, "#NP(0040)"},
        {"not present and DPL > CPL: privilege first", JMP, 0, 0x40, not_present(code(1)), none, "#GP(0040)"},
        {"offset at the limit", JMP, 0, 0x40, code(0), none, "ok", 0xFFFF},
        {"offset past the limit", JMP, 0, 0x40, code(0), none, "#GP(0000)", 0x10000},
        {"not present and offset past the limit", CALL, 0, 0x40, not_present(code(0)), none, "#NP(0040)",
         0x10000},
    };
    for (const FarCase& c : cases) {
        INFO(c.what << (c.kind == JMP ? " (JMP)" : " (CALL)"));
        Guest g;
        g.gdt(8, c.entry8);
        CHECK(outcome(check_far_transfer(g.t, c.cpl, far_request(c.kind, c.sel, c.offset))) == c.expect);
    }
    for (uint8_t type : {uint8_t(0x0), uint8_t(0x2), uint8_t(0x6), uint8_t(0x7), uint8_t(0x8), uint8_t(0xA),
                         uint8_t(0xD), uint8_t(0xE), uint8_t(0xF)}) {
        INFO("system type " << int(type));
        Guest g;
        g.gdt(8, system(0, type));
        CHECK(outcome(check_far_transfer(g.t, 0, far_request(JMP, 0x40, 0))) == "#GP(0040)");
        CHECK(outcome(check_far_transfer(g.t, 0, far_request(CALL, 0x40, 0))) == "#GP(0040)");
    }
}

TEST_CASE("far JMP/CALL to a code segment: the result", "[protection]") {
    Guest g;
    g.gdt(8, make_segment(0x10000, 0xFFFFF, P | S | kCodeXRC, kG | kB));
    auto r = check_far_transfer(g.t, 3, far_request(CALL, 0x40, 0x1234));
    REQUIRE(r);
    CHECK(r->kind == FarTarget::Kind::Code);
    CHECK(r->cpl == 3);
    CHECK(r->cs.cache.selector == 0x43);  // RPL becomes the CPL
    CHECK(r->cs.cache.base == 0x10000);
    CHECK((r->cs.cache.attr & Segment::kBig) != 0);
    CHECK(r->cs.write_access_byte);
    CHECK(r->cs.access_byte_address == 0x1045);
    CHECK(r->eip == 0x1234);
    CHECK_FALSE(r->gate.has_value());
    CHECK_FALSE(r->stack.has_value());
    CHECK_FALSE(r->task.has_value());
}

TEST_CASE("far CALL needs room for the return address", "[protection]") {
    Guest g;
    g.gdt(8, code(0));
    FarRequest r = far_request(CALL, 0x40, 0x100);
    r.ss = stack_segment(0xFFF, kStack16);
    r.operand32 = false;
    r.esp = 4;
    CHECK(outcome(check_far_transfer(g.t, 0, r)) == "ok");
    r.esp = 3;
    CHECK(outcome(check_far_transfer(g.t, 0, r)) == "#SS(0000)");
    r.operand32 = true;
    r.esp = 8;
    CHECK(outcome(check_far_transfer(g.t, 0, r)) == "ok");
    r.esp = 7;
    CHECK(outcome(check_far_transfer(g.t, 0, r)) == "#SS(0000)");
    r.offset = 0x10000;  // the stack is checked before the offset
    CHECK(outcome(check_far_transfer(g.t, 0, r)) == "#SS(0000)");
    r.kind = JMP;  // a JMP pushes nothing
    r.offset = 0x100;
    CHECK(outcome(check_far_transfer(g.t, 0, r)) == "ok");
}

TEST_CASE("far JMP/CALL through a call gate", "[protection]") {
    const uint8_t gate32 = P | kCallGate32;
    const FarCase cases[] = {
        {"gate DPL = CPL, code DPL = CPL", JMP, 2, 0x4A, code(2), make_gate(0x40, 0x100, gate32 | dpl(2)), "ok"},
        {"gate DPL < CPL", JMP, 3, 0x4B, code(3), make_gate(0x40, 0x100, gate32 | dpl(2)), "#GP(0048)"},
        {"gate DPL < RPL", CALL, 1, 0x4B, code(1), make_gate(0x40, 0x100, gate32 | dpl(2)), "#GP(0048)"},
        {"gate not present", JMP, 0, 0x48, code(0), not_present(make_gate(0x40, 0x100, gate32)), "#NP(0048)"},
        {"gate not present and DPL < CPL", JMP, 1, 0x49, code(1),
         not_present(make_gate(0x40, 0x100, gate32)), "#GP(0048)"},
        {"null code selector", CALL, 0, 0x48, code(0), make_gate(0x0003, 0x100, gate32), "#GP(0000)"},
        {"code selector past the GDT", CALL, 0, 0x48, code(0), make_gate(0x0203, 0x100, gate32), "#GP(0200)"},
        {"code selector past the LDT", CALL, 0, 0x48, code(0), make_gate(0x0084, 0x100, gate32), "#GP(0084)"},
        {"gate to a data segment", CALL, 0, 0x48, data(0), make_gate(0x40, 0x100, gate32), "#GP(0040)"},
        {"gate to a call gate", CALL, 0, 0x48, make_gate(0x40, 0, gate32), make_gate(0x40, 0x100, gate32),
         "#GP(0040)"},
        {"code not present", JMP, 0, 0x48, not_present(code(0)), make_gate(0x40, 0x100, gate32), "#NP(0040)"},
        {"JMP: nonconforming DPL < CPL", JMP, 3, 0x4B, code(0), make_gate(0x40, 0x100, gate32 | dpl(3)),
         "#GP(0040)"},
        {"JMP: nonconforming DPL > CPL", JMP, 0, 0x48, code(3), make_gate(0x40, 0x100, gate32 | dpl(3)),
         "#GP(0040)"},
        {"JMP: conforming DPL < CPL", JMP, 3, 0x4B, code(0, kCodeXC), make_gate(0x40, 0x100, gate32 | dpl(3)),
         "ok"},
        {"JMP: conforming DPL > CPL", JMP, 1, 0x49, code(2, kCodeXC), make_gate(0x40, 0x100, gate32 | dpl(3)),
         "#GP(0040)"},
        {"CALL: code DPL > CPL", CALL, 1, 0x49, code(2), make_gate(0x40, 0x100, gate32 | dpl(3)), "#GP(0040)"},
        {"CALL: conforming code DPL > CPL", CALL, 1, 0x49, code(2, kCodeXC),
         make_gate(0x40, 0x100, gate32 | dpl(3)), "#GP(0040)"},
        {"CALL: conforming DPL < CPL stays at the CPL", CALL, 3, 0x4B, code(0, kCodeXC),
         make_gate(0x40, 0x100, gate32 | dpl(3)), "ok"},
        {"code not present and DPL > CPL", CALL, 0, 0x48, not_present(code(1)), make_gate(0x40, 0x100, gate32),
         "#GP(0040)"},
        {"gate offset past the code limit", JMP, 0, 0x48, code(0), make_gate(0x40, 0x10000, gate32),
         "#GP(0000)"},
        {"16-bit gate drops offset bits 31:16", JMP, 0, 0x48, code(0), make_gate(0x40, 0x10000, P | kCallGate16),
         "ok"},
        {"the instruction's offset is ignored", JMP, 0, 0x48, code(0), make_gate(0x40, 0x100, gate32), "ok",
         0xFFFFFFFF},
    };
    for (const FarCase& c : cases) {
        INFO(c.what << (c.kind == JMP ? " (JMP)" : " (CALL)"));
        Guest g;
        g.gdt(8, c.entry8);
        g.gdt(9, c.entry9);
        CHECK(outcome(check_far_transfer(g.t, c.cpl, far_request(c.kind, c.sel, c.offset))) == c.expect);
    }
}

TEST_CASE("call gates: the result at the same privilege level", "[protection]") {
    Guest g;
    g.gdt(8, code(0, kCodeXRC));
    g.gdt(9, make_gate(0x0043, 0x5678, P | dpl(3) | kCallGate16, 5));
    auto r = check_far_transfer(g.t, 2, far_request(CALL, 0x4B, 0));
    REQUIRE(r);
    CHECK(r->kind == FarTarget::Kind::CallGate);
    CHECK(r->cpl == 2);
    CHECK(r->cs.cache.selector == 0x42);  // the gate's RPL is replaced by the CPL
    CHECK(r->eip == 0x5678);
    REQUIRE(r->gate.has_value());
    CHECK(r->gate->param_count == 5);
    CHECK_FALSE(r->gate->is32());
    CHECK_FALSE(r->stack.has_value());  // conforming: no stack switch

    // The same-level CALL pushes CS:EIP at the gate's size.
    FarRequest req = far_request(CALL, 0x4B, 0);
    req.ss = stack_segment(0xFFF, kStack16);
    req.esp = 4;
    CHECK(outcome(check_far_transfer(g.t, 2, req)) == "ok");
    req.esp = 3;
    CHECK(outcome(check_far_transfer(g.t, 2, req)) == "#SS(0000)");
    g.gdt(9, make_gate(0x0040, 0x10000, P | dpl(3) | kCallGate32));
    req.esp = 7;
    CHECK(outcome(check_far_transfer(g.t, 2, req)) == "#SS(0000)");  // before the offset check
    req.esp = 8;
    CHECK(outcome(check_far_transfer(g.t, 2, req)) == "#GP(0000)");
}

TEST_CASE("CALL through a call gate to a more privileged level", "[protection]") {
    // CPL 3 calls a DPL 0 nonconforming segment through a DPL 3 gate with 3
    // parameters; the level 0 stack comes from the TSS.
    struct Row {
        const char* what;
        uint64_t stack_desc;      // GDT entry 10
        uint16_t ss0;
        uint32_t esp0;
        uint32_t tss_limit;
        uint8_t gate_type;
        const char* expect;
    };
    const uint64_t small_stack = data(0, kDataRW, 0x0FFF);
    const Row rows[] = {
        {"all good", small_stack, 0x50, 0x1000, 0x67, kCallGate32, "ok"},
        {"TSS too short for ESP0:SS0", small_stack, 0x50, 0x1000, 0x08, kCallGate32, "#TS(0080)"},
        {"TSS just long enough", small_stack, 0x50, 0x1000, 0x09, kCallGate32, "ok"},
        {"null SS0", small_stack, 0x0000, 0x1000, 0x67, kCallGate32, "#TS(0000)"},
        {"SS0 past the GDT", small_stack, 0x0200, 0x1000, 0x67, kCallGate32, "#TS(0200)"},
        {"SS0 RPL != new CPL", small_stack, 0x53, 0x1000, 0x67, kCallGate32, "#TS(0050)"},
        {"SS0 DPL != new CPL", data(1, kDataRW, 0x0FFF), 0x50, 0x1000, 0x67, kCallGate32, "#TS(0050)"},
        {"SS0 read-only", data(0, kDataRO, 0x0FFF), 0x50, 0x1000, 0x67, kCallGate32, "#TS(0050)"},
        {"SS0 code", code(0), 0x50, 0x1000, 0x67, kCallGate32, "#TS(0050)"},
        {"SS0 a TSS", system(0, kTss32), 0x50, 0x1000, 0x67, kCallGate32, "#TS(0050)"},
        {"SS0 not present", not_present(small_stack), 0x50, 0x1000, 0x67, kCallGate32, "#SS(0050)"},
        {"SS0 not present and read-only", not_present(data(0, kDataRO)), 0x50, 0x1000, 0x67, kCallGate32,
         "#TS(0050)"},
        // 32-bit gate: SS, ESP, 3 parameters, CS, EIP = 7 dwords.
        {"room for 28 bytes", small_stack, 0x50, 28, 0x67, kCallGate32, "ok"},
        {"no room for 28 bytes", small_stack, 0x50, 27, 0x67, kCallGate32, "#SS(0050)"},
        {"ESP0 past the limit", small_stack, 0x50, 0x1001, 0x67, kCallGate32, "#SS(0050)"},
        // 16-bit gate: 7 words.
        {"16-bit gate: room for 14 bytes", small_stack, 0x50, 14, 0x67, kCallGate16, "ok"},
        {"16-bit gate: no room for 14 bytes", small_stack, 0x50, 13, 0x67, kCallGate16, "#SS(0050)"},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        Guest g;
        g.gdt(8, code(0, kCodeXR, 0xFFF));
        g.gdt(9, make_gate(0x40, 0x100, P | dpl(3) | row.gate_type, 3));
        g.gdt(10, row.stack_desc);
        g.tss_stack(0, row.ss0, row.esp0);
        g.t.tss_limit = row.tss_limit;
        CHECK(outcome(check_far_transfer(g.t, 3, far_request(CALL, 0x4B, 0))) == row.expect);
    }
}

TEST_CASE("call gate to a more privileged level: the result and the check order", "[protection]") {
    Guest g;
    g.gdt(8, code(1, kCodeXR, 0xFFF));
    g.gdt(9, make_gate(0x40, 0x200, P | dpl(3) | kCallGate32, 2));
    g.gdt(10, data(1, kDataRW, 0xFFFF));
    g.tss_stack(1, 0x51, 0x9000);
    g.tss_stack(0, 0x0000, 0);  // must not be the one read
    auto r = check_far_transfer(g.t, 3, far_request(CALL, 0x4B, 0));
    REQUIRE(r);
    CHECK(r->kind == FarTarget::Kind::CallGate);
    CHECK(r->cpl == 1);
    CHECK(r->cs.cache.selector == 0x41);
    CHECK(r->eip == 0x200);
    REQUIRE(r->stack.has_value());
    CHECK(r->stack->ss.cache.selector == 0x51);
    CHECK(r->stack->esp == 0x9000);
    CHECK(r->stack->ss.write_access_byte);
    CHECK(r->stack->ss.access_byte_address == 0x1055);
    CHECK(r->gate->param_count == 2);

    // A JMP through the same gate may not change privilege.
    CHECK(outcome(check_far_transfer(g.t, 3, far_request(JMP, 0x4B, 0))) == "#GP(0040)");

    // Stack faults come before the offset check.
    g.gdt(9, make_gate(0x40, 0x1000, P | dpl(3) | kCallGate32, 2));
    CHECK(outcome(check_far_transfer(g.t, 3, far_request(CALL, 0x4B, 0))) == "#GP(0000)");
    g.tss_stack(1, 0x53, 0x9000);
    CHECK(outcome(check_far_transfer(g.t, 3, far_request(CALL, 0x4B, 0))) == "#TS(0050)");
}

TEST_CASE("inner stacks from a 16-bit TSS", "[protection]") {
    Guest g;
    g.t.tss32 = false;
    g.t.tss_limit = 0x2B;
    g.gdt(10, data(2, kDataRW, 0xFFFF));
    g.put(g.t.tss_base + 2 + 4 * 2, 0x7FFE, 2);  // SP2
    g.put(g.t.tss_base + 4 + 4 * 2, 0x52, 2);    // SS2
    auto s = read_inner_stack(g.t, 2, false);
    REQUIRE(s);
    CHECK(s->esp == 0x7FFE);
    CHECK(s->ss.cache.selector == 0x52);

    g.t.tss_limit = 0x0C;  // SS2 ends at 0x0D
    CHECK(outcome(read_inner_stack(g.t, 2, false)) == "#TS(0080)");
    g.t.tss_limit = 0x0D;
    CHECK(outcome(read_inner_stack(g.t, 2, false)) == "ok");
    CHECK(outcome(read_inner_stack(g.t, 2, true)) == "ok");
    g.t.tss_limit = 0x0C;
    CHECK(outcome(read_inner_stack(g.t, 2, true)) == "#TS(0081)");
}

TEST_CASE("far JMP/CALL through a task gate", "[protection]") {
    const uint64_t gate = make_gate(kTssSel, 0, P | dpl(3) | kTaskGate);
    struct Row { const char* what; unsigned cpl; uint16_t sel; uint64_t gate; uint64_t tss; const char* expect; };
    const Row rows[] = {
        {"available 386 TSS", 3, 0x4B, gate, system(0, kTss32), "ok"},
        {"available 286 TSS", 3, 0x4B, gate, system(0, kTss16), "ok"},
        {"gate DPL < CPL", 3, 0x4B, make_gate(kTssSel, 0, P | dpl(2) | kTaskGate), system(0, kTss32), "#GP(0048)"},
        {"gate DPL < RPL", 1, 0x4B, make_gate(kTssSel, 0, P | dpl(2) | kTaskGate), system(0, kTss32), "#GP(0048)"},
        {"gate not present", 3, 0x4B, not_present(gate), system(0, kTss32), "#NP(0048)"},
        {"TSS selector in the LDT", 3, 0x4B, make_gate(0x0004, 0, P | dpl(3) | kTaskGate), system(0, kTss32),
         "#GP(0004)"},
        {"TSS selector past the GDT", 3, 0x4B, make_gate(0x0200, 0, P | dpl(3) | kTaskGate), system(0, kTss32),
         "#GP(0200)"},
        {"busy TSS", 3, 0x4B, gate, system(0, kTss32Busy), "#GP(0080)"},
        {"not a TSS", 3, 0x4B, gate, data(0), "#GP(0080)"},
        {"TSS not present", 3, 0x4B, gate, not_present(system(0, kTss32)), "#NP(0080)"},
        {"TSS DPL is not checked", 3, 0x4B, gate, system(0, kTss32), "ok"},
    };
    for (const Row& row : rows) {
        for (FarKind kind : {JMP, CALL}) {
            INFO(row.what << (kind == JMP ? " (JMP)" : " (CALL)"));
            Guest g;
            g.gdt(9, row.gate);
            g.gdt(16, row.tss);
            g.ldt(0, system(0, kTss32));
            auto r = check_far_transfer(g.t, row.cpl, far_request(kind, row.sel, 0));
            CHECK(outcome(r) == row.expect);
            if (r) {
                CHECK(r->kind == FarTarget::Kind::TaskGate);
                REQUIRE(r->task.has_value());
                CHECK(r->task->selector == kTssSel);
                CHECK(r->task->tss.address == 0x1080);
                CHECK(r->task->tss.desc.is_available_tss());
            }
        }
    }
}

TEST_CASE("far JMP/CALL to a TSS", "[protection]") {
    struct Row { const char* what; unsigned cpl; uint16_t sel; uint64_t tss; const char* expect; };
    const Row rows[] = {
        {"available 386 TSS, DPL = CPL", 3, 0x43, system(3, kTss32), "ok"},
        {"available 286 TSS", 0, 0x40, system(0, kTss16), "ok"},
        {"DPL < CPL", 3, 0x40, system(2, kTss32), "#GP(0040)"},
        {"DPL < RPL", 0, 0x43, system(2, kTss32), "#GP(0040)"},
        {"busy 386 TSS", 0, 0x40, system(0, kTss32Busy), "#GP(0040)"},
        {"busy 286 TSS", 0, 0x40, system(0, kTss16Busy), "#GP(0040)"},
        {"in the LDT", 0, 0x44, system(0, kTss32), "#GP(0044)"},
        {"not present", 0, 0x40, not_present(system(0, kTss32)), "#NP(0040)"},
        {"not present and DPL < CPL", 1, 0x41, not_present(system(0, kTss32)), "#GP(0040)"},
    };
    for (const Row& row : rows) {
        for (FarKind kind : {JMP, CALL}) {
            INFO(row.what << (kind == JMP ? " (JMP)" : " (CALL)"));
            Guest g;
            g.gdt(8, row.tss);
            g.ldt(8, row.tss);
            auto r = check_far_transfer(g.t, row.cpl, far_request(kind, row.sel, 0));
            CHECK(outcome(r) == row.expect);
            if (r) {
                CHECK(r->kind == FarTarget::Kind::Tss);
                CHECK(r->task->selector == row.sel);
                CHECK(r->task->tss.address == 0x1040);
            }
        }
    }
}

// =====================================================================
// Far RET and IRET
// =====================================================================

TEST_CASE("RET/IRET: the returned CS", "[protection]") {
    struct Row { const char* what; unsigned cpl; uint16_t sel; uint64_t desc; const char* expect; bool outer; };
    const Row rows[] = {
        {"null selector", 0, 0x0003, code(3), "#GP(0000)", false},
        {"past the GDT", 0, 0x0203, code(3), "#GP(0200)", false},
        {"past the LDT", 0, 0x0087, code(3), "#GP(0084)", false},
        {"data segment", 0, 0x43, data(3), "#GP(0040)", false},
        {"a call gate", 0, 0x43, make_gate(0x40, 0, P | dpl(3) | kCallGate32), "#GP(0040)", false},
        {"same level, nonconforming", 2, 0x42, code(2), "ok", false},
        {"same level, execute-only", 2, 0x42, code(2, kCodeX), "ok", false},
        {"outer level, nonconforming", 0, 0x43, code(3), "ok", true},
        {"RPL < CPL", 3, 0x40, code(0), "#GP(0040)", false},
        {"nonconforming, DPL > RPL", 0, 0x42, code(3), "#GP(0040)", false},
        {"nonconforming, DPL < RPL", 0, 0x43, code(2), "#GP(0040)", false},
        {"conforming, DPL < RPL", 0, 0x43, code(1, kCodeXRC), "ok", true},
        {"conforming, DPL = RPL", 1, 0x41, code(1, kCodeXC), "ok", false},
        {"conforming, DPL > RPL", 1, 0x41, code(2, kCodeXRC), "#GP(0040)", false},
        {"not present", 0, 0x43, not_present(code(3)), "#NP(0040)", false},
        {"not present and RPL < CPL", 1, 0x40, not_present(code(0)), "#GP(0040)", false},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        Guest g;
        g.gdt(8, row.desc);
        auto r = check_return_cs(g.t, row.cpl, row.sel);
        CHECK(outcome(r) == row.expect);
        if (r) {
            CHECK(r->outer == row.outer);
            CHECK(r->cpl == selector::rpl(row.sel));
            CHECK(r->cs.cache.selector == row.sel);
        }
    }
}

TEST_CASE("RET/IRET to an outer level: the returned SS", "[protection]") {
    struct Row { const char* what; uint16_t sel; uint64_t desc; const char* expect; };
    const Row rows[] = {
        {"null selector", 0x0003, data(3), "#GP(0000)"},
        {"past the GDT", 0x0203, data(3), "#GP(0200)"},
        {"writable data at the new level", 0x53, data(3), "ok"},
        {"writable expand-down data", 0x53, data(3, kDataRWDown), "ok"},
        {"RPL != new CPL", 0x52, data(3), "#GP(0050)"},
        {"DPL != new CPL", 0x53, data(2), "#GP(0050)"},
        {"read-only data", 0x53, data(3, kDataRO), "#GP(0050)"},
        {"code", 0x53, code(3), "#GP(0050)"},
        {"an LDT", 0x53, system(3, kLdt), "#GP(0050)"},
        {"not present", 0x53, not_present(data(3)), "#SS(0050)"},
        {"not present and DPL != new CPL", 0x53, not_present(data(2)), "#GP(0050)"},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        Guest g;
        g.gdt(10, row.desc);
        CHECK(outcome(check_return_ss(g.t, 3, row.sel)) == row.expect);
    }
}

TEST_CASE("a return to an outer level nulls the data segments it may not use", "[protection]") {
    auto cached = [](uint16_t sel, uint64_t desc) { return segment_cache(sel, decode_descriptor(desc)); };
    Segment seg[6];
    seg[CS] = cached(0x1B, code(3));
    seg[SS] = cached(0x23, data(3));
    seg[ES] = cached(0x10, data(0));              // more privileged data: nulled
    seg[DS] = cached(0x18, code(0, kCodeXRC));    // conforming code: kept
    seg[FS] = cached(0x28, code(0, kCodeXR));     // nonconforming code: nulled
    seg[GS] = cached(0x33, data(3));              // usable at CPL 3: kept
    null_outer_data_segments(seg, 3);
    CHECK(seg[ES].selector == 0);
    CHECK_FALSE(segment_usable(seg[ES]));
    CHECK(seg[DS].selector == 0x18);
    CHECK(segment_usable(seg[DS]));
    CHECK(seg[FS].selector == 0);
    CHECK_FALSE(segment_usable(seg[FS]));
    CHECK(seg[GS].selector == 0x33);
    CHECK(seg[CS].selector == 0x1B);  // CS and SS are not touched
    CHECK(seg[SS].selector == 0x23);

    CHECK_FALSE(loses_access_on_return(cached(0x10, data(2)), 2));
    CHECK(loses_access_on_return(cached(0x10, data(1)), 2));
    CHECK(loses_access_on_return(null_segment(3), 3));  // a null selector ends as 0
    CHECK_FALSE(loses_access_on_return(null_segment(3), 0));
}

TEST_CASE("IRET with NT returns to the task in the back link", "[protection]") {
    struct Row { const char* what; uint16_t link; uint64_t desc; const char* expect; };
    const Row rows[] = {
        {"busy 386 TSS", 0x40, system(0, kTss32Busy), "ok"},
        {"busy 286 TSS", 0x40, system(3, kTss16Busy), "ok"},
        {"available TSS", 0x40, system(0, kTss32), "#TS(0040)"},
        {"a data segment", 0x40, data(0), "#TS(0040)"},
        {"null link", 0x0000, system(0, kTss32Busy), "#TS(0000)"},
        {"link in the LDT", 0x44, system(0, kTss32Busy), "#TS(0044)"},
        {"link past the GDT", 0x200, system(0, kTss32Busy), "#TS(0200)"},
        {"not present", 0x40, not_present(system(0, kTss32Busy)), "#NP(0040)"},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        Guest g;
        g.gdt(8, row.desc);
        g.ldt(8, row.desc);
        auto r = check_task_return(g.t, row.link);
        CHECK(outcome(r) == row.expect);
        if (r) CHECK(r->tss.address == 0x1040);
    }
}

// =====================================================================
// Interrupts and exceptions
// =====================================================================

namespace {
InterruptRequest interrupt_request(uint8_t vector, bool software, bool error_code = false) {
    InterruptRequest r;
    r.vector = vector;
    r.software = software;
    r.pushes_error_code = error_code;
    r.ss = stack_segment(0xFFFFFFFF, kStack32);
    r.esp = 0x8000;
    return r;
}
}  // namespace

TEST_CASE("INT n and exceptions: the IDT entry", "[protection]") {
    const uint8_t v = 0x21;  // IDT entry at 0x108: error code (v << 3) | 2 = 0x10A
    struct Row { const char* what; bool software; unsigned cpl; uint64_t gate; uint32_t idt_limit; const char* expect; };
    const uint64_t handler = make_gate(0x40, 0x100, P | dpl(3) | kIntGate32);
    const Row rows[] = {
        {"interrupt gate", true, 3, handler, 0x7FF, "ok"},
        {"entry past the IDT limit (INT n)", true, 3, handler, 0x107, "#GP(010A)"},
        {"entry past the IDT limit (external)", false, 3, handler, 0x107, "#GP(010B)"},
        {"entry partly past the IDT limit", false, 3, handler, 0x10E, "#GP(010B)"},
        {"entry just within the IDT limit", false, 3, handler, 0x10F, "ok"},
        {"call gate in the IDT", true, 3, make_gate(0x40, 0, P | dpl(3) | kCallGate32), 0x7FF, "#GP(010A)"},
        {"code descriptor in the IDT", false, 3, code(3), 0x7FF, "#GP(010B)"},
        {"INT n: gate DPL < CPL", true, 3, make_gate(0x40, 0x100, P | dpl(2) | kTrapGate32), 0x7FF, "#GP(010A)"},
        {"external: gate DPL is not checked", false, 3, make_gate(0x40, 0x100, P | kTrapGate32), 0x7FF, "ok"},
        {"INT n: gate not present", true, 3, not_present(handler), 0x7FF, "#NP(010A)"},
        {"external: gate not present", false, 3, not_present(handler), 0x7FF, "#NP(010B)"},
        {"INT n: not present and DPL < CPL", true, 3, not_present(make_gate(0x40, 0, P | kIntGate32)), 0x7FF,
         "#GP(010A)"},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        Guest g;
        g.gdt(8, code(0));
        g.gdt(10, data(0));
        g.tss_stack(0, 0x50, 0x8000);
        g.idt(v, row.gate);
        g.t.idt_limit = row.idt_limit;
        CHECK(outcome(check_interrupt(g.t, row.cpl, interrupt_request(v, row.software))) == row.expect);
    }
    for (uint8_t type : {uint8_t(0x0), uint8_t(0x1), uint8_t(0x2), uint8_t(0x3), uint8_t(0x4), uint8_t(0x8),
                         uint8_t(0x9), uint8_t(0xA), uint8_t(0xB), uint8_t(0xC), uint8_t(0xD)}) {
        INFO("system type " << int(type));
        Guest g;
        g.idt(v, make_gate(0x40, 0x100, P | dpl(3) | type));
        CHECK(outcome(check_interrupt(g.t, 0, interrupt_request(v, true))) == "#GP(010A)");
        CHECK(outcome(check_interrupt(g.t, 0, interrupt_request(v, false))) == "#GP(010B)");
    }
}

TEST_CASE("interrupt and trap gates: the handler's code segment", "[protection]") {
    struct Row { const char* what; unsigned cpl; uint64_t gate; uint64_t code_desc; const char* soft; const char* ext; };
    const uint8_t gate32 = P | dpl(3) | kIntGate32;
    const Row rows[] = {
        {"same level", 0, make_gate(0x40, 0x100, gate32), code(0), "ok", "ok"},
        {"null selector", 0, make_gate(0x0003, 0x100, gate32), code(0), "#GP(0000)", "#GP(0001)"},
        {"selector past the GDT", 0, make_gate(0x0203, 0x100, gate32), code(0), "#GP(0200)", "#GP(0201)"},
        {"selector past the LDT", 0, make_gate(0x0084, 0x100, gate32), code(0), "#GP(0084)", "#GP(0085)"},
        {"a data segment", 0, make_gate(0x40, 0x100, gate32), data(0), "#GP(0040)", "#GP(0041)"},
        {"code DPL > CPL", 1, make_gate(0x40, 0x100, gate32), code(2), "#GP(0040)", "#GP(0041)"},
        {"conforming code DPL > CPL", 1, make_gate(0x40, 0x100, gate32), code(2, kCodeXC), "#GP(0040)",
         "#GP(0041)"},
        {"conforming code DPL < CPL", 3, make_gate(0x40, 0x100, gate32), code(0, kCodeXC), "ok", "ok"},
        {"code not present", 0, make_gate(0x40, 0x100, gate32), not_present(code(0)), "#NP(0040)", "#NP(0041)"},
        {"code not present and DPL > CPL", 0, make_gate(0x40, 0x100, gate32), not_present(code(1)), "#GP(0040)",
         "#GP(0041)"},
        {"offset past the code limit", 0, make_gate(0x40, 0x10000, gate32), code(0), "#GP(0000)", "#GP(0001)"},
        {"16-bit gate drops offset bits 31:16", 0, make_gate(0x40, 0x10000, P | dpl(3) | kTrapGate16), code(0),
         "ok", "ok"},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        Guest g;
        g.gdt(8, row.code_desc);
        g.idt(0x30, row.gate);
        CHECK(outcome(check_interrupt(g.t, row.cpl, interrupt_request(0x30, true))) == row.soft);
        CHECK(outcome(check_interrupt(g.t, row.cpl, interrupt_request(0x30, false))) == row.ext);
    }
}

TEST_CASE("interrupt gates: the result", "[protection]") {
    Guest g;
    g.gdt(8, code(0, kCodeXR, 0xFFFFF));
    g.gdt(10, data(0, kDataRW, 0xFFFFF));
    g.tss_stack(0, 0x50, 0x00012340);
    g.idt(0x0E, make_gate(0x40, 0x00054321, P | kIntGate32));
    g.idt(0x80, make_gate(0x43, 0x00054321, P | dpl(3) | kTrapGate32));

    auto pf = check_interrupt(g.t, 3, interrupt_request(0x0E, false, true));
    REQUIRE(pf);
    CHECK(pf->kind == InterruptTarget::Kind::Gate);
    CHECK(pf->gate.is_interrupt_gate());
    CHECK(pf->cpl == 0);
    CHECK(pf->cs.cache.selector == 0x40);
    CHECK(pf->eip == 0x00054321);
    REQUIRE(pf->stack.has_value());
    CHECK(pf->stack->ss.cache.selector == 0x50);
    CHECK(pf->stack->esp == 0x00012340);

    auto syscall = check_interrupt(g.t, 0, interrupt_request(0x80, true));
    REQUIRE(syscall);
    CHECK_FALSE(syscall->gate.is_interrupt_gate());  // a trap gate leaves IF alone
    CHECK(syscall->cpl == 0);
    CHECK(syscall->cs.cache.selector == 0x40);  // RPL from the gate replaced by the CPL
    CHECK_FALSE(syscall->stack.has_value());
}

TEST_CASE("interrupts to a more privileged level: the stack from the TSS", "[protection]") {
    // CPL 3 to a DPL 0 handler; software and external error codes differ in EXT.
    struct Row { const char* what; uint64_t stack_desc; uint16_t ss0; uint32_t esp0; uint32_t tss_limit;
                 const char* soft; const char* ext; };
    const uint64_t small_stack = data(0, kDataRW, 0x0FFF);
    const Row rows[] = {
        {"all good", small_stack, 0x50, 0x1000, 0x67, "ok", "ok"},
        {"TSS too short", small_stack, 0x50, 0x1000, 0x08, "#TS(0080)", "#TS(0081)"},
        {"null SS0", small_stack, 0x0000, 0x1000, 0x67, "#TS(0000)", "#TS(0001)"},
        {"SS0 past the GDT", small_stack, 0x0200, 0x1000, 0x67, "#TS(0200)", "#TS(0201)"},
        {"SS0 RPL != DPL", small_stack, 0x52, 0x1000, 0x67, "#TS(0050)", "#TS(0051)"},
        {"SS0 DPL != DPL", data(2, kDataRW, 0xFFF), 0x50, 0x1000, 0x67, "#TS(0050)", "#TS(0051)"},
        {"SS0 read-only", data(0, kDataRO, 0xFFF), 0x50, 0x1000, 0x67, "#TS(0050)", "#TS(0051)"},
        {"SS0 not present", not_present(small_stack), 0x50, 0x1000, 0x67, "#SS(0050)", "#SS(0051)"},
        // 32-bit gate: SS, ESP, EFLAGS, CS, EIP = 20 bytes (24 with an error code).
        {"room for 20 bytes", small_stack, 0x50, 20, 0x67, "ok", "ok"},
        {"no room for 20 bytes", small_stack, 0x50, 19, 0x67, "#SS(0050)", "#SS(0051)"},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        Guest g;
        g.gdt(8, code(0, kCodeXR, 0xFFF));
        g.gdt(10, row.stack_desc);
        g.tss_stack(0, row.ss0, row.esp0);
        g.t.tss_limit = row.tss_limit;
        g.idt(0x30, make_gate(0x40, 0x100, P | dpl(3) | kIntGate32));
        CHECK(outcome(check_interrupt(g.t, 3, interrupt_request(0x30, true))) == row.soft);
        CHECK(outcome(check_interrupt(g.t, 3, interrupt_request(0x30, false))) == row.ext);
    }

    Guest g;
    g.gdt(8, code(0, kCodeXR, 0xFFF));
    g.gdt(10, small_stack);
    g.idt(0x0D, make_gate(0x40, 0x100, P | kIntGate32));
    g.idt(0x0C, make_gate(0x40, 0x100, P | kIntGate16));
    g.tss_stack(0, 0x50, 24);
    CHECK(outcome(check_interrupt(g.t, 3, interrupt_request(0x0D, false, true))) == "ok");
    g.tss_stack(0, 0x50, 23);
    CHECK(outcome(check_interrupt(g.t, 3, interrupt_request(0x0D, false, true))) == "#SS(0051)");
    g.tss_stack(0, 0x50, 12);  // 16-bit gate: 5 words and the error code
    CHECK(outcome(check_interrupt(g.t, 3, interrupt_request(0x0C, false, true))) == "ok");
    g.tss_stack(0, 0x50, 11);
    CHECK(outcome(check_interrupt(g.t, 3, interrupt_request(0x0C, false, true))) == "#SS(0051)");
    CHECK(outcome(check_interrupt(g.t, 3, interrupt_request(0x0C, false, false))) == "ok");

    // Stack checks come before the offset check.
    g.idt(0x0D, make_gate(0x40, 0x1000, P | kIntGate32));
    g.tss_stack(0, 0x50, 0x1000);
    CHECK(outcome(check_interrupt(g.t, 3, interrupt_request(0x0D, false))) == "#GP(0001)");
    g.tss_stack(0, 0x50, 0x10);
    CHECK(outcome(check_interrupt(g.t, 3, interrupt_request(0x0D, false))) == "#SS(0051)");
}

TEST_CASE("interrupts at the same level need room on the current stack", "[protection]") {
    Guest g;
    g.gdt(8, code(0));
    g.idt(0x0D, make_gate(0x40, 0x100, P | kIntGate32));
    g.idt(0x0C, make_gate(0x40, 0x100, P | kIntGate16));
    struct Row { uint8_t vector; bool error_code; uint32_t esp; const char* expect; };
    const Row rows[] = {
        {0x0D, true, 16, "ok"}, {0x0D, true, 15, "#SS(0001)"},   // EFLAGS, CS, EIP, error code
        {0x0D, false, 12, "ok"}, {0x0D, false, 11, "#SS(0001)"},
        {0x0C, true, 8, "ok"}, {0x0C, true, 7, "#SS(0001)"},     // in words
        {0x0C, false, 6, "ok"}, {0x0C, false, 5, "#SS(0001)"},
    };
    for (const Row& row : rows) {
        INFO("vector " << int(row.vector) << " esp " << row.esp);
        InterruptRequest r = interrupt_request(row.vector, false, row.error_code);
        r.ss = stack_segment(0xFFF, kStack32);
        r.esp = row.esp;
        CHECK(outcome(check_interrupt(g.t, 0, r)) == row.expect);
    }
    InterruptRequest soft = interrupt_request(0x0D, true);
    soft.ss = stack_segment(0xFFF, kStack32);
    soft.esp = 11;
    CHECK(outcome(check_interrupt(g.t, 0, soft)) == "#SS(0000)");
}

TEST_CASE("interrupts through a task gate", "[protection]") {
    struct Row { const char* what; uint64_t gate; uint64_t tss; const char* soft; const char* ext; };
    const uint64_t gate = make_gate(kTssSel, 0, P | dpl(3) | kTaskGate);
    const Row rows[] = {
        {"available TSS", gate, system(0, kTss32), "ok", "ok"},
        {"busy TSS", gate, system(0, kTss32Busy), "#GP(0080)", "#GP(0081)"},
        {"not a TSS", gate, code(0), "#GP(0080)", "#GP(0081)"},
        {"TSS not present", gate, not_present(system(0, kTss16)), "#NP(0080)", "#NP(0081)"},
        {"TSS selector in the LDT", make_gate(0x84, 0, P | dpl(3) | kTaskGate), system(0, kTss32), "#GP(0084)",
         "#GP(0085)"},
        {"TSS selector past the GDT", make_gate(0x200, 0, P | dpl(3) | kTaskGate), system(0, kTss32), "#GP(0200)",
         "#GP(0201)"},
        {"gate not present", not_present(gate), system(0, kTss32), "#NP(010A)", "#NP(010B)"},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        Guest g;
        g.gdt(16, row.tss);
        g.idt(0x21, row.gate);
        auto r = check_interrupt(g.t, 3, interrupt_request(0x21, true));
        CHECK(outcome(r) == row.soft);
        CHECK(outcome(check_interrupt(g.t, 3, interrupt_request(0x21, false))) == row.ext);
        if (r) {
            CHECK(r->kind == InterruptTarget::Kind::Task);
            CHECK(r->task->selector == kTssSel);
            CHECK(r->task->tss.address == 0x1080);
        }
    }
}

TEST_CASE("80286 tables: 386 gate types are invalid in the IDT", "[protection]") {
    Guest g;
    g.t.i286 = true;
    g.gdt(8, code(0));
    g.idt(0x20, make_gate(0x40, 0x100, P | kIntGate32));
    g.idt(0x21, make_gate(0x40, 0x100, P | kIntGate16));
    CHECK(outcome(check_interrupt(g.t, 0, interrupt_request(0x20, false))) == "#GP(0103)");
    CHECK(outcome(check_interrupt(g.t, 0, interrupt_request(0x21, false))) == "ok");
    g.gdt(9, make_gate(0x40, 0x100, P | kCallGate32));
    CHECK(outcome(check_far_transfer(g.t, 0, far_request(JMP, 0x48, 0))) == "#GP(0048)");
}

// =====================================================================
// LAR, LSL, VERR, VERW
// =====================================================================

TEST_CASE("LAR, LSL, VERR and VERW: which descriptor types qualify", "[protection]") {
    struct Row { const char* what; uint64_t desc; bool lar, lsl, verr, verw; };
    const Row rows[] = {
        {"read-only data", data(3, kDataRO), true, true, true, false},
        {"writable data", data(3, kDataRW), true, true, true, true},
        {"writable expand-down data", data(3, kDataRWDown), true, true, true, true},
        {"execute-only code", code(3, kCodeX), true, true, false, false},
        {"readable code", code(3, kCodeXR), true, true, true, false},
        {"execute-only conforming code", code(3, kCodeXC), true, true, false, false},
        {"readable conforming code", code(3, kCodeXRC), true, true, true, false},
        {"reserved 0", system(3, 0x0), false, false, false, false},
        {"286 TSS", system(3, kTss16), true, true, false, false},
        {"LDT", system(3, kLdt), true, true, false, false},
        {"busy 286 TSS", system(3, kTss16Busy), true, true, false, false},
        {"286 call gate", system(3, kCallGate16), true, false, false, false},
        {"task gate", system(3, kTaskGate), true, false, false, false},
        {"286 interrupt gate", system(3, kIntGate16), false, false, false, false},
        {"286 trap gate", system(3, kTrapGate16), false, false, false, false},
        {"reserved 8", system(3, 0x8), false, false, false, false},
        {"386 TSS", system(3, kTss32), true, true, false, false},
        {"reserved A", system(3, 0xA), false, false, false, false},
        {"busy 386 TSS", system(3, kTss32Busy), true, true, false, false},
        {"386 call gate", system(3, kCallGate32), true, false, false, false},
        {"reserved D", system(3, 0xD), false, false, false, false},
        {"386 interrupt gate", system(3, kIntGate32), false, false, false, false},
        {"386 trap gate", system(3, kTrapGate32), false, false, false, false},
        {"not present data (presence is not checked)", not_present(data(3)), true, true, true, true},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        Guest g;
        g.gdt(8, row.desc);
        CHECK(access_rights_for_lar(g.t, 3, 0x43).has_value() == row.lar);
        CHECK(limit_for_lsl(g.t, 3, 0x43).has_value() == row.lsl);
        CHECK(readable_for_verr(g.t, 3, 0x43) == row.verr);
        CHECK(writable_for_verw(g.t, 3, 0x43) == row.verw);
    }
}

TEST_CASE("LAR, LSL, VERR and VERW: privilege and bad selectors", "[protection]") {
    struct Row { const char* what; uint64_t desc; unsigned cpl; uint16_t sel; bool visible; };
    const Row rows[] = {
        {"DPL = CPL = RPL", data(2), 2, 0x42, true},
        {"DPL > CPL and RPL", data(3), 0, 0x41, true},
        {"DPL < CPL", data(2), 3, 0x42, false},
        {"DPL < RPL", data(2), 0, 0x43, false},
        {"nonconforming code, DPL < CPL", code(0), 3, 0x40, false},
        {"conforming code, DPL < CPL and RPL", code(0, kCodeXRC), 3, 0x43, true},
        {"null selector", data(3), 3, 0x0003, false},
        {"past the GDT", data(3), 3, 0x0203, false},
        {"past the LDT", data(3), 3, 0x0087, false},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        Guest g;
        g.gdt(8, row.desc);
        g.gdt(0, row.desc);  // a null selector must not read entry 0
        CHECK(access_rights_for_lar(g.t, row.cpl, row.sel).has_value() == row.visible);
        CHECK(limit_for_lsl(g.t, row.cpl, row.sel).has_value() == row.visible);
        CHECK(readable_for_verr(g.t, row.cpl, row.sel) == row.visible);
    }
    Guest g;
    g.gdt(8, data(1));
    CHECK(writable_for_verw(g.t, 1, 0x41));
    CHECK_FALSE(writable_for_verw(g.t, 2, 0x41));
    CHECK_FALSE(writable_for_verw(g.t, 1, 0x42));
    g.gdt(9, system(0, kTss32));  // system descriptors obey the privilege test too
    CHECK(access_rights_for_lar(g.t, 0, 0x48).has_value());
    CHECK_FALSE(access_rights_for_lar(g.t, 1, 0x48).has_value());
    CHECK_FALSE(limit_for_lsl(g.t, 0, 0x4B).has_value());
}

TEST_CASE("LAR and LSL results", "[protection]") {
    Guest g;
    g.gdt(8, make_segment(0x12345678, 0xABCDE, P | S | dpl(3) | kCodeXR | 1, kG | kB | kAvl));
    g.gdt(9, make_segment(0x12345678, 0xABCDE, P | S | dpl(3) | kDataRW));
    CHECK(access_rights_for_lar(g.t, 3, 0x43) == 0x00DAFB00u);  // flags, limit 19:16, access byte
    CHECK(limit_for_lsl(g.t, 3, 0x43) == 0xABCDEFFFu);
    CHECK(limit_for_lsl(g.t, 3, 0x4B) == 0x000ABCDEu);
}
