// The VGA: registers through the ports, planar memory through the MMIO
// window, the text screen as the CRTC scans it, and the Bochs VBE registers.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <fstream>
#include <string>

#include "devices/vga.hpp"
#include "devices/vga_modes.hpp"

using namespace amber;

namespace {

struct VgaRig {
    PhysMemory mem;
    IoBus io;
    uint64_t now = 0;
    Vga vga{io, mem, [this] { return now; }, 1'000'000};

    void out8(uint16_t port, uint8_t v) { io.write(port, v, 1); }
    void out16(uint16_t port, uint16_t v) { io.write(port, v, 2); }
    uint8_t in8(uint16_t port) { return uint8_t(io.read(port, 1)); }
    void seq(uint8_t i, uint8_t v) { out16(0x3C4, uint16_t(v << 8 | i)); }
    void gc(uint8_t i, uint8_t v) { out16(0x3CE, uint16_t(v << 8 | i)); }
    void crtc(uint8_t i, uint8_t v) { out16(0x3D4, uint16_t(v << 8 | i)); }
    uint8_t read_crtc(uint8_t i) {
        out8(0x3D4, i);
        return in8(0x3D5);
    }
    void put_text(unsigned cell, const std::string& s, uint8_t attr = 0x07) {
        for (size_t i = 0; i < s.size(); ++i) {
            mem.write8(0xB8000 + 2 * (cell + uint32_t(i)), uint8_t(s[i]));
            mem.write8(0xB8000 + 2 * (cell + uint32_t(i)) + 1, attr);
        }
    }
    // 640x480x16 planar addressing (as mode 12h): sequential planes at A0000/64K.
    void planar_mode() {
        seq(vga::SR_MAP_MASK, 0x0F);
        seq(vga::SR_MEMORY_MODE, 0x06);
        gc(vga::GR_MODE, 0x00);
        gc(vga::GR_MISC, 0x05);
        gc(vga::GR_BIT_MASK, 0xFF);
    }
    // Writes `values` straight into the four planes at plane offset `off`.
    void fill_planes(uint32_t off, std::array<uint8_t, 4> values) {
        gc(vga::GR_MODE, 0x00);
        gc(vga::GR_ENABLE_SET_RESET, 0);
        gc(vga::GR_ROTATE, 0);
        gc(vga::GR_BIT_MASK, 0xFF);
        for (unsigned p = 0; p < 4; ++p) {
            seq(vga::SR_MAP_MASK, uint8_t(1 << p));
            mem.write8(0xA0000 + off, values[p]);
        }
        seq(vga::SR_MAP_MASK, 0x0F);
    }
};

// Saves fields in order, then plays them back into another device.
class TapeArchive final : public Archive {
public:
    bool loading() const override { return loading_; }
    void field(std::string_view n, uint8_t& v) override { io(n, &v, 1); }
    void field(std::string_view n, uint16_t& v) override { io(n, &v, 2); }
    void field(std::string_view n, uint32_t& v) override { io(n, &v, 4); }
    void field(std::string_view n, uint64_t& v) override { io(n, &v, 8); }
    void bytes(std::string_view n, std::span<uint8_t> d) override { io(n, d.data(), d.size()); }
    void rewind_for_loading() {
        loading_ = true;
        pos_ = 0;
    }
    std::set<std::string> names;

private:
    void io(std::string_view n, void* p, size_t size) {
        if (!loading_) {
            names.insert(std::string(n));
            auto* b = static_cast<uint8_t*>(p);
            tape_.emplace_back(b, b + size);
        } else {
            REQUIRE(pos_ < tape_.size());
            REQUIRE(tape_[pos_].size() == size);
            std::memcpy(p, tape_[pos_++].data(), size);
        }
    }
    std::vector<std::vector<uint8_t>> tape_;
    size_t pos_ = 0;
    bool loading_ = false;
};

std::string trimmed(std::string s) {
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
}

}  // namespace

TEST_CASE("vga: comes out of reset in 80x25 colour text mode", "[vga]") {
    VgaRig r;
    CHECK(r.vga.text_mode());
    CHECK(r.in8(0x3CC) == 0x67);
    const VgaTextScreen s = r.vga.text_screen();
    CHECK(s.cols == 80);
    CHECK(s.rows == 25);
    auto lines = r.vga.text_lines();
    REQUIRE(lines.size() == 25);
    CHECK(lines[0] == std::string(80, ' '));
}

