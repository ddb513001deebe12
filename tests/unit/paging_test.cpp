// The 32-bit page-table walker: translation, access rights, #PF error codes,
// Accessed/Dirty updates, 4 MiB pages, reserved bits, odd tables.
#include <catch2/catch.hpp>

#include <vector>

#include "mmu/paging.hpp"

using namespace amber;

namespace {

constexpr uint32_t P = kEntryPresent, W = kEntryWritable, U = kEntryUser, A = kEntryAccessed, D = kEntryDirty;
constexpr uint32_t PS = kEntryLargePage, G = kEntryGlobal;
constexpr uint16_t kNotPresent = 0, kProtection = kPageFaultPresent;
constexpr uint16_t kWr = kPageFaultWrite, kUs = kPageFaultUser, kRsvd = kPageFaultReserved;

constexpr AccessKind kRead = AccessKind::Read, kWrite = AccessKind::Write, kFetch = AccessKind::Fetch;
constexpr AccessKind kAllKinds[] = {kRead, kWrite, kFetch};

constexpr uint32_t kDirectory = 0x1000;
constexpr uint32_t kTable = 0x2000;

const char* name(AccessKind k) { return k == kRead ? "read" : k == kWrite ? "write" : "fetch"; }

// 4 MiB of RAM with a page directory at kDirectory; page tables go where each
// test puts them.
struct Tables {
    PhysMemory mem;
    PagingMode mode;

    Tables() {
        mem.add_ram(0, 4u << 20);
        mode.cr3 = kDirectory;
    }
    uint32_t pde_addr(uint32_t lin) const { return (mode.cr3 & ~kPageMask) + (lin >> 22) * 4; }
    uint32_t pte_addr(uint32_t lin) const { return (pde(lin) & ~kPageMask) + ((lin >> 12) & 0x3FF) * 4; }
    uint32_t pde(uint32_t lin) const { return mem.read<uint32_t>(pde_addr(lin)); }
    uint32_t pte(uint32_t lin) const { return mem.read<uint32_t>(pte_addr(lin)); }
    void set_pde(uint32_t lin, uint32_t v) { mem.write<uint32_t>(pde_addr(lin), v); }
    void set_pte(uint32_t lin, uint32_t v) { mem.write<uint32_t>(pte_addr(lin), v); }
    // One 4 KiB page through the page table at `table`.
    void map(uint32_t lin, uint32_t pte_value, uint32_t pde_flags = P | W | U, uint32_t table = kTable) {
        set_pde(lin, table | pde_flags);
        set_pte(lin, pte_value);
    }
    PageWalk walk(uint32_t lin, AccessKind kind, bool user = false) {
        return walk_page_tables(mem, lin, kind, user, mode);
    }
};

uint16_t access_bits(AccessKind kind, bool user) {
    return static_cast<uint16_t>((kind == kWrite ? kWr : 0) | (user ? kUs : 0));
}

}  // namespace

TEST_CASE("paging: 4 KiB pages translate linear to physical addresses", "[paging]") {
    struct Case {
        uint32_t lin, table, frame, phys;
    };
    const Case cases[] = {
        {0x00005123, 0x2000, 0x00005000, 0x00005123},  // identity
        {0x00407FFF, 0x3000, 0x0009A000, 0x0009AFFF},  // PDE 1, PTE 7, last byte of the page
        {0xC0000010, 0x4000, 0x00123000, 0x00123010},  // PDE 0x300: a higher-half kernel
        {0xFFFFF000, 0x5000, 0x00200000, 0x00200000},  // the last PDE and PTE
        {0x12345678, 0x6000, 0xFEDCB000, 0xFEDCB678},  // a frame outside RAM is fine to map
    };
    Tables t;
    for (const Case& c : cases) t.map(c.lin, c.frame | P | W, P | W, c.table);
    for (const Case& c : cases) {
        CAPTURE(c.lin);
        for (AccessKind kind : kAllKinds) {
            CAPTURE(name(kind));
            PageWalk w = t.walk(c.lin, kind);
            REQUIRE(w.ok);
            CHECK(w.phys == c.phys);
            CHECK(w.page_base == c.frame);
            CHECK(w.page_size == kPageSize);
            CHECK(w.error_code == 0);
        }
    }
}

