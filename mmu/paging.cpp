#include "mmu/paging.hpp"

namespace amber {

namespace {

constexpr uint32_t kFrameMask = ~kPageMask;                 // table or 4 KiB page address
constexpr uint32_t kLargeFrameMask = ~(kLargePageSize - 1); // 4 MiB page address, bits 31:22
// Bits 20:13 of a 4 MiB PDE carry physical address bits 39:32 on CPUs with
// PSE-36, and bit 21 is always reserved; Amber's physical addresses are 32
// bits wide, so the whole range is reserved, as on CPUs without PSE-36.
constexpr uint32_t kLargeReserved = 0x003FE000u;            // bits 21:13
constexpr uint32_t kLargePageAttribute = 1u << 12;          // PDE.PAT of a 4 MiB page

uint32_t directory_index(uint32_t lin) { return lin >> 22; }
uint32_t table_index(uint32_t lin) { return (lin >> kPageBits) & 0x3FF; }

PageWalk fault(uint16_t error_code) {
    PageWalk w;
    w.error_code = error_code;
    return w;
}

// Sets `bits` in an entry, writing only if one is missing, so tables in ROM
// or on pages holding decoded code are left alone when nothing changes. When
// one entry serves as both PDE and PTE (a directory that maps itself), the
// second update starts from the value read before the first, which is fine:
// it sets A too.
void set_entry_bits(PhysMemory& mem, uint32_t addr, uint32_t entry, uint32_t bits) {
    if ((entry & bits) != bits) mem.write<uint32_t>(addr, entry | bits);
}

// PAE entries: physical addresses are 36 bits wide, and bit 63 (XD) is
// reserved without EFER.NXE, which these CPUs lack.
constexpr uint64_t kPaeAddressMask = 0x0000000FFFFFF000ull;
constexpr uint64_t kPaeReservedHigh = 0xFFFFFFF000000000ull;        // bits 63:36
constexpr uint64_t kPdpteReserved = kPaeReservedHigh | 0x1E6ull;      // and bits 1, 2, 5-8
constexpr uint64_t kPaeLargeReserved = kPaeReservedHigh | 0x1FE000ull;  // and bits 20:13 of a 2 MiB PDE

// Amber's physical space is 32 bits: a PAE frame above 4 GiB aliases into it.
uint32_t frame_of(uint64_t entry) { return static_cast<uint32_t>(entry & kPaeAddressMask); }

}  // namespace

std::optional<std::array<uint64_t, 4>> load_pdptes(const PhysMemory& mem, uint32_t cr3, uint32_t address_mask) {
    std::array<uint64_t, 4> p{};
    for (unsigned i = 0; i < 4; ++i) {
        p[i] = mem.read<uint64_t>(((cr3 & ~0x1Fu) + 8 * i) & address_mask);
        if ((p[i] & kEntryPresent) && (p[i] & kPdpteReserved)) return std::nullopt;
    }
    return p;
}

bool allows(const PageWalk& walk, AccessKind kind, bool user, bool write_protect) {
    if (user && !walk.user) return false;
    if (kind != AccessKind::Write) return true;
    return walk.writable || (!user && !write_protect);
}

namespace {
// Every fault reports the kind of access and the privilege it was made at.
uint16_t access_fault_bits(AccessKind kind, bool user) {
    return static_cast<uint16_t>((kind == AccessKind::Write ? kPageFaultWrite : 0) | (user ? kPageFaultUser : 0));
}

// The entries a walk went through, low dwords only: the rights, Accessed,
// Dirty and Global bits sit there in both formats.
struct Entries {
    uint32_t pde_addr, pde;
    bool large;            // the PDE maps the page itself
    uint32_t final_addr, final_entry;  // the entry that maps the page
};

// The end both formats share: the rights check, then Accessed (PDE first)
// and Dirty on success, then the physical address.
PageWalk complete(PageWalk w, const Entries& e, PhysMemory* marker, uint32_t lin, AccessKind kind, bool user,
                  const PagingMode& mode) {
    const bool write = kind == AccessKind::Write;
    const uint16_t access_bits = access_fault_bits(kind, user);
    w.global = mode.pge && (e.final_entry & kEntryGlobal);
    if (!allows(w, kind, user, mode.write_protect)) return fault(access_bits | kPageFaultPresent);
    const uint32_t final_bits = kEntryAccessed | (write ? kEntryDirty : 0);
    if (marker) {
        if (!e.large) set_entry_bits(*marker, e.pde_addr, e.pde, kEntryAccessed);
        set_entry_bits(*marker, e.final_addr, e.final_entry, final_bits);
        w.dirty = (e.final_entry | final_bits) & kEntryDirty;
    } else {
        w.dirty = e.final_entry & kEntryDirty;
    }
    w.page_base &= mode.address_mask;
    w.phys = (w.page_base | (lin & (w.page_size - 1))) & mode.address_mask;
    w.ok = true;
    return w;
}

// PAE: PDPTE (from the copy loaded with CR3), then PDE (2 MiB pages when
// PS), then PTE. Rights come from the PDE and the PTE.
PageWalk walk_pae(const PhysMemory& mem, PhysMemory* marker, uint32_t lin, AccessKind kind, bool user,
                  const PagingMode& mode) {
    const uint16_t access_bits = access_fault_bits(kind, user);
    const uint16_t reserved_fault = access_bits | kPageFaultPresent | kPageFaultReserved;
    const uint64_t pdpte = mode.pdpte[lin >> 30];
    if (!(pdpte & kEntryPresent)) return fault(access_bits);
    const uint32_t pde_addr = (frame_of(pdpte) + ((lin >> 21) & 0x1FF) * 8) & mode.address_mask;
    const uint64_t pde = mem.read<uint64_t>(pde_addr);
    if (!(pde & kEntryPresent)) return fault(access_bits);
    PageWalk w;
    uint32_t final_addr;
    uint64_t final_entry;
    const bool large = pde & kEntryLargePage;
    if (large) {
        if (pde & (kPaeLargeReserved | (mode.pat ? 0 : kLargePageAttribute))) return fault(reserved_fault);
        w.page_base = frame_of(pde) & ~(kPaeLargePageSize - 1);
        w.page_size = kPaeLargePageSize;
        w.user = pde & kEntryUser;
        w.writable = pde & kEntryWritable;
        final_addr = pde_addr;
        final_entry = pde;
    } else {
        if (pde & kPaeReservedHigh) return fault(reserved_fault);
        const uint32_t pte_addr = (frame_of(pde) + ((lin >> 12) & 0x1FF) * 8) & mode.address_mask;
        const uint64_t pte = mem.read<uint64_t>(pte_addr);
        if (!(pte & kEntryPresent)) return fault(access_bits);
        if ((pte & kPaeReservedHigh) || (!mode.pat && (pte & kEntryPteAttribute))) return fault(reserved_fault);
        w.page_base = frame_of(pte);
        w.user = (pde & kEntryUser) && (pte & kEntryUser);
        w.writable = (pde & kEntryWritable) && (pte & kEntryWritable);
        final_addr = pte_addr;
        final_entry = pte;
    }
    return complete(w, {pde_addr, static_cast<uint32_t>(pde), large, final_addr, static_cast<uint32_t>(final_entry)},
                    marker, lin, kind, user, mode);
}

// The walk; `marker` receives the Accessed/Dirty updates (null: none).
PageWalk walk(const PhysMemory& mem, PhysMemory* marker, uint32_t lin, AccessKind kind, bool user,
              const PagingMode& mode) {
    if (mode.pae) return walk_pae(mem, marker, lin, kind, user, mode);
    const uint16_t access_bits = access_fault_bits(kind, user);
    const uint16_t reserved_fault = access_bits | kPageFaultPresent | kPageFaultReserved;

    const uint32_t pde_addr = ((mode.cr3 & kFrameMask) | (directory_index(lin) << 2)) & mode.address_mask;
    const uint32_t pde = mem.read<uint32_t>(pde_addr);
    if (!(pde & kEntryPresent)) return fault(access_bits);

    PageWalk w;
    uint32_t final_addr;   // the entry that maps the page: Dirty and Global live there
    uint32_t final_entry;
    const bool large = mode.pse && (pde & kEntryLargePage);
    if (large) {
        const uint32_t reserved = kLargeReserved | (mode.pat ? 0 : kLargePageAttribute);
        if (pde & reserved) return fault(reserved_fault);
        w.page_base = pde & kLargeFrameMask;
        w.page_size = kLargePageSize;
        w.user = pde & kEntryUser;
        w.writable = pde & kEntryWritable;
        final_addr = pde_addr;
        final_entry = pde;
    } else {
        // Without CR4.PSE the PS bit is ignored and the PDE points to a page table.
        const uint32_t pte_addr = ((pde & kFrameMask) | (table_index(lin) << 2)) & mode.address_mask;
        const uint32_t pte = mem.read<uint32_t>(pte_addr);
        if (!(pte & kEntryPresent)) return fault(access_bits);
        // With CR4.PSE=0 32-bit paging has no reserved bits at all.
        if (mode.pse && !mode.pat && (pte & kEntryPteAttribute)) return fault(reserved_fault);
        w.page_base = pte & kFrameMask;
        w.user = (pde & kEntryUser) && (pte & kEntryUser);
        w.writable = (pde & kEntryWritable) && (pte & kEntryWritable);
        final_addr = pte_addr;
        final_entry = pte;
    }
    return complete(w, {pde_addr, pde, large, final_addr, final_entry}, marker, lin, kind, user, mode);
}
}  // namespace

PageWalk walk_page_tables(PhysMemory& mem, uint32_t lin, AccessKind kind, bool user, const PagingMode& mode) {
    return walk(mem, &mem, lin, kind, user, mode);
}

PageWalk inspect_page_tables(const PhysMemory& mem, uint32_t lin, const PagingMode& mode) {
    return walk(mem, nullptr, lin, AccessKind::Read, false, mode);
}

}  // namespace amber
