// Complete register sets for standard VGA modes, as a BIOS programs them.
// Vga::reset() loads mode 3; tests and boards without a VGA BIOS can program
// a mode through the ports with program_vga_mode().
#pragma once
#include <array>
#include <cstdint>

#include "devices/vga.hpp"
#include "machine/io_bus.hpp"

namespace amber {

struct VgaModeRegisters {
    uint8_t misc;
    std::array<uint8_t, vga::kSeqCount> seq;
    std::array<uint8_t, vga::kCrtcCount> crtc;
    std::array<uint8_t, vga::kGcCount> gc;
    std::array<uint8_t, vga::kAttrCount> attr;
};

// 80x25 colour text, 9x16 character cells, 720x400 at 70 Hz.
extern const VgaModeRegisters kVgaMode3;

// Writes every register through the I/O ports, in the order a BIOS uses:
// sequencer held in reset, misc output, CRTC (unprotected first), graphics
// controller, attribute controller (flip-flop reset first), then the
// sequencer released and the display enabled again.
void program_vga_mode(IoBus& io, const VgaModeRegisters& m);

// The 64-entry EGA-compatible DAC palette the attribute registers point into.
std::array<uint8_t, 3> ega_dac_color(uint8_t index);

}  // namespace amber
