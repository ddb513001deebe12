// The VGA's memory window (0xA0000-0xBFFFF): four planes behind the
// graphics controller's read and write pipelines.
#include "devices/vga.hpp"

#include <algorithm>

namespace amber {

using namespace vga;

namespace {

uint8_t rotate_right(uint8_t v, unsigned n) {
    n &= 7;
    return n ? uint8_t((v >> n) | (v << (8 - n))) : v;
}

uint8_t expand_bit(uint8_t bits, unsigned plane) { return ((bits >> plane) & 1) ? 0xFF : 0x00; }

}  // namespace

// Which part of the 128 KiB window answers, per the memory map select field
// (GR6 bits 2-3): A0000/128K, A0000/64K, B0000/32K or B8000/32K.
bool Vga::map_window(uint32_t& offset) const {
    static constexpr uint32_t kBase[4] = {0x00000, 0x00000, 0x10000, 0x18000};
    static constexpr uint32_t kSize[4] = {0x20000, 0x10000, 0x08000, 0x08000};
    const unsigned map = (gc_[GR_MISC] >> 2) & 3;
    if (offset < kBase[map] || offset - kBase[map] >= kSize[map]) return false;
    offset -= kBase[map];
    return true;
}

uint32_t Vga::mmio_read(uint32_t offset, unsigned size) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint32_t(read_byte(offset + i)) << (8 * i);
    return v;
}

void Vga::mmio_write(uint32_t offset, uint32_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) write_byte(offset + i, uint8_t(value >> (8 * i)));
}

uint8_t Vga::read_byte(uint32_t offset) {
    if (offset >= kWindowSize) return 0xFF;
    if (vbe_enabled() && dispi_[DISPI_BPP] > 4) {
        if (offset >= 0x10000) return 0xFF;
        const uint32_t a = bank_offset() + offset;
        return a < vram_.size() ? vram_[a] : 0xFF;
    }
    uint32_t addr = offset;
    if (!(misc_ & MISC_RAM_ENABLE) || !map_window(addr)) return 0xFF;

    uint32_t plane_offset;
    unsigned plane;
    if (seq_[SR_MEMORY_MODE] & SR4_CHAIN4) {
        plane = addr & 3;
        plane_offset = addr >> 2;
    } else if (gc_[GR_MODE] & GR5_ODD_EVEN) {
        plane = (gc_[GR_READ_MAP] & 2) | (addr & 1);
        plane_offset = addr >> 1;
    } else {
        plane = gc_[GR_READ_MAP] & 3;
        plane_offset = addr;
    }
    plane_offset &= kPlaneSize - 1;
    const uint8_t* cell = &vram_[plane_offset << 2];
    for (unsigned p = 0; p < 4; ++p) latch_[p] = cell[p];

    if (!(gc_[GR_MODE] & GR5_READ_MODE1)) return latch_[plane];
    // Read mode 1: a bit is 1 where every plane that counts (colour don't
    // care) matches the colour compare value.
    uint8_t differ = 0;
    for (unsigned p = 0; p < 4; ++p)
        if ((gc_[GR_COLOR_DONT_CARE] >> p) & 1) differ |= latch_[p] ^ expand_bit(gc_[GR_COLOR_COMPARE], p);
    return uint8_t(~differ);
}

void Vga::write_byte(uint32_t offset, uint8_t v) {
    if (offset >= kWindowSize) return;
    if (vbe_enabled() && dispi_[DISPI_BPP] > 4) {
        if (offset >= 0x10000) return;
        const uint32_t a = bank_offset() + offset;
        if (a < vram_.size()) {
            vram_[a] = v;
            vram_used_ = std::max(vram_used_, a + 1);
        }
        return;
    }
    uint32_t addr = offset;
    if (!(misc_ & MISC_RAM_ENABLE) || !map_window(addr)) return;

    uint8_t planes = seq_[SR_MAP_MASK] & 0x0F;
    uint32_t plane_offset;
    if (seq_[SR_MEMORY_MODE] & SR4_CHAIN4) {
        planes &= uint8_t(1u << (addr & 3));
        plane_offset = addr >> 2;
    } else if (!(seq_[SR_MEMORY_MODE] & SR4_SEQUENTIAL)) {
        planes &= (addr & 1) ? 0x0A : 0x05;  // odd/even: odd bytes to planes 1 and 3
        plane_offset = addr >> 1;
    } else {
        plane_offset = addr;
    }
    plane_offset &= kPlaneSize - 1;
    if (!planes) return;

    const unsigned write_mode = gc_[GR_MODE] & 3;
    const unsigned function = (gc_[GR_ROTATE] >> 3) & 3;
    uint8_t bit_mask = gc_[GR_BIT_MASK];
    uint8_t* cell = &vram_[plane_offset << 2];

    for (unsigned p = 0; p < 4; ++p) {
        if (!((planes >> p) & 1)) continue;
        uint8_t data;
        uint8_t mask = bit_mask;
        switch (write_mode) {
        case 0: {
            const uint8_t rotated = rotate_right(v, gc_[GR_ROTATE]);
            data = ((gc_[GR_ENABLE_SET_RESET] >> p) & 1) ? expand_bit(gc_[GR_SET_RESET], p) : rotated;
            break;
        }
        case 1:  // the latches, as the last read loaded them
            cell[p] = latch_[p];
            continue;
        case 2:  // CPU bit p is the colour for all eight pixels
            data = expand_bit(v, p);
            break;
        default:  // 3: the rotated CPU byte masks the set/reset colour
            data = expand_bit(gc_[GR_SET_RESET], p);
            mask &= rotate_right(v, gc_[GR_ROTATE]);
            break;
        }
        switch (function) {
        case 1: data &= latch_[p]; break;
        case 2: data |= latch_[p]; break;
        case 3: data ^= latch_[p]; break;
        default: break;
        }
        cell[p] = uint8_t((data & mask) | (latch_[p] & ~mask));
    }
}

}  // namespace amber
