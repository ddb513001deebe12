// Software TLB: linear page -> host pointer, with separate tags for reads,
// writes and instruction fetches. An entry's tag equals the page-aligned
// linear address only when that kind of access may go straight to host
// memory; ROM (for writes), pages holding decoded code (for writes), MMIO and
// unmapped pages keep an invalid tag, so the common access is one compare and
// one load, and everything special falls to the slow path.
#pragma once
#include <array>
#include <cstdint>

#include "mmu/phys_memory.hpp"

namespace amber {

struct TlbEntry {
    static constexpr uint32_t kInvalid = 1;  // never equals a page-aligned address
    uint32_t read_tag = kInvalid;
    uint32_t write_tag = kInvalid;
    uint32_t fetch_tag = kInvalid;
    uint32_t phys_page = 0;       // physical address of the page
    uint8_t* host_page = nullptr; // host address of the page, when backed by memory
    bool global = false;          // a global page (CR4.PGE): kept across CR3 loads
};

class Tlb {
public:
    static constexpr unsigned kEntries = 1024;

    TlbEntry& entry(uint32_t lin) { return entries_[(lin >> kPageBits) & (kEntries - 1)]; }
    void flush() { entries_.fill(TlbEntry{}); }
    void flush_non_global() {
        for (TlbEntry& e : entries_)
            if (!e.global) e = TlbEntry{};
    }
    void flush_page(uint32_t lin) {
        TlbEntry& e = entry(lin);
        if ((e.read_tag & ~kPageMask) == (lin & ~kPageMask) || (e.fetch_tag & ~kPageMask) == (lin & ~kPageMask) ||
            (e.write_tag & ~kPageMask) == (lin & ~kPageMask))
            e = TlbEntry{};
    }
    // A page just became a code page: writes to it must take the slow path.
    void protect_code_page(uint32_t phys_page) {
        for (TlbEntry& e : entries_)
            if (e.phys_page == phys_page) e.write_tag = TlbEntry::kInvalid;
    }

    // Every page's next write takes the slow path (the dirty log was cleared).
    void drop_write_tags() {
        for (TlbEntry& e : entries_) e.write_tag = TlbEntry::kInvalid;
    }

private:
    std::array<TlbEntry, kEntries> entries_{};
};

// True when an access of `size` bytes at lin stays inside one page.
inline bool fits_in_page(uint32_t lin, unsigned size) { return (lin & kPageMask) <= kPageSize - size; }

}  // namespace amber
