// The VGA's life cycle: construction, reset to mode 3, and its saved state.
// Ports are in vga_ports.cpp, memory in vga_memory.cpp, the Bochs VBE
// extension in vga_vbe.cpp and the text screen in vga_text.cpp.
#include "devices/vga.hpp"

#include <algorithm>

#include "devices/vga_modes.hpp"

namespace amber {

using namespace vga;

Vga::Vga(IoBus& io, PhysMemory& mem, Clock clock, uint64_t ticks_per_second, uint32_t vram_bytes)
    : io_(io), mem_(mem), clock_(std::move(clock)), ticks_per_second_(std::max<uint64_t>(ticks_per_second, 1)) {
    vram_bytes = std::max(vram_bytes, 4 * kPlaneSize);
    vram_bytes = std::min<uint32_t>(vram_bytes, 0xFFFF * 0x10000u);  // DISPI reports it in 64 KiB units
    vram_.assign((vram_bytes + 0xFFFF) & ~0xFFFFu, 0);
    // Only the VGA's own ports: 0x3BC (a parallel port on many PCs) and the
    // rest of the MDA/CGA blocks stay free for other devices.
    io_.map(0x3B4, 2, this);  // mono CRTC
    io_.map(0x3BA, 1, this);  // mono input status 1 / feature control
    io_.map(0x3C0, 0x10, this);
    io_.map(0x3D4, 2, this);  // colour CRTC
    io_.map(0x3DA, 1, this);  // colour input status 1 / feature control
    io_.map(kDispiIndexPort, 3, this);  // 0x1CE index, 0x1CF data (0x1D0 so a word at 0x1CF arrives whole)
    mem_.add_mmio(kWindowBase, kWindowSize, this);
    reset();
}

Vga::~Vga() { io_.unmap(this); }

void Vga::reset() {
    std::fill(vram_.begin(), vram_.end(), 0);
    vram_used_ = 4 * kPlaneSize;
    const VgaModeRegisters& m = kVgaMode3;
    misc_ = m.misc;
    seq_ = m.seq;
    crtc_ = m.crtc;
    gc_ = m.gc;
    attr_ = m.attr;
    feature_ = 0;
    subsystem_enable_ = 1;
    seq_index_ = crtc_index_ = gc_index_ = 0;
    attr_index_ = AR_INDEX_PAS;
    attr_flipflop_data_ = false;
    latch_ = {};
    for (unsigned i = 0; i < 256; ++i) dac_[i] = ega_dac_color(uint8_t(i & 0x3F));
    dac_pel_mask_ = 0xFF;
    dac_write_index_ = dac_read_index_ = dac_component_ = 0;
    dac_reading_ = false;
    dispi_index_ = 0;
    dispi_ = {};
    dispi_[DISPI_ID] = kDispiId5;
    dispi_[DISPI_XRES] = 640;
    dispi_[DISPI_YRES] = 480;
    dispi_[DISPI_BPP] = 8;
    dispi_[DISPI_VIRT_WIDTH] = 640;
    dispi_[DISPI_VIRT_HEIGHT] = 480;
    dispi_[DISPI_VIDEO_MEMORY_64K] = uint16_t(vram_.size() / 0x10000);
}

void Vga::visit(Archive& ar) {
    ar.field("vram_used", vram_used_);
    if (ar.loading()) {
        vram_used_ = std::clamp<uint32_t>(vram_used_, 4 * kPlaneSize, uint32_t(vram_.size()));
        std::fill(vram_.begin() + vram_used_, vram_.end(), 0);
    }
    ar.bytes("vram", std::span<uint8_t>(vram_.data(), vram_used_));
    ar.field("misc", misc_);
    ar.field("feature", feature_);
    ar.field("subsystem_enable", subsystem_enable_);
    ar.field("seq_index", seq_index_);
    ar.field("crtc_index", crtc_index_);
    ar.field("gc_index", gc_index_);
    ar.field("attr_index", attr_index_);
    ar.bytes("seq", seq_);
    ar.bytes("crtc", crtc_);
    ar.bytes("gc", gc_);
    ar.bytes("attr", attr_);
    ar.field("attr_flipflop", attr_flipflop_data_);
    ar.bytes("latch", latch_);
    std::array<uint8_t, 256 * 3> dac_bytes;
    for (unsigned i = 0; i < 256 * 3; ++i) dac_bytes[i] = dac_[i / 3][i % 3];
    ar.bytes("dac", dac_bytes);
    if (ar.loading())
        for (unsigned i = 0; i < 256 * 3; ++i) dac_[i / 3][i % 3] = dac_bytes[i];
    ar.field("dac_pel_mask", dac_pel_mask_);
    ar.field("dac_write_index", dac_write_index_);
    ar.field("dac_read_index", dac_read_index_);
    ar.field("dac_component", dac_component_);
    ar.field("dac_reading", dac_reading_);
    ar.field("dispi_index", dispi_index_);
    static constexpr std::string_view kDispiNames[kDispiCount] = {
        "dispi_id", "dispi_xres", "dispi_yres", "dispi_bpp", "dispi_enable", "dispi_bank",
        "dispi_virt_width", "dispi_virt_height", "dispi_x_offset", "dispi_y_offset", "dispi_video_memory_64k"};
    for (unsigned i = 0; i < kDispiCount; ++i) ar.field(kDispiNames[i], dispi_[i]);
    if (ar.loading()) {
        // Indexes are used to address arrays: keep loaded ones in range.
        seq_index_ &= 0x07;
        crtc_index_ &= 0x3F;
        gc_index_ &= 0x0F;
        attr_index_ &= 0x3F;
        dac_component_ %= 3;
        dispi_[DISPI_VIDEO_MEMORY_64K] = uint16_t(vram_.size() / 0x10000);
        if (uint32_t(dispi_[DISPI_BANK]) * 0x10000 >= vram_.size()) dispi_[DISPI_BANK] = 0;
    }
}

}  // namespace amber