TEST_CASE("vga: characters written at 0xB8000 appear in text_lines", "[vga]") {
    VgaRig r;
    program_vga_mode(r.io, kVgaMode3);
    r.put_text(0, "Hello, world", 0x1F);
    r.put_text(80 * 24 + 70, "bottom");
    auto lines = r.vga.text_lines();
    REQUIRE(lines.size() == 25);
    CHECK(trimmed(lines[0]) == "Hello, world");
    CHECK(trimmed(lines[24]) == std::string(70, ' ') + "bottom");
    const VgaTextScreen s = r.vga.text_screen();
    CHECK(s.char_at(0, 4) == 'o');
    CHECK(s.attr_at(0, 4) == 0x1F);
    CHECK(s.attr_at(24, 70) == 0x07);
    // Text-mode odd/even: characters in plane 0, attributes in plane 1, cell n at offset n.
    CHECK(r.vga.plane_byte(0, 1) == 'e');
    CHECK(r.vga.plane_byte(1, 1) == 0x1F);
    // Reading back through the window gives the same bytes.
    CHECK(r.mem.read8(0xB8002) == 'e');
    CHECK(r.mem.read8(0xB8003) == 0x1F);
    CHECK(r.mem.read<uint16_t>(0xB8000) == (0x1F00 | 'H'));
}

TEST_CASE("vga: characters outside ASCII come out as code page 437 in UTF-8", "[vga]") {
    VgaRig r;
    r.mem.write8(0xB8000, 0xC9);  // top-left double corner
    r.mem.write8(0xB8002, 0xCD);
    r.mem.write8(0xB8004, 0x01);
    r.mem.write8(0xB8006, 0xE1);
    r.mem.write8(0xB8008, 0x00);
    r.mem.write8(0xB800A, 'z');
    CHECK(r.vga.text_lines()[0].rfind("╔═☺ß z", 0) == 0);
    CHECK(cp437_to_utf8(0xB3) == "│");
    CHECK(cp437_to_utf8(0x7F) == "⌂");
    CHECK(cp437_to_utf8('~') == "~");
    CHECK(cp437_to_utf8(0xFF) == " ");
}

TEST_CASE("vga: mode 3 registers read back through the ports", "[vga]") {
    VgaRig r;
    // Scramble a few first so programming has something to undo.
    r.crtc(vga::CR_OFFSET, 0x10);
    r.gc(vga::GR_MISC, 0x05);
    r.seq(vga::SR_MEMORY_MODE, 0x0E);
    program_vga_mode(r.io, kVgaMode3);
    for (uint8_t i = 0; i < vga::kCrtcCount; ++i) CHECK(r.read_crtc(i) == kVgaMode3.crtc[i]);
    for (uint8_t i = 0; i < vga::kSeqCount; ++i) {
        r.out8(0x3C4, i);
        CHECK(r.in8(0x3C5) == kVgaMode3.seq[i]);
    }
    for (uint8_t i = 0; i < vga::kGcCount; ++i) {
        r.out8(0x3CE, i);
        CHECK(r.in8(0x3CF) == kVgaMode3.gc[i]);
    }
    for (uint8_t i = 0; i < vga::kAttrCount; ++i) {
        r.in8(0x3DA);
        r.out8(0x3C0, i | vga::AR_INDEX_PAS);
        CHECK(r.in8(0x3C1) == kVgaMode3.attr[i]);
    }
    CHECK(r.vga.text_mode());
}

TEST_CASE("vga: 8-line characters give 80x50", "[vga]") {
    VgaRig r;
    r.crtc(vga::CR_MAX_SCAN, 0x47);  // 8 scan lines per row, keeping line compare bit 9
    CHECK(r.vga.text_screen().rows == 50);
    r.put_text(80 * 49, "last row");
    CHECK(trimmed(r.vga.text_lines()[49]) == "last row");
}

TEST_CASE("vga: the CRTC start address scrolls the screen and the offset sets the row pitch", "[vga]") {
    VgaRig r;
    for (unsigned row = 0; row < 30; ++row) r.put_text(row * 80, "row " + std::to_string(row));
    CHECK(trimmed(r.vga.text_lines()[0]) == "row 0");
    r.crtc(vga::CR_START_HI, 0x00);
    r.crtc(vga::CR_START_LO, 80 * 3);  // three rows down
    auto lines = r.vga.text_lines();
    CHECK(trimmed(lines[0]) == "row 3");
    CHECK(trimmed(lines[24]) == "row 27");

    // Second page (as INT 10h AH=05 selects it): start 0x800 cells = 0xB9000.
    r.crtc(vga::CR_START_HI, 0x08);
    r.crtc(vga::CR_START_LO, 0x00);
    r.put_text(0x800, "page one" + std::string(72, ' '));
    CHECK(trimmed(r.vga.text_lines()[0]) == "page one");

    // A 132-cell row pitch (offset 66) with the start back at 0.
    r.crtc(vga::CR_START_HI, 0);
    r.crtc(vga::CR_START_LO, 0);
    r.crtc(vga::CR_OFFSET, 66);
    r.put_text(132, "pitch" + std::string(127, ' '));
    CHECK(trimmed(r.vga.text_lines()[1]) == "pitch");
}

