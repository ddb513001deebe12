#include "mmu/phys_memory.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace amber {

PhysMemory::PhysMemory() = default;

PageSlot* PhysMemory::mutable_slot(uint32_t pa, bool create) {
    auto& leaf = dir_[pa >> 22];
    if (!leaf) {
        if (!create) return nullptr;
        leaf = std::make_unique<std::array<PageSlot, 1024>>();
    }
    return &(*leaf)[(pa >> kPageBits) & 1023];
}

void PhysMemory::check_free(uint32_t base, uint32_t size, const char* what) {
    if ((base & kPageMask) || size == 0 || (size & kPageMask))
        throw std::invalid_argument(fmt::format("{} region at {:#x} size {:#x} is not page aligned", what, base, size));
    if (uint64_t(base) + size > (uint64_t(1) << 32))
        throw std::invalid_argument(fmt::format("{} region at {:#x} runs past 4 GiB", what, base));
    for (uint64_t pa = base; pa < uint64_t(base) + size; pa += kPageSize) {
        const PageSlot& s = slot(static_cast<uint32_t>(pa));
        if (s.host || s.mmio)
            throw std::invalid_argument(fmt::format("{} region at {:#x} overlaps a mapped page at {:#x}", what, base, pa));
    }
}

void PhysMemory::add_ram(uint32_t base, uint32_t size) {
    check_free(base, size, "RAM");
    backing_.push_back(std::make_unique<uint8_t[]>(size));  // zero-filled
    uint8_t* mem = backing_.back().get();
    for (uint32_t off = 0; off < size; off += kPageSize) {
        PageSlot* s = mutable_slot(base + off, true);
        s->host = mem + off;
        s->writable = true;
        ram_pages_.push_back(base + off);
    }
    ram_bytes_ += size;
}

void PhysMemory::add_rom(uint32_t base, std::span<const uint8_t> image) {
    uint32_t size = static_cast<uint32_t>((image.size() + kPageMask) & ~uint64_t(kPageMask));
    check_free(base, size, "ROM");
    backing_.push_back(std::make_unique<uint8_t[]>(size));
    uint8_t* mem = backing_.back().get();
    std::memset(mem, 0xFF, size);
    std::memcpy(mem, image.data(), image.size());
    for (uint32_t off = 0; off < size; off += kPageSize) {
        PageSlot* s = mutable_slot(base + off, true);
        s->host = mem + off;
        s->writable = false;
    }
}

void PhysMemory::add_mmio(uint32_t base, uint32_t size, MmioHandler* handler) {
    check_free(base, size, "MMIO");
    for (uint32_t off = 0; off < size; off += kPageSize) {
        PageSlot* s = mutable_slot(base + off, true);
        s->mmio = handler;
        s->mmio_base = base;
    }
}

// ---------------------------------------------------------------- shadow RAM

struct PhysMemory::Shadow {
    uint32_t base = 0, size = 0;
    uint8_t* ram = nullptr;       // the RAM copy, size bytes
    std::vector<PageSlot> bus;    // what each page was before add_shadow
    std::unique_ptr<ShadowSplit> split;
};

// Pages that read from the bus but write to RAM: a PageSlot has one host
// pointer, so such a page becomes MMIO handled here.
class PhysMemory::ShadowSplit final : public MmioHandler {
public:
    explicit ShadowSplit(Shadow& s) : s_(s) {}
    uint32_t mmio_read(uint32_t offset, unsigned size) override {
        uint32_t v = 0;
        for (unsigned i = 0; i < size; ++i) v |= uint32_t(read_bus(offset + i)) << (8 * i);
        return v;
    }
    void mmio_write(uint32_t offset, uint32_t value, unsigned size) override {
        for (unsigned i = 0; i < size; ++i)
            if (offset + i < s_.size) s_.ram[offset + i] = static_cast<uint8_t>(value >> (8 * i));
    }

private:
    uint8_t read_bus(uint32_t offset) const {
        if (offset >= s_.size) return 0xFF;
        const PageSlot& b = s_.bus[offset >> kPageBits];
        if (b.host) return b.host[offset & kPageMask];
        if (b.mmio) return static_cast<uint8_t>(b.mmio->mmio_read(s_.base + offset - b.mmio_base, 1));
        return 0xFF;
    }
    Shadow& s_;
};