TEST_CASE("paging: a not-present entry faults with P=0 and the access's W/R and U/S", "[paging]") {
    struct Case {
        AccessKind kind;
        bool user;
        uint16_t error_code;
    };
    const Case cases[] = {
        {kRead, false, 0},          {kWrite, false, kWr},       {kFetch, false, 0},
        {kRead, true, kUs},         {kWrite, true, kWr | kUs},  {kFetch, true, kUs},
    };
    const uint32_t lin = 0x00C03000;
    // All other bits are set: software owns them when P=0, so they are neither
    // used nor reserved, even with CR4.PSE.
    const uint32_t absent = ~P;
    Tables t;
    for (bool pse : {false, true}) {
        t.mode.pse = pse;
        for (const Case& c : cases) {
            CAPTURE(pse, name(c.kind), c.user);
            // in the page directory
            t.set_pde(lin, absent);
            PageWalk w = t.walk(lin, c.kind, c.user);
            CHECK_FALSE(w.ok);
            CHECK(w.error_code == (kNotPresent | c.error_code));
            CHECK(t.pde(lin) == absent);
            // in the page table
            t.map(lin, absent);
            w = t.walk(lin, c.kind, c.user);
            CHECK_FALSE(w.ok);
            CHECK(w.error_code == (kNotPresent | c.error_code));
            CHECK(t.pde(lin) == (kTable | P | W | U));  // not Accessed: the walk failed
            CHECK(t.pte(lin) == absent);
        }
    }
}

TEST_CASE("paging: effective rights are the AND of the PDE's and the PTE's", "[paging]") {
    struct Case {
        uint32_t pde_rights, pte_rights;
        bool user, writable;
    };
    const Case cases[] = {
        {0, 0, false, false},     {0, W, false, false},     {0, U, false, false},     {0, U | W, false, false},
        {W, 0, false, false},     {W, W, false, true},      {W, U, false, false},     {W, U | W, false, true},
        {U, 0, false, false},     {U, W, false, false},     {U, U, true, false},      {U, U | W, true, false},
        {U | W, 0, false, false}, {U | W, W, false, true},  {U | W, U, true, false},  {U | W, U | W, true, true},
    };
    Tables t;
    const uint32_t lin = 0x00001000;
    for (const Case& c : cases) {
        CAPTURE(c.pde_rights, c.pte_rights);
        t.map(lin, 0x7000 | P | c.pte_rights, P | c.pde_rights);
        PageWalk w = t.walk(lin, kRead);  // a supervisor read is always allowed
        REQUIRE(w.ok);
        CHECK(w.user == c.user);
        CHECK(w.writable == c.writable);
    }
}

TEST_CASE("paging: access rights for every U/S, R/W, CPL and CR0.WP", "[paging]") {
    // The rights of the page (already combined), who accesses it, and whether
    // a read (or fetch) and a write are allowed -- SDM Vol. 3A "Access rights".
    struct Case {
        uint32_t rights;
        bool user, wp;
        bool read_ok, write_ok;
    };
    const Case cases[] = {
        // supervisor: reads anything; writes anything unless WP, then needs R/W
        {0, false, false, true, true},
        {0, false, true, true, false},
        {W, false, false, true, true},
        {W, false, true, true, true},
        {U, false, false, true, true},
        {U, false, true, true, false},
        {U | W, false, false, true, true},
        {U | W, false, true, true, true},
        // user: needs U/S to read, U/S and R/W to write; WP changes nothing
        {0, true, false, false, false},
        {0, true, true, false, false},
        {W, true, false, false, false},
        {W, true, true, false, false},
        {U, true, false, true, false},
        {U, true, true, true, false},
        {U | W, true, false, true, true},
        {U | W, true, true, true, true},
    };
    // The restriction may sit in the PDE, in the PTE, or in both.
    enum Where { InDirectory, InTable, InBoth };
    const uint32_t lin = 0x00802345;
    Tables t;
    for (const Case& c : cases) {
        for (Where where : {InDirectory, InTable, InBoth}) {
            for (AccessKind kind : kAllKinds) {
                CAPTURE(c.rights, c.user, c.wp, where, name(kind));
                const uint32_t pde = kTable | P | (where == InTable ? U | W : c.rights);
                const uint32_t pte = 0x9000 | P | (where == InDirectory ? U | W : c.rights);
                t.map(lin, pte, pde & kPageMask);
                t.mode.write_protect = c.wp;
                const bool expect_ok = kind == kWrite ? c.write_ok : c.read_ok;

                PageWalk w = t.walk(lin, kind, c.user);
                CHECK(w.ok == expect_ok);
                if (expect_ok) {
                    CHECK(w.phys == 0x9345);
                    CHECK(w.error_code == 0);
                    CHECK(t.pde(lin) == (pde | A));
                    CHECK(t.pte(lin) == (pte | A | (kind == kWrite ? D : 0)));
                } else {
                    CHECK(w.error_code == (kProtection | access_bits(kind, c.user)));
                    CHECK(t.pde(lin) == pde);  // a faulting access marks nothing
                    CHECK(t.pte(lin) == pte);
                }

                // The TLB's shortcut agrees with the walker, from a walk made
                // for a different access.
                t.map(lin, pte, pde & kPageMask);
                PageWalk any = t.walk(lin, kRead, false);
                REQUIRE(any.ok);
                CHECK(allows(any, kind, c.user, c.wp) == expect_ok);
            }
        }
    }
}