TEST_CASE("vga: line compare splits the screen, the bottom part showing memory from 0", "[vga]") {
    VgaRig r;
    for (unsigned row = 0; row < 40; ++row) r.put_text(row * 80, "row " + std::to_string(row));
    r.crtc(vga::CR_START_HI, (80 * 10) >> 8);
    r.crtc(vga::CR_START_LO, (80 * 10) & 0xFF);
    // Line compare 319 (bit 8 comes from CR07, bit 9 from CR09): scan lines 320.. (row 20 on) restart at 0.
    r.crtc(vga::CR_MAX_SCAN, 0x0F);
    r.crtc(vga::CR_LINE_COMPARE, 0x3F);
    auto lines = r.vga.text_lines();
    CHECK(trimmed(lines[0]) == "row 10");
    CHECK(trimmed(lines[19]) == "row 29");
    CHECK(trimmed(lines[20]) == "row 0");
    CHECK(trimmed(lines[24]) == "row 4");
}

TEST_CASE("vga: cursor position and visibility come from the CRTC", "[vga]") {
    VgaRig r;
    r.crtc(vga::CR_CURSOR_HI, (80 * 5 + 7) >> 8);
    r.crtc(vga::CR_CURSOR_LO, (80 * 5 + 7) & 0xFF);
    VgaTextScreen s = r.vga.text_screen();
    CHECK(s.cursor_visible);
    CHECK(s.cursor_row == 5);
    CHECK(s.cursor_col == 7);
    // Relative to the start address.
    r.crtc(vga::CR_START_LO, 80);
    s = r.vga.text_screen();
    CHECK(s.cursor_row == 4);
    // The disable bit hides it; so does a start scan line below the end line.
    r.crtc(vga::CR_CURSOR_START, 0x20 | 0x0D);
    CHECK_FALSE(r.vga.cursor_visible());
    r.crtc(vga::CR_CURSOR_START, 0x0F);
    r.crtc(vga::CR_CURSOR_END, 0x0E);
    CHECK_FALSE(r.vga.cursor_visible());
    r.crtc(vga::CR_CURSOR_START, 0x0D);
    CHECK(r.vga.cursor_visible());
    // Off the screen: not visible.
    r.crtc(vga::CR_CURSOR_HI, 0x20);
    CHECK_FALSE(r.vga.cursor_visible());
}

TEST_CASE("vga: the protect bit locks CRTC registers 0-7 except line compare bit 8", "[vga]") {
    VgaRig r;
    r.crtc(vga::CR_V_RETRACE_END, 0x8E);  // protect on
    r.crtc(vga::CR_H_DISPLAY_END, 0x27);
    CHECK(r.read_crtc(vga::CR_H_DISPLAY_END) == 0x4F);
    r.crtc(vga::CR_OVERFLOW, 0x00);
    CHECK(r.read_crtc(vga::CR_OVERFLOW) == (0x1F & ~0x10));
    r.crtc(vga::CR_OFFSET, 0x30);  // above 7: not protected
    CHECK(r.read_crtc(vga::CR_OFFSET) == 0x30);
    r.crtc(vga::CR_V_RETRACE_END, 0x0E);  // protect off
    r.crtc(vga::CR_H_DISPLAY_END, 0x27);
    CHECK(r.read_crtc(vga::CR_H_DISPLAY_END) == 0x27);
    CHECK(r.vga.text_screen().cols == 40);
}

TEST_CASE("vga: misc output bit 0 moves the CRTC between 0x3Bx and 0x3Dx", "[vga]") {
    VgaRig r;
    r.out8(0x3D4, vga::CR_OFFSET);
    CHECK(r.in8(0x3D5) == 0x28);
    CHECK(r.in8(0x3B5) == 0xFF);  // the mono block is not decoded
    r.out8(0x3C2, 0x66);          // mono I/O
    CHECK(r.in8(0x3CC) == 0x66);
    CHECK(r.in8(0x3D5) == 0xFF);
    r.out16(0x3B4, 0x5013);
    r.out8(0x3B4, vga::CR_OFFSET);
    CHECK(r.in8(0x3B5) == 0x50);
    r.out16(0x3D4, 0x1113);  // ignored: not decoded
    CHECK(r.vga.crtc(vga::CR_OFFSET) == 0x50);
    // Input status 1 moves too.
    CHECK(r.in8(0x3DA) == 0xFF);
    CHECK((r.in8(0x3BA) & 0xF6) == 0);
}

TEST_CASE("vga: the attribute flip-flop alternates index and data; input status 1 resets it", "[vga]") {
    VgaRig r;
    r.in8(0x3DA);
    r.out8(0x3C0, 0x01);  // index 1
    r.out8(0x3C0, 0x3A);  // data
    CHECK(r.vga.attr(1) == 0x3A);
    r.out8(0x3C0, 0x02);  // index again
    r.out8(0x3C0, 0x15);
    CHECK(r.vga.attr(2) == 0x15);
    CHECK(r.vga.attr(1) == 0x3A);

    // Half-way through a pair: reading 0x3DA makes the next write an index.
    r.out8(0x3C0, 0x03);
    r.in8(0x3DA);
    r.out8(0x3C0, vga::AR_COLOR_SELECT);
    r.out8(0x3C0, 0x05);
    CHECK(r.vga.attr(vga::AR_COLOR_SELECT) == 0x05);
    CHECK(r.vga.attr(3) == 0x03);  // untouched
    // 0x3C0 reads the index (with the palette address source bit), 0x3C1 the data.
    r.in8(0x3DA);
    r.out8(0x3C0, vga::AR_MODE | vga::AR_INDEX_PAS);
    CHECK(r.in8(0x3C0) == (vga::AR_MODE | vga::AR_INDEX_PAS));
    CHECK(r.in8(0x3C1) == 0x0C);
    r.out8(0x3C0, 0x01);  // data: graphics mode on
    CHECK_FALSE(r.vga.text_mode());
    CHECK(r.vga.text_lines().empty());
}