void PhysMemory::add_shadow(uint32_t base, uint32_t size) {
    if ((base & kPageMask) || size == 0 || (size & kPageMask) || uint64_t(base) + size > (uint64_t(1) << 32))
        throw std::invalid_argument(fmt::format("shadow region at {:#x} size {:#x} is not page aligned", base, size));
    for (const auto& sh : shadows_)
        if (base < sh->base + sh->size && sh->base < base + size)
            throw std::invalid_argument(fmt::format("shadow region at {:#x} overlaps another", base));
    auto sh = std::make_unique<Shadow>();
    sh->base = base;
    sh->size = size;
    backing_.push_back(std::make_unique<uint8_t[]>(size));  // zero-filled
    sh->ram = backing_.back().get();
    for (uint32_t off = 0; off < size; off += kPageSize) sh->bus.push_back(slot(base + off));
    sh->split = std::make_unique<ShadowSplit>(*sh);
    shadows_.push_back(std::move(sh));
}

void PhysMemory::set_shadow(uint32_t base, uint32_t size, bool read_ram, bool write_ram) {
    bool changed = false;
    for (const auto& sh : shadows_) {
        for (uint32_t off = 0; off < sh->size; off += kPageSize) {
            uint32_t pa = sh->base + off;
            if (pa < base || pa - base >= size) continue;
            const PageSlot& bus = sh->bus[off >> kPageBits];
            PageSlot next{};
            if (read_ram) {
                next.host = sh->ram + off;
                next.writable = write_ram;  // RAM read-only: writes dropped, as the bus would
            } else if (write_ram) {
                next.mmio = sh->split.get();
                next.mmio_base = sh->base;
            } else {
                next = bus;
                next.has_code = false;
            }
            PageSlot* s = mutable_slot(pa, true);
            if (s->host == next.host && s->mmio == next.mmio && s->writable == next.writable) continue;
            if (s->has_code) notify_code_write(pa);  // decoded bytes came from the old backing
            *s = next;
            changed = true;
        }
    }
    if (changed && code_listener_) code_listener_->mapping_changed();
}

PhysMemory::~PhysMemory() = default;

uint8_t PhysMemory::read8(uint32_t pa) const {
    const PageSlot& s = slot(pa);
    if (s.host) return s.host[pa & kPageMask];
    if (s.mmio) return static_cast<uint8_t>(s.mmio->mmio_read(pa - s.mmio_base, 1));
    return 0xFF;  // open bus
}

void PhysMemory::write8(uint32_t pa, uint8_t v) {
    const PageSlot& s = slot(pa);
    if (s.host) {
        if (!s.writable) return;  // ROM ignores writes
        if (s.has_code) notify_code_write(pa);
        if (s.clean) note_write(pa);
        s.host[pa & kPageMask] = v;
    } else if (s.mmio) {
        s.mmio->mmio_write(pa - s.mmio_base, v, 1);
    }
}

void PhysMemory::read_block(uint32_t pa, std::span<uint8_t> out) const {
    for (size_t i = 0; i < out.size(); ++i) out[i] = read8(pa + static_cast<uint32_t>(i));
}

void PhysMemory::write_block(uint32_t pa, std::span<const uint8_t> in) {
    for (size_t i = 0; i < in.size(); ++i) write8(pa + static_cast<uint32_t>(i), in[i]);
}

void PhysMemory::load_image(uint32_t pa, std::span<const uint8_t> in) {
    for (size_t i = 0; i < in.size(); ++i) {
        uint32_t a = pa + static_cast<uint32_t>(i);
        const PageSlot& s = slot(a);
        if (!s.host) throw std::invalid_argument(fmt::format("image byte at {:#x} falls outside RAM/ROM", a));
        if (s.has_code) notify_code_write(a);
        if (s.clean) note_write(a);
        s.host[a & kPageMask] = in[i];
    }
}

void PhysMemory::clear_dirty_log() {
    for (uint32_t page : ram_pages_) mutable_slot(page, false)->clean = true;
    // TLBs hold write tags for pages that are clean now.
    if (code_listener_) code_listener_->write_access_revoked();
}

void PhysMemory::mark_code(uint32_t pa) {
    if (PageSlot* s = mutable_slot(pa, false)) s->has_code = true;
}

void PhysMemory::notify_code_write(uint32_t pa) {
    PageSlot* s = mutable_slot(pa, false);
    if (!s || !s->has_code) return;
    s->has_code = false;
    if (code_listener_) code_listener_->code_page_written(pa >> kPageBits);
}

}  // namespace amber
