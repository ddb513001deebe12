// The VGA's register files behind its I/O ports.
#include "devices/vga.hpp"

#include <algorithm>

#include "machine/log.hpp"

namespace amber {

using namespace vga;

namespace {
// Bits each attribute register holds (the rest read as 0).
constexpr uint8_t attr_width(uint8_t i) {
    if (i < 0x10) return 0x3F;
    switch (i) {
    case AR_PLANE_ENABLE: return 0x3F;
    case AR_PANNING:
    case AR_COLOR_SELECT: return 0x0F;
    default: return 0xFF;
    }
}
}  // namespace

// Word and dword accesses act as that many byte accesses to consecutive
// ports (outw 0x3C4 writes index and data at once), except the VBE ports,
// which are 16 bits wide.
uint32_t Vga::io_read(uint16_t port, unsigned size) {
    if (port >= kDispiIndexPort && port <= kDispiDataPort + 1) {
        return port == kDispiIndexPort ? dispi_index_ : read_dispi();
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint32_t(read_port(uint16_t(port + i))) << (8 * i);
    return v;
}

void Vga::io_write(uint16_t port, uint32_t value, unsigned size) {
    if (port >= kDispiIndexPort && port <= kDispiDataPort + 1) {
        if (port == kDispiIndexPort) dispi_index_ = uint16_t(value);
        else write_dispi(uint16_t(value));
        return;
    }
    for (unsigned i = 0; i < size; ++i) write_port(uint16_t(port + i), uint8_t(value >> (8 * i)));
}

// Misc output bit 0 puts the CRTC and input status 1 at 0x3Dx (colour) or
// 0x3Bx (mono); the other block is not decoded.
bool Vga::port_is_inactive_mono_or_color(uint16_t port) const {
    const bool color = misc_ & MISC_COLOR_IO;
    if (port >= 0x3B0 && port <= 0x3BF) return color;
    if (port >= 0x3D0 && port <= 0x3DF) return !color;
    return false;
}

uint8_t Vga::read_port(uint16_t port) {
    if (port_is_inactive_mono_or_color(port)) return 0xFF;
    switch (port) {
    case 0x3B4: case 0x3D4: return crtc_index_;
    case 0x3B5: case 0x3D5: return crtc_index_ < kCrtcCount ? crtc_[crtc_index_] : 0;
    case 0x3BA: case 0x3DA: return input_status1();
    case 0x3C0: return attr_index_;
    case 0x3C1: return (attr_index_ & 0x1F) < kAttrCount ? attr_[attr_index_ & 0x1F] : 0;
    case 0x3C2: return 0x10;  // input status 0: monitor sense says "connected"
    case 0x3C3: return subsystem_enable_;
    case 0x3C4: return seq_index_;
    case 0x3C5: return seq_index_ < kSeqCount ? seq_[seq_index_] : 0;
    case 0x3C6: return dac_pel_mask_;
    case 0x3C7: return dac_reading_ ? 0x03 : 0x00;
    case 0x3C8: return dac_write_index_;
    case 0x3C9: return read_dac_data();
    case 0x3CA: return feature_;
    case 0x3CC: return misc_;
    case 0x3CE: return gc_index_;
    case 0x3CF: return gc_index_ < kGcCount ? gc_[gc_index_] : 0;
    default: return 0xFF;
    }
}

void Vga::write_port(uint16_t port, uint8_t v) {
    if (port_is_inactive_mono_or_color(port)) return;
    switch (port) {
    case 0x3B4: case 0x3D4: crtc_index_ = v & 0x3F; break;
    case 0x3B5: case 0x3D5: write_crtc(crtc_index_, v); break;
    case 0x3BA: case 0x3DA: feature_ = v; break;
    case 0x3C0: write_attr(v); break;
    case 0x3C2: misc_ = v; break;
    case 0x3C3: subsystem_enable_ = v & 1; break;
    case 0x3C4: seq_index_ = v & 0x07; break;
    case 0x3C5:
        if (seq_index_ < kSeqCount) seq_[seq_index_] = v;
        break;
    case 0x3C6: dac_pel_mask_ = v; break;
    case 0x3C7:
        dac_read_index_ = v;
        dac_component_ = 0;
        dac_reading_ = true;
        break;
    case 0x3C8:
        dac_write_index_ = v;
        dac_component_ = 0;
        dac_reading_ = false;
        break;
    case 0x3C9: write_dac_data(v); break;
    case 0x3CE: gc_index_ = v & 0x0F; break;
    case 0x3CF:
        if (gc_index_ < kGcCount) gc_[gc_index_] = v;
        break;
    default:
        log::get("vga")->debug("write {:#04x} to unhandled port {:#x}", v, port);
        break;
    }
}

// CR11 bit 7 write-protects CR00-CR07, all but the line compare's bit 8 in CR07.
void Vga::write_crtc(uint8_t index, uint8_t v) {
    if (index >= kCrtcCount) return;
    if ((crtc_[CR_V_RETRACE_END] & CR11_PROTECT) && index <= CR_OVERFLOW) {
        if (index == CR_OVERFLOW) crtc_[index] = uint8_t((crtc_[index] & ~0x10) | (v & 0x10));
        return;
    }
    crtc_[index] = v;
}

// 0x3C0 takes an index and then data, alternately; reading input status 1
// sets it back to expecting an index.
void Vga::write_attr(uint8_t v) {
    if (!attr_flipflop_data_) {
        attr_index_ = v & 0x3F;
    } else {
        const uint8_t i = attr_index_ & 0x1F;
        if (i < kAttrCount) attr_[i] = v & attr_width(i);
    }
    attr_flipflop_data_ = !attr_flipflop_data_;
}

uint8_t Vga::read_dac_data() {
    const uint8_t v = dac_[dac_read_index_][dac_component_];
    if (++dac_component_ == 3) {
        dac_component_ = 0;
        ++dac_read_index_;
    }
    return v;
}

void Vga::write_dac_data(uint8_t v) {
    const bool eight_bit = dispi_[DISPI_ENABLE] & DISPI_8BIT_DAC;
    dac_[dac_write_index_][dac_component_] = eight_bit ? v : (v & 0x3F);
    if (++dac_component_ == 3) {
        dac_component_ = 0;
        ++dac_write_index_;
    }
}

// The beam's position follows virtual time: a frame of 449 lines, 400 shown,
// with vertical retrace on lines 412-413, about 70 frames per guest second.
// Each line ends with a blanking fifth. A frame is at least 898 ticks so
// every phase lasts a few ticks even on a slow virtual clock.
uint8_t Vga::input_status1() {
    attr_flipflop_data_ = false;
    constexpr uint64_t kLines = 449, kShownLines = 400, kRetraceFirst = 412, kRetraceEnd = 414;
    const uint64_t frame = std::max<uint64_t>(ticks_per_second_ / 70, 2 * kLines);
    const uint64_t line_ticks = frame / kLines;
    const uint64_t phase = (clock_ ? clock_() : 0) % frame;
    const uint64_t line = phase / line_ticks;
    const uint64_t in_line = phase % line_ticks;
    uint8_t v = 0;
    if (line >= kShownLines || in_line * 5 >= line_ticks * 4) v |= ST1_DISPLAY_DISABLED;
    if (line >= kRetraceFirst && line < kRetraceEnd) v |= ST1_VRETRACE;
    return v;
}

}  // namespace amber
