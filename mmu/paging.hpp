// The x86 page-table walker for 32-bit (two-level, non-PAE) paging, as the
// 386, 486 and Pentium-class CPUs do it: linear address -> physical address
// through the page directory at CR3 and one page table (or one 4 MiB page
// with CR4.PSE), with the access rights, Accessed/Dirty updates and #PF
// error codes of the Intel SDM (Vol. 3A, "32-bit paging", "Access rights",
// "Page-fault exceptions", "Accessed and dirty flags").
//
// The walker only reads and writes guest memory through PhysMemory, so a
// guest's tables can point anywhere: unmapped memory reads as all ones and
// swallows writes, and nothing outside PhysMemory is ever touched.
//
// Page faults. When a walk fails the CPU raises #PF (vector 14) with
// `error_code` pushed and CR2 loaded with the linear address that was being
// translated -- the `lin` passed here. An access that spans two pages walks
// each page with the address of its first byte in that page, so a fault on
// the second page reports that page's first byte in CR2.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

#include "mmu/phys_memory.hpp"

namespace amber {

// Bits of page-directory and page-table entries.
constexpr uint32_t kEntryPresent = 1u << 0;
constexpr uint32_t kEntryWritable = 1u << 1;    // R/W
constexpr uint32_t kEntryUser = 1u << 2;        // U/S
constexpr uint32_t kEntryWriteThrough = 1u << 3;
constexpr uint32_t kEntryCacheDisable = 1u << 4;
constexpr uint32_t kEntryAccessed = 1u << 5;
constexpr uint32_t kEntryDirty = 1u << 6;       // final entry only
constexpr uint32_t kEntryLargePage = 1u << 7;   // PDE.PS (4 MiB page when CR4.PSE)
constexpr uint32_t kEntryPteAttribute = 1u << 7;  // PTE.PAT
constexpr uint32_t kEntryGlobal = 1u << 8;      // final entry only, with CR4.PGE

// Bits of the #PF error code.
constexpr uint16_t kPageFaultPresent = 1u << 0;   // 1: protection or reserved bit; 0: not present
constexpr uint16_t kPageFaultWrite = 1u << 1;     // the access was a write
constexpr uint16_t kPageFaultUser = 1u << 2;      // the access was made at CPL 3
constexpr uint16_t kPageFaultReserved = 1u << 3;  // a reserved bit was set in an entry

constexpr uint32_t kLargePageSize = 4u << 20;
constexpr uint32_t kPaeLargePageSize = 2u << 20;

// Instruction fetches are checked like reads: without NX/SMEP (none of the
// CPUs using 32-bit paging here) they need the same rights and set no I/D
// bit in the error code.
enum class AccessKind : uint8_t { Read, Write, Fetch };

// What the walker needs from CR0, CR3, CR4 and the CPU model.
struct PagingMode {
    uint32_t cr3 = 0;              // bits 31:12 locate the page directory; PCD/PWT are ignored
    bool write_protect = false;    // CR0.WP (486+): supervisor writes honour R/W
    bool pse = false;              // CR4.PSE: a PDE with PS=1 maps a 4 MiB page
    bool pge = false;              // CR4.PGE: report the G bit of the final entry
    bool pat = false;              // the model has the PAT: PTE bit 7 and 4 MiB PDE bit 12 are not reserved
    uint32_t address_mask = ~0u;   // A20 gate and bus width, applied to every physical address used
    // PAE (CR4.PAE): three levels of 64-bit entries; the four PDPTEs were
    // loaded when CR3 was (see load_pdptes).
    bool pae = false;
    uint64_t pdpte[4] = {};
};

// PAE's page-directory-pointer table: the four entries at CR3 (32-byte
// aligned). Nothing when a present entry has a reserved bit set: the load
// of CR3 (or of CR0/CR4 that turned PAE paging on) raises #GP(0) instead.
std::optional<std::array<uint64_t, 4>> load_pdptes(const PhysMemory& mem, uint32_t cr3, uint32_t address_mask);

// The outcome of one walk.
struct PageWalk {
    bool ok = false;
    uint32_t phys = 0;                // physical address of lin
    uint32_t page_base = 0;           // physical address where the mapping starts
    uint32_t page_size = kPageSize;   // 4 KiB, or 4 MiB for a PSE page
    bool user = false;                // effective U/S: PDE.U/S and PTE.U/S
    bool writable = false;            // effective R/W: PDE.R/W and PTE.R/W
    bool global = false;              // CR4.PGE and the final entry's G bit
    bool dirty = false;               // the final entry's D bit is set (after this walk)
    uint16_t error_code = 0;          // #PF error code when !ok
};

// Walks the tables for an access of `kind` to `lin`; `user` is CPL == 3 for
// an explicit access (descriptor-table, TSS and interrupt-stack accesses are
// supervisor accesses even at CPL 3). On success sets Accessed in the PDE and
// the PTE (the PDE only, for a 4 MiB page) and, for a write, Dirty in the
// final entry; an entry is written only when a bit actually changes. A
// faulting walk writes nothing.
PageWalk walk_page_tables(PhysMemory& mem, uint32_t lin, AccessKind kind, bool user, const PagingMode& mode);

// The same walk for a debugger: a supervisor read that changes nothing
// (no Accessed or Dirty bits are set).
PageWalk inspect_page_tables(const PhysMemory& mem, uint32_t lin, const PagingMode& mode);

// Whether a successful walk's rights allow an access, without walking again
// (for a TLB that caches one walk for several kinds of access):
//   user accesses need U/S=1, and R/W=1 to write;
//   supervisor accesses may read anything, and write anything unless CR0.WP,
//   in which case they need R/W=1.
// A TLB must also not let writes through while `dirty` is false: the first
// write to a clean page walks again so that the walk sets D.
bool allows(const PageWalk& walk, AccessKind kind, bool user, bool write_protect);

}  // namespace amber
