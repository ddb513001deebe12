// The guest's physical address space: RAM, ROM and MMIO regions, 4 KiB pages.
//
// Every CPU's TLB, every DMA-capable device and every loader reaches guest
// memory through this class. A page is one of: RAM (host pointer, writable),
// ROM (host pointer, writes ignored), MMIO (a handler), or unmapped (reads
// return all ones, writes are dropped). Pages that hold pre-decoded
// instructions carry a "code" mark so that any write to them -- from a CPU
// or a device -- first tells the code cache to drop what it decoded there.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mmu/endian.hpp"

namespace amber {

constexpr unsigned kPageBits = 12;
constexpr uint32_t kPageSize = 1u << kPageBits;
constexpr uint32_t kPageMask = kPageSize - 1;

class MmioHandler {
public:
    virtual ~MmioHandler() = default;
    // offset is relative to the region's base; size is 1, 2 or 4.
    virtual uint32_t mmio_read(uint32_t offset, unsigned size) = 0;
    virtual void mmio_write(uint32_t offset, uint32_t value, unsigned size) = 0;
};

// Told when a page marked as holding decoded code is about to be written.
class CodeWriteListener {
public:
    virtual ~CodeWriteListener() = default;
    virtual void code_page_written(uint32_t page_number) = 0;
    // The backing of some pages changed (shadow RAM switched): cached host
    // pointers for any address are stale. Default: nothing cached.
    virtual void mapping_changed() {}
    // The dirty log was cleared: no cached host pointer may be written
    // without telling this class first.
    virtual void write_access_revoked() {}
};

struct PageSlot {
    uint8_t* host = nullptr;        // RAM/ROM backing; null for MMIO and unmapped
    MmioHandler* mmio = nullptr;    // MMIO handler, or null
    uint32_t mmio_base = 0;         // physical base of the MMIO region
    bool writable = false;          // RAM: true; ROM: false
    bool has_code = false;          // pre-decoded instructions exist on this page
    bool clean = false;             // RAM not written since the dirty log was last cleared
};

class PhysMemory {
public:
    PhysMemory();
    ~PhysMemory();
    PhysMemory(const PhysMemory&) = delete;
    PhysMemory& operator=(const PhysMemory&) = delete;

    // Regions must be page aligned and must not overlap what is mapped already.
    void add_ram(uint32_t base, uint32_t size);
    void add_rom(uint32_t base, std::span<const uint8_t> image);  // size rounded up to pages
    void add_mmio(uint32_t base, uint32_t size, MmioHandler* handler);

    // Shadow RAM, as a chipset's PAM registers control it (0xC0000-0xFFFFF on
    // a PC): every page of the range gets a RAM copy (zero-filled) next to
    // what was mapped there before (the "bus" side: ROM, MMIO or nothing).
    // set_shadow() then routes reads and writes separately: reads from RAM or
    // the bus, writes to RAM or the bus (ROM drops them). Call add_shadow()
    // after the bus side is mapped; the range starts routed to the bus. The
    // RAM copies are not listed in ram_pages(). Changing a route drops the
    // decoded code of the affected pages and tells the code listener that
    // the mapping changed (the CPU flushes its TLB).
    void add_shadow(uint32_t base, uint32_t size);
    void set_shadow(uint32_t base, uint32_t size, bool read_ram, bool write_ram);

    // The slot for the page containing physical address pa (never null; an
    // unmapped page yields a shared empty slot).
    const PageSlot& slot(uint32_t pa) const {
        const auto& leaf = dir_[pa >> 22];
        return leaf ? (*leaf)[(pa >> kPageBits) & 1023] : unmapped_;
    }

    // Byte-granular access by physical address: the slow path used by TLB
    // misses, devices (DMA) and loaders. Writes invalidate decoded code.
    uint8_t read8(uint32_t pa) const;
    void write8(uint32_t pa, uint8_t v);
    template <typename T> T read(uint32_t pa) const;
    template <typename T> void write(uint32_t pa, T v);
    void read_block(uint32_t pa, std::span<uint8_t> out) const;
    void write_block(uint32_t pa, std::span<const uint8_t> in);
    // Loaders may write ROM too (e.g. to place a firmware image).
    void load_image(uint32_t pa, std::span<const uint8_t> in);

    void mark_code(uint32_t pa);
    // Called before a write lands on a page marked as code (drops the mark).
    void notify_code_write(uint32_t pa);
    void set_code_listener(CodeWriteListener* l) { code_listener_ = l; }

    // The dirty log, as VMMs keep one (traces hash only what changed): every
    // write to a RAM page -- by a CPU, a device or a loader -- clears its
    // `clean` mark. A clean page never gets a TLB write tag, so the first
    // write after clear_dirty_log() takes the slow path once and marks it.
    void clear_dirty_log();
    bool written_since_clear(uint32_t pa) const { return !slot(pa).clean; }
    void note_write(uint32_t pa) {
        if (PageSlot* s = mutable_slot(pa, false)) s->clean = false;
    }

    uint64_t ram_bytes() const { return ram_bytes_; }
    // Physical address of every RAM page, in the order they were added.
    const std::vector<uint32_t>& ram_pages() const { return ram_pages_; }

private:
    struct Shadow;
    class ShadowSplit;
    PageSlot* mutable_slot(uint32_t pa, bool create);
    void check_free(uint32_t base, uint32_t size, const char* what);

    std::array<std::unique_ptr<std::array<PageSlot, 1024>>, 1024> dir_;
    std::vector<std::unique_ptr<uint8_t[]>> backing_;
    PageSlot unmapped_{};
    CodeWriteListener* code_listener_ = nullptr;
    uint64_t ram_bytes_ = 0;
    std::vector<uint32_t> ram_pages_;
    std::vector<std::unique_ptr<Shadow>> shadows_;
};

template <typename T>
T PhysMemory::read(uint32_t pa) const {
    const PageSlot& s = slot(pa);
    if (s.host && (pa & kPageMask) <= kPageSize - sizeof(T)) return load_le<T>(s.host + (pa & kPageMask));
    T v = 0;
    for (unsigned i = 0; i < sizeof(T); ++i) v |= static_cast<T>(T(read8(pa + i)) << (8 * i));
    return v;
}

template <typename T>
void PhysMemory::write(uint32_t pa, T v) {
    const PageSlot& s = slot(pa);
    if (s.host && s.writable && !s.has_code && (pa & kPageMask) <= kPageSize - sizeof(T)) {
        if (s.clean) note_write(pa);
        store_le<T>(s.host + (pa & kPageMask), v);
        return;
    }
    for (unsigned i = 0; i < sizeof(T); ++i) write8(pa + i, static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace amber
