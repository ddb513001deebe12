// The Bochs VBE extension ("dispi"): linear modes up to 32 bpp through a
// 64 KiB bank at 0xA0000 or a linear framebuffer. Registers only; nothing
// is drawn.
#include "devices/vga.hpp"

#include <algorithm>

#include "machine/log.hpp"

namespace amber {

using namespace vga;

namespace {
bool valid_bpp(uint16_t bpp) {
    return bpp == 4 || bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}
uint32_t bytes_per_line(uint16_t width, uint16_t bpp) {
    return bpp == 4 ? width / 2u : width * ((bpp + 7u) / 8u);
}
}  // namespace

uint32_t Vga::bank_offset() const { return uint32_t(dispi_[DISPI_BANK]) * 0x10000; }

uint16_t Vga::read_dispi() {
    const bool caps = dispi_[DISPI_ENABLE] & DISPI_GETCAPS;
    switch (dispi_index_) {
    case DISPI_XRES: return caps ? kDispiMaxXres : dispi_[DISPI_XRES];
    case DISPI_YRES: return caps ? kDispiMaxYres : dispi_[DISPI_YRES];
    case DISPI_BPP: return caps ? kDispiMaxBpp : dispi_[DISPI_BPP];
    default: return dispi_index_ < kDispiCount ? dispi_[dispi_index_] : 0;
    }
}

void Vga::write_dispi(uint16_t v) {
    const bool enabled = vbe_enabled();
    switch (dispi_index_) {
    case DISPI_ID:
        if (v >= kDispiId0 && v <= kDispiId5) dispi_[DISPI_ID] = v;
        break;
    case DISPI_XRES:
        if (!enabled && v > 0 && v <= kDispiMaxXres) dispi_[DISPI_XRES] = uint16_t(v & ~7u);
        break;
    case DISPI_YRES:
        if (!enabled && v > 0 && v <= kDispiMaxYres) dispi_[DISPI_YRES] = v;
        break;
    case DISPI_BPP:
        if (!enabled && valid_bpp(v == 0 ? 8 : v)) dispi_[DISPI_BPP] = v == 0 ? 8 : v;
        break;
    case DISPI_BANK:
        if (uint32_t(v) * 0x10000 < vram_.size()) dispi_[DISPI_BANK] = v;
        break;
    case DISPI_ENABLE: {
        const bool enabling = (v & DISPI_ENABLED) && !enabled;
        dispi_[DISPI_ENABLE] = v & (DISPI_ENABLED | DISPI_GETCAPS | DISPI_8BIT_DAC | DISPI_LFB_ENABLED);
        if (enabling) {
            dispi_[DISPI_VIRT_WIDTH] = dispi_[DISPI_XRES];
            const uint32_t line = std::max(1u, bytes_per_line(dispi_[DISPI_XRES], dispi_[DISPI_BPP]));
            dispi_[DISPI_VIRT_HEIGHT] = uint16_t(std::min<uint32_t>(vram_.size() / line, 0xFFFF));
            dispi_[DISPI_X_OFFSET] = dispi_[DISPI_Y_OFFSET] = 0;
            dispi_[DISPI_BANK] = 0;
            if (!(v & DISPI_NOCLEARMEM)) {
                std::fill(vram_.begin(), vram_.end(), 0);
                vram_used_ = 4 * kPlaneSize;
            }
            log::get("vga")->debug("VBE mode {}x{}x{}", dispi_[DISPI_XRES], dispi_[DISPI_YRES], dispi_[DISPI_BPP]);
        }
        break;
    }
    case DISPI_VIRT_WIDTH: {
        if (v == 0 || v > 0x4000) break;
        dispi_[DISPI_VIRT_WIDTH] = v;
        const uint32_t line = std::max(1u, bytes_per_line(v, dispi_[DISPI_BPP]));
        dispi_[DISPI_VIRT_HEIGHT] = uint16_t(std::min<uint32_t>(vram_.size() / line, 0xFFFF));
        break;
    }
    case DISPI_X_OFFSET:
    case DISPI_Y_OFFSET: dispi_[dispi_index_] = v; break;
    default: break;  // VIRT_HEIGHT and VIDEO_MEMORY_64K are read-only
    }
}

uint32_t Vga::LinearFramebuffer::mmio_read(uint32_t offset, unsigned size) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
        const uint64_t a = uint64_t(offset) + i;
        v |= uint32_t(a < vga_.vram_.size() ? vga_.vram_[a] : 0xFF) << (8 * i);
    }
    return v;
}

void Vga::LinearFramebuffer::mmio_write(uint32_t offset, uint32_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) {
        const uint64_t a = uint64_t(offset) + i;
        if (a < vga_.vram_.size()) {
            vga_.vram_[a] = uint8_t(value >> (8 * i));
            vga_.vram_used_ = std::max(vga_.vram_used_, uint32_t(a + 1));
        }
    }
}

}  // namespace amber