TEST_CASE("vga: input status 1 retrace bits toggle with virtual time", "[vga]") {
    VgaRig r;  // 1 M ticks per second: a frame is 14285 ticks
    unsigned retrace_on = 0, retrace_edges = 0, display_off = 0;
    bool last = false;
    for (uint64_t t = 0; t < 3 * 14285; t += 7) {
        r.now = t;
        const uint8_t st = r.in8(0x3DA);
        const bool vr = st & vga::ST1_VRETRACE;
        retrace_on += vr;
        display_off += st & vga::ST1_DISPLAY_DISABLED;
        if (vr && !last) ++retrace_edges;
        last = vr;
        if (vr) CHECK((st & vga::ST1_DISPLAY_DISABLED));  // retrace is inside blanking
    }
    CHECK(retrace_edges == 3);  // once per frame
    CHECK(retrace_on > 0);
    CHECK(retrace_on < 3 * 14285 / 7 / 10);
    CHECK(display_off > retrace_on);
    // Deterministic: the same tick gives the same bits.
    r.now = 12345;
    const uint8_t a = r.in8(0x3DA);
    r.now = 999;
    r.in8(0x3DA);
    r.now = 12345;
    CHECK(r.in8(0x3DA) == a);

    // A BIOS-style wait (for the end of retrace, then its start) ends.
    r.now = 0;
    unsigned polls = 0;
    while (r.in8(0x3DA) & vga::ST1_VRETRACE) r.now += 5, ++polls;
    while (!(r.in8(0x3DA) & vga::ST1_VRETRACE)) r.now += 5, ++polls;
    CHECK(polls < 14285);
}

TEST_CASE("vga: font loading into plane 2 as the BIOS does it", "[vga]") {
    VgaRig r;
    r.put_text(0, "AB", 0x4E);
    // Sequential access to plane 2 at A0000, the way a VGA BIOS sets up a font load.
    r.seq(vga::SR_RESET, 0x01);
    r.seq(vga::SR_MAP_MASK, 0x04);
    r.seq(vga::SR_MEMORY_MODE, 0x07);
    r.seq(vga::SR_RESET, 0x03);
    r.gc(vga::GR_READ_MAP, 0x02);
    r.gc(vga::GR_MODE, 0x00);
    r.gc(vga::GR_MISC, 0x04);
    for (unsigned ch = 0; ch < 256; ++ch)
        for (unsigned line = 0; line < 16; ++line)
            r.mem.write8(0xA0000 + ch * 32 + line, uint8_t(ch ^ (line * 17)));
    // A second font block at 0x4000 (character map select uses it).
    r.mem.write8(0xA4000 + 'A' * 32, 0x81);
    CHECK(r.mem.read8(0xA0000 + 'A' * 32 + 3) == uint8_t('A' ^ 51));
    // Back to text mode.
    r.seq(vga::SR_RESET, 0x01);
    r.seq(vga::SR_MAP_MASK, 0x03);
    r.seq(vga::SR_MEMORY_MODE, 0x03);
    r.seq(vga::SR_RESET, 0x03);
    r.gc(vga::GR_READ_MAP, 0x00);
    r.gc(vga::GR_MODE, 0x10);
    r.gc(vga::GR_MISC, 0x0E);

    for (unsigned ch = 0; ch < 256; ch += 51)
        for (unsigned line = 0; line < 16; ++line)
            CHECK(r.vga.plane_byte(2, ch * 32 + line) == uint8_t(ch ^ (line * 17)));
    CHECK(r.vga.plane_byte(2, 0x4000 + 'A' * 32) == 0x81);
    // Planes 0 and 1 (the text) were not touched.
    CHECK(trimmed(r.vga.text_lines()[0]) == "AB");
    CHECK(r.vga.text_screen().attr_at(0, 1) == 0x4E);
    CHECK(r.mem.read8(0xB8000) == 'A');
}