TEST_CASE("paging: Accessed on every entry used, Dirty on the final entry for writes", "[paging]") {
    struct Case {
        AccessKind kind;
        bool large;
        uint32_t pde_added, pte_added;
    };
    const Case cases[] = {
        {kRead, false, A, A},     {kFetch, false, A, A},     {kWrite, false, A, A | D},  // never D in a PDE that points to a table
        {kRead, true, A, 0},      {kFetch, true, A, 0},      {kWrite, true, A | D, 0},
    };
    // Other bits (PWT, PCD, the software bits 11:9) are left as they are.
    const uint32_t other = kEntryWriteThrough | kEntryCacheDisable | 0xE00;
    const uint32_t lin = 0x00C01234;
    for (const Case& c : cases) {
        CAPTURE(name(c.kind), c.large);
        Tables t;
        t.mode.pse = true;
        const uint32_t pde = c.large ? 0x00800000 | PS | P | W | other : kTable | P | W | other;
        const uint32_t pte = 0x5000 | P | W | other;
        t.set_pde(lin, pde);
        if (!c.large) t.set_pte(lin, pte);

        PageWalk w = t.walk(lin, c.kind);
        REQUIRE(w.ok);
        CHECK(w.dirty == (c.kind == kWrite));
        CHECK(t.pde(lin) == (pde | c.pde_added));
        if (!c.large) CHECK(t.pte(lin) == (pte | c.pte_added));

        // Once dirty, a read walk says so: the TLB may then take writes.
        if (c.kind == kWrite) CHECK(t.walk(lin, kRead).dirty);
    }
}

TEST_CASE("paging: entries are written only when a bit changes", "[paging]") {
    // The page tables share a page with decoded code: every write to it tells
    // the code cache, so a walk must not write entries that already have A/D.
    struct Listener : CodeWriteListener {
        std::vector<uint32_t> pages;
        void code_page_written(uint32_t page) override { pages.push_back(page); }
    } listener;
    Tables t;
    t.mem.set_code_listener(&listener);
    const uint32_t lin = 0x00001000;
    t.map(lin, 0x7000 | P | W | A | D, P | W | A);
    t.mem.mark_code(kTable);
    t.mem.mark_code(kDirectory);
    CHECK(t.walk(lin, kWrite).ok);
    CHECK(listener.pages.empty());

    t.set_pte(lin, 0x7000 | P | W | A);  // this write drops the page's code mark: set it again
    t.mem.mark_code(kTable);
    listener.pages.clear();
    CHECK(t.walk(lin, kWrite).ok);
    CHECK(listener.pages == std::vector<uint32_t>{kTable >> kPageBits});
    CHECK(t.pte(lin) == (0x7000 | P | W | A | D));
}

TEST_CASE("paging: a PDE with PS maps 4 MiB only with CR4.PSE", "[paging]") {
    // PDE 3 has PS set and points at physical 0; with PSE it maps 4 MiB there,
    // without PSE physical 0 holds its page table and PTE 5 maps 0x9A000.
    const uint32_t lin = 0x00C05123;
    Tables t;
    t.set_pde(lin, 0x00000000 | PS | P | W);
    t.mem.write<uint32_t>(5 * 4, 0x0009A000 | P | W);

    t.mode.pse = true;
    PageWalk w = t.walk(lin, kRead);
    REQUIRE(w.ok);
    CHECK(w.phys == 0x00005123);
    CHECK(w.page_base == 0);
    CHECK(w.page_size == kLargePageSize);
    CHECK(t.mem.read<uint32_t>(5 * 4) == (0x0009A000 | P | W));  // the "table" was not used

    t.mode.pse = false;
    w = t.walk(lin, kRead);
    REQUIRE(w.ok);
    CHECK(w.phys == 0x0009A123);
    CHECK(w.page_base == 0x0009A000);
    CHECK(w.page_size == kPageSize);
    CHECK(t.mem.read<uint32_t>(5 * 4) == (0x0009A000 | P | W | A));

    SECTION("the offset is the low 22 bits of the linear address") {
        t.mode.pse = true;
        t.set_pde(0xFFC00000, 0xFFC00000 | PS | P | U);
        w = t.walk(0xFFFFFFFF, kRead, true);
        REQUIRE(w.ok);
        CHECK(w.phys == 0xFFFFFFFF);
        CHECK(w.page_base == 0xFFC00000);
        CHECK(w.user);
        CHECK_FALSE(w.writable);
        w = t.walk(0xFFFFFFFF, kWrite, true);
        CHECK_FALSE(w.ok);
        CHECK(w.error_code == (kProtection | kWr | kUs));
    }
}

