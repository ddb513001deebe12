#include "devices/vga_modes.hpp"

namespace amber {

const VgaModeRegisters kVgaMode3 = {
    0x67,  // colour I/O at 0x3Dx, RAM on, 28 MHz clock, odd/even page 1, 400-line sync polarity
    {0x03, 0x00, 0x03, 0x00, 0x02},
    {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00,
     0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A,
     0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00},
};

void program_vga_mode(IoBus& io, const VgaModeRegisters& m) {
    io.write(0x3C4, 0x0100, 2);  // synchronous reset while the clocks change
    io.write(0x3C2, m.misc, 1);
    for (uint8_t i = 1; i < vga::kSeqCount; ++i) io.write(0x3C4, uint32_t(m.seq[i]) << 8 | i, 2);

    const uint16_t crtc = (m.misc & vga::MISC_COLOR_IO) ? 0x3D4 : 0x3B4;
    io.write(crtc, uint32_t(m.crtc[vga::CR_V_RETRACE_END] & 0x7F) << 8 | vga::CR_V_RETRACE_END, 2);
    for (uint8_t i = 0; i < vga::kCrtcCount; ++i) io.write(crtc, uint32_t(m.crtc[i]) << 8 | i, 2);

    for (uint8_t i = 0; i < vga::kGcCount; ++i) io.write(0x3CE, uint32_t(m.gc[i]) << 8 | i, 2);

    io.read(crtc + 6, 1);  // input status 1: the attribute flip-flop now expects an index
    for (uint8_t i = 0; i < vga::kAttrCount; ++i) {
        io.write(0x3C0, i, 1);
        io.write(0x3C0, m.attr[i], 1);
    }
    io.write(0x3C4, uint32_t(m.seq[0]) << 8, 2);
    io.write(0x3C0, vga::AR_INDEX_PAS, 1);  // palette address source: the screen is on
}

std::array<uint8_t, 3> ega_dac_color(uint8_t index) {
    // EGA colour bits: 0-2 are blue, green, red at 2/3 intensity, 3-5 the same at 1/3.
    auto level = [&](unsigned primary, unsigned secondary) {
        return uint8_t(((index >> primary) & 1) * 42 + ((index >> secondary) & 1) * 21);
    };
    return {level(2, 5), level(1, 4), level(0, 3)};
}

}  // namespace amber