TEST_CASE("vga: the memory map select decides which part of the window answers", "[vga]") {
    VgaRig r;  // mode 3: B8000, 32 KiB
    r.mem.write8(0xA0000, 0x55);
    CHECK(r.mem.read8(0xA0000) == 0xFF);
    CHECK(r.mem.read8(0xB0000) == 0xFF);
    r.mem.write8(0xBFFFE, 'x');
    CHECK(r.mem.read8(0xBFFFE) == 'x');
    // B0000/32K (mono text): the same planes, now at B0000.
    r.gc(vga::GR_MISC, 0x0A);
    CHECK(r.mem.read8(0xB0000 + 0x7FFE) == 'x');
    CHECK(r.mem.read8(0xB8000) == 0xFF);
    // A0000/128K reaches them at A0000 + 0x7FFE as well.
    r.gc(vga::GR_MISC, 0x02);
    CHECK(r.mem.read8(0xA7FFE) == 'x');
    // A0000/64K: B0000 is outside.
    r.gc(vga::GR_MISC, 0x06);
    CHECK(r.mem.read8(0xB0000) == 0xFF);
    CHECK(r.mem.read8(0xA7FFE) == 'x');
    // Misc output's RAM enable bit off: nothing answers.
    r.out8(0x3C2, 0x65);
    CHECK(r.mem.read8(0xA7FFE) == 0xFF);
}

TEST_CASE("vga: write mode 0 with set/reset, rotation, logical ops and the bit mask", "[vga]") {
    VgaRig r;
    r.planar_mode();
    r.mem.write8(0xA0000, 0xA5);  // all four planes
    for (unsigned p = 0; p < 4; ++p) CHECK(r.vga.plane_byte(p, 0) == 0xA5);

    // Map mask: planes 1 and 3 only.
    r.seq(vga::SR_MAP_MASK, 0x0A);
    r.mem.write8(0xA0001, 0x3C);
    CHECK(r.vga.plane_byte(0, 1) == 0x00);
    CHECK(r.vga.plane_byte(1, 1) == 0x3C);
    CHECK(r.vga.plane_byte(2, 1) == 0x00);
    CHECK(r.vga.plane_byte(3, 1) == 0x3C);
    r.seq(vga::SR_MAP_MASK, 0x0F);

    // Set/reset: planes 0 and 2 take colour bits from the set/reset register.
    r.gc(vga::GR_SET_RESET, 0x05);
    r.gc(vga::GR_ENABLE_SET_RESET, 0x07);
    r.mem.write8(0xA0002, 0x11);
    CHECK(r.vga.plane_byte(0, 2) == 0xFF);
    CHECK(r.vga.plane_byte(1, 2) == 0x00);
    CHECK(r.vga.plane_byte(2, 2) == 0xFF);
    CHECK(r.vga.plane_byte(3, 2) == 0x11);  // not enabled: CPU data
    r.gc(vga::GR_ENABLE_SET_RESET, 0);

    // Rotate right by 4.
    r.gc(vga::GR_ROTATE, 0x04);
    r.mem.write8(0xA0003, 0x12);
    CHECK(r.vga.plane_byte(0, 3) == 0x21);
    r.gc(vga::GR_ROTATE, 0);

    // Logical ops against the latches (loaded by a read).
    r.fill_planes(4, {0xF0, 0x0F, 0xAA, 0x55});
    const std::pair<uint8_t, std::array<uint8_t, 4>> ops[] = {
        {0x08, {0xF0 & 0x3C, 0x0F & 0x3C, 0xAA & 0x3C, 0x55 & 0x3C}},  // AND
        {0x10, {0xF0 | 0x3C, 0x0F | 0x3C, 0xAA | 0x3C, 0x55 | 0x3C}},  // OR
        {0x18, {0xF0 ^ 0x3C, 0x0F ^ 0x3C, 0xAA ^ 0x3C, 0x55 ^ 0x3C}},  // XOR
    };
    for (const auto& [rotate_reg, expect] : ops) {
        r.fill_planes(4, {0xF0, 0x0F, 0xAA, 0x55});
        r.gc(vga::GR_ROTATE, rotate_reg);
        (void)r.mem.read8(0xA0004);
        r.mem.write8(0xA0004, 0x3C);
        r.gc(vga::GR_ROTATE, 0);
        for (unsigned p = 0; p < 4; ++p) CHECK(r.vga.plane_byte(p, 4) == expect[p]);
    }

    // Bit mask: only bits set in it come from the new data, the rest from the latches.
    r.fill_planes(5, {0x00, 0xFF, 0x0F, 0xF0});
    (void)r.mem.read8(0xA0005);
    r.gc(vga::GR_BIT_MASK, 0x3C);
    r.mem.write8(0xA0005, 0xAA);
    r.gc(vga::GR_BIT_MASK, 0xFF);
    CHECK(r.vga.plane_byte(0, 5) == ((0xAA & 0x3C) | (0x00 & ~0x3C)));
    CHECK(r.vga.plane_byte(1, 5) == ((0xAA & 0x3C) | (0xFF & ~0x3C)));
    CHECK(r.vga.plane_byte(2, 5) == ((0xAA & 0x3C) | (0x0F & ~0x3C)));
    CHECK(r.vga.plane_byte(3, 5) == ((0xAA & 0x3C) | (0xF0 & ~0x3C)));
}