TEST_CASE("paging: reserved bits fault with RSVD and P set", "[paging]") {
    const uint32_t lin = 0x00C00000;
    SECTION("bits 21:13 of a 4 MiB PDE, and bit 12 (PAT) without the PAT") {
        struct Case {
            uint32_t bit;
            bool pat, faults;
        };
        std::vector<Case> cases;
        for (uint32_t bit = 13; bit <= 21; ++bit) cases.push_back({bit, false, true});
        for (uint32_t bit = 13; bit <= 21; ++bit) cases.push_back({bit, true, true});
        cases.push_back({12, false, true});
        cases.push_back({12, true, false});
        for (uint32_t bit : {8u, 9u, 10u, 11u, 22u, 31u}) cases.push_back({bit, false, false});  // G, software, address
        Tables t;
        t.mode.pse = true;
        for (const Case& c : cases) {
            for (AccessKind kind : kAllKinds) {
                for (bool user : {false, true}) {
                    CAPTURE(c.bit, c.pat, name(kind), user);
                    t.mode.pat = c.pat;
                    const uint32_t pde = (1u << c.bit) | PS | P | W | U;
                    t.set_pde(lin, pde);
                    PageWalk w = t.walk(lin, kind, user);
                    CHECK(w.ok == !c.faults);
                    if (c.faults) {
                        CHECK(w.error_code == (kProtection | kRsvd | access_bits(kind, user)));
                        CHECK(t.pde(lin) == pde);  // not Accessed
                    }
                }
            }
        }
    }
    SECTION("a reserved bit wins over a protection violation") {
        Tables t;
        t.mode.pse = true;
        t.set_pde(lin, (1u << 21) | PS | P);  // supervisor, read-only
        CHECK(t.walk(lin, kWrite, true).error_code == (kProtection | kRsvd | kWr | kUs));
    }
    SECTION("without CR4.PSE those bits are part of a page table's address") {
        Tables t;
        t.set_pde(lin, 0x003FF000 | PS | P | W);  // table at 0x3FF000: bits 21:12 all set
        t.set_pte(lin, 0x5000 | kEntryPteAttribute | P | W);
        PageWalk w = t.walk(lin, kWrite);
        REQUIRE(w.ok);
        CHECK(w.phys == 0x5000);
    }
    SECTION("PTE bit 7 (PAT) with CR4.PSE and no PAT") {
        struct Case {
            bool pse, pat, faults;
        };
        const Case cases[] = {{false, false, false}, {true, false, true}, {true, true, false}, {false, true, false}};
        Tables t;
        for (const Case& c : cases) {
            CAPTURE(c.pse, c.pat);
            t.mode.pse = c.pse;
            t.mode.pat = c.pat;
            t.map(lin, 0x5000 | kEntryPteAttribute | P | W | U);
            PageWalk w = t.walk(lin, kRead, true);
            CHECK(w.ok == !c.faults);
            if (c.faults) {
                CHECK(w.error_code == (kProtection | kRsvd | kUs));
                CHECK(t.pde(lin) == (kTable | P | W | U));
            }
        }
    }
}

TEST_CASE("paging: the global bit is reported only with CR4.PGE, from the final entry", "[paging]") {
    struct Case {
        bool pge, large;
        uint32_t pde_global, pte_global;
        bool global;
    };
    const Case cases[] = {
        {false, false, G, G, false}, {true, false, 0, G, true},   {true, false, G, 0, false},  // a table's PDE.G is ignored
        {true, false, G, G, true},   {false, true, G, 0, false},  {true, true, G, 0, true},
        {true, true, 0, 0, false},
    };
    const uint32_t lin = 0x00401000;
    for (const Case& c : cases) {
        CAPTURE(c.pge, c.large, c.pde_global, c.pte_global);
        Tables t;
        t.mode.pse = true;
        t.mode.pge = c.pge;
        if (c.large) {
            t.set_pde(lin, 0x00400000 | PS | P | c.pde_global);
        } else {
            t.map(lin, 0x5000 | P | c.pte_global, P | c.pde_global);
        }
        PageWalk w = t.walk(lin, kRead);
        REQUIRE(w.ok);
        CHECK(w.global == c.global);
    }
}

