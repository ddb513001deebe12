// The text screen as the CRTC would scan it out: geometry from the timing
// registers, cells from planes 0 (characters) and 1 (attributes).
#include <algorithm>

#include "devices/vga.hpp"

namespace amber {

using namespace vga;

bool Vga::text_mode() const {
    return !(gc_[GR_MISC] & GR6_GRAPHICS) && !(attr_[AR_MODE] & AR10_GRAPHICS) && !vbe_enabled();
}

VgaTextScreen Vga::text_screen() const {
    VgaTextScreen s;
    if (!text_mode()) return s;

    const unsigned char_height = (crtc_[CR_MAX_SCAN] & 0x1F) + 1u;
    const unsigned overflow = crtc_[CR_OVERFLOW];
    const unsigned display_end = crtc_[CR_V_DISPLAY_END] | (overflow & 0x02) << 7 | (overflow & 0x40) << 3;
    unsigned scan_lines = display_end + 1;
    if (crtc_[CR_MAX_SCAN] & 0x80) scan_lines /= 2;  // double scanning
    s.cols = crtc_[CR_H_DISPLAY_END] + 1u;
    s.rows = std::max(1u, scan_lines / char_height);

    // Line compare splits the screen: scan lines after it show memory from 0.
    const unsigned line_compare =
        crtc_[CR_LINE_COMPARE] | (overflow & 0x10) << 4 | (crtc_[CR_MAX_SCAN] & 0x40) << 3;
    const unsigned split_row = line_compare < scan_lines ? (line_compare + char_height) / char_height : s.rows;

    const uint32_t start = uint32_t(crtc_[CR_START_HI]) << 8 | crtc_[CR_START_LO];
    const uint32_t row_cells = crtc_[CR_OFFSET] * 2u;
    s.chars.resize(size_t(s.cols) * s.rows);
    s.attrs.resize(s.chars.size());
    for (unsigned r = 0; r < s.rows; ++r) {
        const uint32_t row_addr = r < split_row ? start + r * row_cells : (r - split_row) * row_cells;
        for (unsigned c = 0; c < s.cols; ++c) {
            const uint32_t cell = ((row_addr + c) & (kPlaneSize - 1)) << 2;
            s.chars[r * s.cols + c] = vram_[cell];
            s.attrs[r * s.cols + c] = vram_[cell + 1];
        }
    }

    const unsigned cursor_start = crtc_[CR_CURSOR_START] & 0x1F;
    const unsigned cursor_end = crtc_[CR_CURSOR_END] & 0x1F;
    const uint32_t cursor = uint32_t(crtc_[CR_CURSOR_HI]) << 8 | crtc_[CR_CURSOR_LO];
    const uint32_t rel = (cursor - start) & (kPlaneSize - 1);
    if (row_cells && !(crtc_[CR_CURSOR_START] & CR0A_CURSOR_OFF) && cursor_start <= cursor_end &&
        cursor_start < char_height) {
        const uint32_t row = rel / row_cells, col = rel % row_cells;
        if (row < s.rows && row < split_row && col < s.cols) {
            s.cursor_visible = true;
            s.cursor_row = row;
            s.cursor_col = col;
        }
    }
    s.blink_enabled = attr_[AR_MODE] & AR10_BLINK;
    return s;
}

std::vector<std::string> Vga::text_lines() const {
    const VgaTextScreen s = text_screen();
    std::vector<std::string> lines(s.rows);
    for (unsigned r = 0; r < s.rows; ++r) {
        lines[r].reserve(s.cols);
        for (unsigned c = 0; c < s.cols; ++c) lines[r] += cp437_to_utf8(s.char_at(r, c));
    }
    return lines;
}

}  // namespace amber