TEST_CASE("vga: write mode 1 copies the latches", "[vga]") {
    VgaRig r;
    r.planar_mode();
    r.fill_planes(100, {0x12, 0x34, 0x56, 0x78});
    (void)r.mem.read8(0xA0000 + 100);
    r.gc(vga::GR_MODE, 0x01);
    r.gc(vga::GR_BIT_MASK, 0x00);  // ignored in write mode 1
    r.mem.write8(0xA0000 + 200, 0xEE);
    for (unsigned p = 0; p < 4; ++p) CHECK(r.vga.plane_byte(p, 200) == r.vga.plane_byte(p, 100));
    CHECK(r.vga.plane_byte(3, 200) == 0x78);
}

TEST_CASE("vga: write mode 2 spreads the CPU's colour over the bit mask", "[vga]") {
    VgaRig r;
    r.planar_mode();
    r.fill_planes(7, {0xFF, 0xFF, 0x00, 0x00});
    (void)r.mem.read8(0xA0007);
    r.gc(vga::GR_MODE, 0x02);
    r.gc(vga::GR_BIT_MASK, 0x81);  // pixels 0 and 7
    r.mem.write8(0xA0007, 0x0A);   // colour 10: planes 1 and 3
    CHECK(r.vga.plane_byte(0, 7) == 0x7E);
    CHECK(r.vga.plane_byte(1, 7) == 0xFF);
    CHECK(r.vga.plane_byte(2, 7) == 0x00);
    CHECK(r.vga.plane_byte(3, 7) == 0x81);
}

TEST_CASE("vga: write mode 3 uses the rotated CPU byte as a mask for the set/reset colour", "[vga]") {
    VgaRig r;
    r.planar_mode();
    r.fill_planes(9, {0x00, 0x00, 0xFF, 0xFF});
    (void)r.mem.read8(0xA0009);
    r.gc(vga::GR_MODE, 0x03);
    r.gc(vga::GR_SET_RESET, 0x03);  // colour 3: planes 0 and 1
    r.gc(vga::GR_BIT_MASK, 0xF0);
    r.gc(vga::GR_ROTATE, 0x01);     // rotate right 1
    r.mem.write8(0xA0009, 0x3C);    // rotated: 0x1E; with the bit mask: 0x10
    CHECK(r.vga.plane_byte(0, 9) == 0x10);
    CHECK(r.vga.plane_byte(1, 9) == 0x10);
    CHECK(r.vga.plane_byte(2, 9) == 0xEF);
    CHECK(r.vga.plane_byte(3, 9) == 0xEF);
}

TEST_CASE("vga: read mode 0 selects a plane; read mode 1 compares colours", "[vga]") {
    VgaRig r;
    r.planar_mode();
    r.fill_planes(3, {0x0F, 0x33, 0x55, 0xFF});
    for (uint8_t p = 0; p < 4; ++p) {
        r.gc(vga::GR_READ_MAP, p);
        CHECK(r.mem.read8(0xA0003) == r.vga.plane_byte(p, 3));
    }
    r.gc(vga::GR_READ_MAP, 1);
    CHECK(r.mem.read8(0xA0003) == 0x33);

    // Pixel colours (bit 7 first): planes give per-pixel colour numbers.
    r.gc(vga::GR_MODE, 0x08);
    r.gc(vga::GR_COLOR_DONT_CARE, 0x0F);
    auto expect = [&](uint8_t colour) {
        uint8_t bits = 0;
        for (unsigned b = 0; b < 8; ++b) {
            unsigned c = 0;
            for (unsigned p = 0; p < 4; ++p) c |= ((r.vga.plane_byte(p, 3) >> b) & 1u) << p;
            if (c == colour) bits |= uint8_t(1 << b);
        }
        return bits;
    };
    for (uint8_t colour : {0x8, 0x9, 0xC, 0xF, 0x0}) {
        r.gc(vga::GR_COLOR_COMPARE, colour);
        CHECK(r.mem.read8(0xA0003) == expect(colour));
    }
    r.gc(vga::GR_COLOR_COMPARE, 0x0F);
    CHECK(r.mem.read8(0xA0003) == 0x01);  // only bit 0 is colour 15
    // Don't care: only plane 3 counts, and it is all ones.
    r.gc(vga::GR_COLOR_DONT_CARE, 0x08);
    CHECK(r.mem.read8(0xA0003) == 0xFF);
    r.gc(vga::GR_COLOR_DONT_CARE, 0x00);
    CHECK(r.mem.read8(0xA0003) == 0xFF);
}

TEST_CASE("vga: chain-4 spreads consecutive bytes over the planes", "[vga]") {
    VgaRig r;
    // Mode 13h's addressing.
    r.seq(vga::SR_MAP_MASK, 0x0F);
    r.seq(vga::SR_MEMORY_MODE, 0x0E);
    r.gc(vga::GR_MODE, 0x40);
    r.gc(vga::GR_MISC, 0x05);
    for (uint32_t i = 0; i < 8; ++i) r.mem.write8(0xA0000 + i, uint8_t(0x10 + i));
    CHECK(r.vga.plane_byte(0, 0) == 0x10);
    CHECK(r.vga.plane_byte(3, 0) == 0x13);
    CHECK(r.vga.plane_byte(1, 1) == 0x15);
    CHECK(r.mem.read8(0xA0006) == 0x16);
    r.mem.write8(0xAF9FF, 0x77);  // the last pixel of 320x200
    CHECK(r.mem.read8(0xAF9FF) == 0x77);
    CHECK(r.vga.plane_byte(3, 0xF9FF >> 2) == 0x77);
}