TEST_CASE("paging: tables outside RAM read as all ones and never crash", "[paging]") {
    // An all-ones entry is present, user, writable, PS, G, and has every
    // reserved bit set: with CR4.PSE it faults, without it maps 0xFFFFF000.
    const uint32_t lin = 0x00403ABC;
    for (bool pse : {false, true}) {
        CAPTURE(pse);
        Tables t;
        t.mode.pse = pse;
        // a page table outside RAM
        t.map(lin, 0, P | W | U, 0x10000000);
        PageWalk w = t.walk(lin, kWrite, true);
        if (pse) {
            CHECK_FALSE(w.ok);
            CHECK(w.error_code == (kProtection | kRsvd | kWr | kUs));
        } else {
            REQUIRE(w.ok);
            CHECK(w.phys == 0xFFFFFABC);
            CHECK(t.mem.read<uint32_t>(0x10000000 + 3 * 4) == 0xFFFFFFFF);  // the A/D write went nowhere
        }
        // a page directory outside RAM
        t.mode.cr3 = 0xFFFFF000;
        w = t.walk(0xFFFFFFFF, kFetch, true);
        if (pse) {
            CHECK_FALSE(w.ok);
            CHECK(w.error_code == (kProtection | kRsvd | kUs));
        } else {
            REQUIRE(w.ok);
            CHECK(w.phys == 0xFFFFFFFF);
        }
    }
}

TEST_CASE("paging: tables in ROM work; their A/D updates are lost", "[paging]") {
    PhysMemory mem;
    std::vector<uint8_t> rom(2 * kPageSize, 0);
    auto put = [&](uint32_t off, uint32_t v) {
        for (unsigned i = 0; i < 4; ++i) rom[off + i] = static_cast<uint8_t>(v >> (8 * i));
    };
    put(0, 0x000E1000 | P | W);        // PDE 0 -> table at 0xE1000 (the ROM's second page)
    put(0x1000 + 4, 0x00003000 | P | W);  // PTE 1
    mem.add_rom(0xE0000, rom);
    PagingMode mode;
    mode.cr3 = 0xE0000;
    PageWalk w = walk_page_tables(mem, 0x1234, kWrite, false, mode);
    REQUIRE(w.ok);
    CHECK(w.phys == 0x3234);
    CHECK(mem.read<uint32_t>(0xE1004) == (0x00003000 | P | W));
}

TEST_CASE("paging: the address mask (A20, bus width) applies to every physical address", "[paging]") {
    struct Case {
        uint32_t mask, cr3, table, frame, phys;
    };
    const Case cases[] = {
        {0xFFEFFFFF, 0x00101000, 0x00102000, 0x00105000, 0x00005678},  // A20 off: bit 20 dropped everywhere
        {0x00FFFFFF, 0x01001000, 0x03002000, 0xFF105000, 0x00105678},  // 24-bit bus (386SX)
    };
    for (const Case& c : cases) {
        CAPTURE(c.mask);
        Tables t;  // directory at 0x1000, table at 0x2000 once masked
        t.mem.write<uint32_t>(kDirectory, c.table | P | W);
        t.mem.write<uint32_t>(kTable, c.frame | P | W);
        t.mode.cr3 = c.cr3;
        t.mode.address_mask = c.mask;
        PageWalk w = t.walk(0x00000678, kWrite);
        REQUIRE(w.ok);
        CHECK(w.phys == c.phys);
        CHECK(w.page_base == (c.phys & ~kPageMask));
        CHECK(t.mem.read<uint32_t>(kDirectory) == (c.table | P | W | A));
        CHECK(t.mem.read<uint32_t>(kTable) == (c.frame | P | W | A | D));
    }
}

TEST_CASE("paging: a page directory that maps itself", "[paging]") {
    // The last PDE points at the directory, so the top 4 MiB show the page
    // tables and 0xFFFFF000 the directory itself; there that one entry is
    // both the PDE and the PTE and must end up with A and D.
    Tables t;
    t.set_pde(0xFFC00000, kDirectory | P | W);
    t.set_pde(0x00000000, kTable | P | W);

    PageWalk w = t.walk(0xFFFFF000 + 0xFFC, kWrite);
    REQUIRE(w.ok);
    CHECK(w.phys == kDirectory + 0xFFC);
    CHECK(t.pde(0xFFC00000) == (kDirectory | P | W | A | D));

    w = t.walk(0xFFC00000 + 0x10, kRead);  // page table 0 through PDE 0
    REQUIRE(w.ok);
    CHECK(w.phys == kTable + 0x10);
}