TEST_CASE("vga: the DAC auto-increments through index and components", "[vga]") {
    VgaRig r;
    r.out8(0x3C8, 0x10);
    for (uint8_t v : {1, 2, 3, 4, 5, 6}) r.out8(0x3C9, v);
    CHECK(r.vga.dac_entry(0x10) == std::array<uint8_t, 3>{1, 2, 3});
    CHECK(r.vga.dac_entry(0x11) == std::array<uint8_t, 3>{4, 5, 6});
    CHECK(r.in8(0x3C8) == 0x12);
    CHECK(r.in8(0x3C7) == 0x00);  // write mode
    r.out8(0x3C7, 0x11);
    CHECK(r.in8(0x3C7) == 0x03);  // read mode
    CHECK(r.in8(0x3C9) == 4);
    CHECK(r.in8(0x3C9) == 5);
    CHECK(r.in8(0x3C9) == 6);
    CHECK(r.in8(0x3C9) == r.vga.dac_entry(0x12)[0]);
    r.out8(0x3C9 - 3, 0x3F);  // pel mask 0x3C6
    CHECK(r.in8(0x3C6) == 0x3F);
    r.out8(0x3C8, 0xFF);
    r.out8(0x3C9, 0xFF);  // six bits
    CHECK(r.vga.dac_entry(0xFF)[0] == 0x3F);
    // Reset's default: the EGA palette (attribute 6 -> 0x14 is brown).
    CHECK(ega_dac_color(0x14) == std::array<uint8_t, 3>{42, 21, 0});
}

TEST_CASE("vga: Bochs VBE registers and the banked framebuffer", "[vga]") {
    VgaRig r;
    auto dispi_write = [&](uint16_t i, uint16_t v) {
        r.out16(vga::kDispiIndexPort, i);
        r.out16(vga::kDispiDataPort, v);
    };
    auto dispi_read = [&](uint16_t i) {
        r.out16(vga::kDispiIndexPort, i);
        return uint16_t(r.io.read(vga::kDispiDataPort, 2));
    };
    dispi_write(vga::DISPI_ID, vga::kDispiId0);
    CHECK(dispi_read(vga::DISPI_ID) == vga::kDispiId0);
    dispi_write(vga::DISPI_ID, 0x1234);  // not a known version: ignored
    CHECK(dispi_read(vga::DISPI_ID) == vga::kDispiId0);
    CHECK(dispi_read(vga::DISPI_VIDEO_MEMORY_64K) == r.vga.vram_size() / 0x10000);
    dispi_write(vga::DISPI_ENABLE, vga::DISPI_GETCAPS);
    CHECK(dispi_read(vga::DISPI_XRES) == vga::kDispiMaxXres);
    CHECK(dispi_read(vga::DISPI_BPP) == vga::kDispiMaxBpp);

    dispi_write(vga::DISPI_ENABLE, 0);
    dispi_write(vga::DISPI_XRES, 800);
    dispi_write(vga::DISPI_YRES, 600);
    dispi_write(vga::DISPI_BPP, 32);
    dispi_write(vga::DISPI_ENABLE, vga::DISPI_ENABLED | vga::DISPI_LFB_ENABLED);
    CHECK(r.vga.vbe_enabled());
    CHECK_FALSE(r.vga.text_mode());
    CHECK(dispi_read(vga::DISPI_XRES) == 800);
    CHECK(dispi_read(vga::DISPI_VIRT_WIDTH) == 800);
    CHECK(dispi_read(vga::DISPI_VIRT_HEIGHT) == r.vga.vram_size() / (800 * 4));
    dispi_write(vga::DISPI_XRES, 1024);  // ignored while enabled
    CHECK(dispi_read(vga::DISPI_XRES) == 800);

    // Bank 3 at A0000 is VRAM offset 0x30000, as the linear framebuffer sees it.
    dispi_write(vga::DISPI_BANK, 3);
    r.mem.write<uint32_t>(0xA0010, 0x11223344);
    CHECK(r.vga.linear_framebuffer().mmio_read(0x30010, 4) == 0x11223344);
    r.vga.linear_framebuffer().mmio_write(0x30020, 0xCAFE, 2);
    CHECK(r.mem.read<uint16_t>(0xA0020) == 0xCAFE);
    // Out of range: harmless.
    dispi_write(vga::DISPI_BANK, 0xFFFF);
    CHECK(dispi_read(vga::DISPI_BANK) == 3);
    CHECK(r.vga.linear_framebuffer().mmio_read(r.vga.vram_size(), 4) == 0xFFFFFFFF);
    r.vga.linear_framebuffer().mmio_write(0xFFFFFFFE, 0xFFFF, 4);

    dispi_write(vga::DISPI_ENABLE, 0);
    CHECK(r.vga.text_mode());
}

TEST_CASE("vga: state round-trips through visit and hashes differ when memory does", "[vga]") {
    VgaRig a, b;
    a.put_text(0, "same");
    b.put_text(0, "same");
    HashArchive ha, hb;
    a.vga.visit(ha);
    b.vga.visit(hb);
    CHECK(ha.digest() == hb.digest());
    b.put_text(1, "x");
    HashArchive hc;
    b.vga.visit(hc);
    CHECK(hc.digest() != ha.digest());

    // Save b (text, a scrolled start, a DAC colour, a VBE bank) and load it into a.
    b.crtc(vga::CR_START_LO, 1);
    b.out8(0x3C8, 9);
    for (uint8_t v : {10, 20, 30}) b.out8(0x3C9, v);
    b.out16(vga::kDispiIndexPort, vga::DISPI_BANK);
    b.out16(vga::kDispiDataPort, 2);
    HashArchive before_vbe;
    b.vga.visit(before_vbe);
    b.vga.linear_framebuffer().mmio_write(0x300000, 0xAB, 1);  // high VRAM, beyond the VGA planes
    HashArchive after_vbe;
    b.vga.visit(after_vbe);
    CHECK(before_vbe.digest() != after_vbe.digest());
    TapeArchive tape;
    b.vga.visit(tape);
    CHECK(tape.names.count("dac") == 1);
    CHECK(tape.names.count("dispi_bank") == 1);
    tape.rewind_for_loading();
    a.vga.visit(tape);
    CHECK(a.vga.text_lines() == b.vga.text_lines());
    CHECK(trimmed(a.vga.text_lines()[0]) == "xme");  // "sxme" from cell 1
    CHECK(a.vga.dac_entry(9) == std::array<uint8_t, 3>{10, 20, 30});
    CHECK(a.vga.dispi(vga::DISPI_BANK) == 2);
    CHECK(a.vga.linear_framebuffer().mmio_read(0x300000, 1) == 0xAB);
    HashArchive ha2, hb2;
    a.vga.visit(ha2);
    b.vga.visit(hb2);
    CHECK(ha2.digest() == hb2.digest());
}

TEST_CASE("vga: load_vga_bios reads option ROMs and explains failures", "[vga]") {
    const std::string dir = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
    const std::string good = dir + "/amber_vga_test_good.bin", bad = dir + "/amber_vga_test_bad.bin";
    {
        std::ofstream f(good, std::ios::binary);
        std::string rom(1024, '\0');
        rom[0] = char(0x55);
        rom[1] = char(0xAA);
        rom[2] = 2;
        f << rom;
        std::ofstream g(bad, std::ios::binary);
        g << "not a rom";
    }
    auto image = load_vga_bios(good);
    CHECK(image.size() == 1024);
    CHECK(image[2] == 2);
    CHECK_THROWS_WITH(load_vga_bios(bad), Catch::Contains("55 AA"));
    CHECK_THROWS_WITH(load_vga_bios(dir + "/amber_no_such_vgabios.bin"),
                      Catch::Contains("amber_no_such_vgabios.bin"));
    std::remove(good.c_str());
    std::remove(bad.c_str());
}

TEST_CASE("vga: a Linux vgacon-style font load through the 128 KiB map, and reading it back", "[vga]") {
    VgaRig r;
    r.put_text(0, "kept");
    r.seq(vga::SR_RESET, 0x01);
    r.seq(vga::SR_MAP_MASK, 0x04);
    r.seq(vga::SR_MEMORY_MODE, 0x07);
    r.seq(vga::SR_RESET, 0x03);
    r.gc(vga::GR_READ_MAP, 0x02);
    r.gc(vga::GR_MODE, 0x00);
    r.gc(vga::GR_MISC, 0x00);  // A0000, 128 KiB
    // Second font block of a 512-character set at plane offset 0x4000 (= A0000 + 0x4000).
    for (unsigned i = 0; i < 8192; ++i) r.mem.write8(0xA4000 + i, uint8_t(i * 7));
    unsigned mismatches = 0;
    for (unsigned i = 0; i < 8192; ++i) mismatches += r.mem.read8(0xA4000 + i) != uint8_t(i * 7);
    CHECK(mismatches == 0);
    r.seq(vga::SR_RESET, 0x01);
    r.seq(vga::SR_MAP_MASK, 0x03);
    r.seq(vga::SR_MEMORY_MODE, 0x03);
    r.seq(vga::SR_RESET, 0x03);
    r.gc(vga::GR_READ_MAP, 0x00);
    r.gc(vga::GR_MODE, 0x10);
    r.gc(vga::GR_MISC, 0x0E);
    CHECK(r.vga.plane_byte(2, 0x4000 + 100) == uint8_t(700));
    CHECK(r.vga.plane_byte(0, 0x4000 + 100) == 0);
    CHECK(trimmed(r.vga.text_lines()[0]) == "kept");
}
