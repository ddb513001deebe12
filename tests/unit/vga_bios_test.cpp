// The VGA under the real VGA BIOS the machine will run (SeaBIOS's stdvga
// build, from Debian's seabios package, which setup.sh installs): the BIOS
// initialises the card, sets mode 3 through INT 10h (which loads the font
// into plane 2) and prints with teletype output; the text must come out of
// text_lines().
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "devices/exit_port.hpp"
#include "devices/vga.hpp"
#include "frontend/vga_console.hpp"
#include "machine/machine.hpp"

using namespace amber;

namespace {

constexpr const char* kVgaBiosPath = "/usr/share/seabios/vgabios-stdvga.bin";

struct Int10 {
    uint16_t ax, bx;
};

// A 64 KiB system ROM at F0000, hand-assembled real-mode code: point every
// interrupt vector at an IRET, call the VGA BIOS's init entry (C000:0003),
// make each INT 10h call in `calls`, print `text` with teletype output
// (AH=0Eh), then exit through port 0x501 with AL as the last call left it
// (0 after printing).
std::vector<uint8_t> boot_rom(const std::vector<Int10>& calls, const std::string& text) {
    std::vector<uint8_t> rom(0x10000, 0xF4);
    std::vector<uint8_t> c = {
        0xFA,                          // cli
        0x31, 0xC0,                    // xor ax,ax
        0x8E, 0xD0,                    // mov ss,ax
        0xBC, 0x00, 0x70,              // mov sp,0x7000
        0x8E, 0xD8,                    // mov ds,ax
        0x8E, 0xC0,                    // mov es,ax
        0x31, 0xFF,                    // xor di,di
        0xB9, 0x00, 0x01,              // mov cx,256
        0xC7, 0x05, 0x00, 0xFF,        // fill: mov word [di],0xFF00
        0xC7, 0x45, 0x02, 0x00, 0xF0,  // mov word [di+2],0xF000
        0x83, 0xC7, 0x04,              // add di,4
        0xE2, 0xF2,                    // loop fill
        0x9A, 0x03, 0x00, 0x00, 0xC0,  // call 0xC000:0x0003
    };
    for (const Int10& call : calls) {
        c.insert(c.end(), {0xB8, uint8_t(call.ax), uint8_t(call.ax >> 8)});  // mov ax,imm
        c.insert(c.end(), {0xBB, uint8_t(call.bx), uint8_t(call.bx >> 8)});  // mov bx,imm
        c.insert(c.end(), {0xCD, 0x10});                                     // int 0x10
    }
    if (!text.empty()) {
        const size_t msg_at = c.size() + 23;  // right after the code below
        c.insert(c.end(), {0xBE, uint8_t(msg_at), uint8_t(msg_at >> 8)});  // mov si,msg
        c.insert(c.end(), {
            0x2E, 0xAC,        // next: cs lodsb
            0x84, 0xC0,        // test al,al
            0x74, 0x09,        // jz done
            0xB4, 0x0E,        // mov ah,0x0E
            0xBB, 0x07, 0x00,  // mov bx,7
            0xCD, 0x10,        // int 0x10
            0xEB, 0xF1,        // jmp next
        });                    // done:
    }
    c.insert(c.end(), {0xBA, 0x01, 0x05, 0xEE, 0xF4});  // mov dx,0x501; out dx,al; hlt
    if (!text.empty()) c.insert(c.end(), text.begin(), text.end() + 1);
    std::copy(c.begin(), c.end(), rom.begin());
    rom[0xFF00] = 0xCF;  // iret
    const uint8_t reset[] = {0xEA, 0x00, 0x00, 0x00, 0xF0};  // jmp 0xF000:0
    std::copy(std::begin(reset), std::end(reset), rom.begin() + 0xFFF0);
    return rom;
}

struct BiosRig {
    std::unique_ptr<Machine> m;
    Vga* vga = nullptr;
    RunResult result;

    BiosRig(const std::vector<Int10>& calls, const std::string& text, uint8_t scribble = 0) {
        MachineConfig cfg;
        cfg.cpu = CpuModel::i486;
        cfg.rom = boot_rom(calls, text);
        m = std::make_unique<Machine>(cfg);
        Machine& mr = *m;
        vga = m->add_device(std::make_unique<Vga>(m->io(), m->memory(), [&mr] { return mr.cpu().ticks; },
                                                  m->scheduler().ticks_per_second()));
        m->add_device(std::make_unique<ExitPort>(*m));
        // The VGA BIOS writes its own variables at run time, so it sits in
        // RAM (shadowed), where a system BIOS would copy it.
        const std::vector<uint8_t> bios = load_vga_bios(kVgaBiosPath);
        m->memory().add_ram(0xC0000, 0x10000);
        for (size_t i = 0; i < bios.size(); ++i) m->memory().write8(0xC0000 + uint32_t(i), bios[i]);
        m->reset();
        if (scribble) m->memory().write8(0xB8000 + 2 * 80 * 5, scribble);
        result = m->run(400'000'000);
    }
};

}  // namespace

TEST_CASE("vga: SeaBIOS's VGA BIOS sets mode 3, loads the font and prints", "[vga]") {
    // Scribble on the screen first, so the mode set's clearing shows.
    BiosRig rig({{0x0003, 0}}, "Hello VGA\r\nsecond line", '#');
    const RunResult& r = rig.result;
    Vga* vga = rig.vga;
    INFO(r.message);
    REQUIRE(r.reason == StopReason::GuestExit);
    CHECK(r.exit_code == 0);

    REQUIRE(vga->text_mode());
    const VgaTextScreen s = vga->text_screen();
    CHECK(s.cols == 80);
    CHECK(s.rows == 25);
    const std::string dump = cli::dump_text(*vga);
    CHECK(dump.rfind("Hello VGA\nsecond line\n\n\n\n\n", 0) == 0);  // row 5's '#' was cleared
    CHECK(s.attr_at(0, 0) == 0x07);
    CHECK(s.cursor_visible);
    CHECK(s.cursor_row == 1);
    CHECK(s.cursor_col == 11);
    // Mode 3's registers, as the BIOS programmed them.
    CHECK(vga->misc() == 0x67);
    CHECK(vga->crtc(vga::CR_OFFSET) == 0x28);
    CHECK(vga->gc(vga::GR_MISC) == 0x0E);
    // The 8x16 font went into plane 2 (32 bytes per character): 'A' has
    // ink, the space has none, and every glyph is within 16 lines.
    unsigned ink_a = 0, ink_space = 0, beyond = 0;
    for (unsigned line = 0; line < 32; ++line) {
        const unsigned a = vga->plane_byte(2, 'A' * 32 + line), sp = vga->plane_byte(2, ' ' * 32 + line);
        if (line < 16) ink_a += a != 0, ink_space += sp != 0;
        else beyond += a != 0;
    }
    CHECK(ink_a >= 6);
    CHECK(ink_space == 0);
    CHECK(beyond == 0);
    // The DAC got the BIOS's palette: colour 7 is light grey (42,42,42), colour 0x3F white.
    CHECK(vga->dac_entry(7) == std::array<uint8_t, 3>{42, 42, 42});
    CHECK(vga->dac_entry(0x3F) == std::array<uint8_t, 3>{63, 63, 63});
    // The BIOS found the VBE extension.
    CHECK(vga->dispi(vga::DISPI_ID) == vga::kDispiId5);
}

TEST_CASE("vga: SeaBIOS draws text in planar mode 12h through the write pipeline", "[vga]") {
    // 'A' in white at column 0, 'B' in green (plane 1 only) at column 1.
    BiosRig rig({{0x0012, 0}, {0x0E41, 0x000F}, {0x0E42, 0x0002}}, "");
    INFO(rig.result.message);
    REQUIRE(rig.result.reason == StopReason::GuestExit);
    Vga& vga = *rig.vga;
    CHECK_FALSE(vga.text_mode());
    CHECK(vga.text_lines().empty());
    unsigned ink_a = 0, ink_b = 0, stray = 0;
    for (unsigned line = 0; line < 16; ++line) {
        const uint32_t off = line * 80;  // 640 pixels per line, 8 per byte
        const uint8_t a = vga.plane_byte(0, off);
        ink_a += a != 0;
        for (unsigned p = 1; p < 4; ++p) stray += vga.plane_byte(p, off) != a;  // white: all planes alike
        ink_b += vga.plane_byte(1, off + 1) != 0;
        stray += vga.plane_byte(0, off + 1) + vga.plane_byte(2, off + 1) + vga.plane_byte(3, off + 1);
    }
    CHECK(ink_a >= 6);
    CHECK(ink_b >= 6);
    CHECK(stray == 0);
}

TEST_CASE("vga: SeaBIOS draws text in chain-4 mode 13h", "[vga]") {
    BiosRig rig({{0x0013, 0}, {0x0E41, 0x000E}}, "");
    INFO(rig.result.message);
    REQUIRE(rig.result.reason == StopReason::GuestExit);
    Vga& vga = *rig.vga;
    CHECK_FALSE(vga.text_mode());
    unsigned yellow = 0, other = 0;
    for (unsigned y = 0; y < 8; ++y)
        for (unsigned x = 0; x < 8; ++x) {
            const uint8_t px = rig.m->memory().read8(0xA0000 + y * 320 + x);
            yellow += px == 0x0E;
            other += px != 0x0E && px != 0;
        }
    CHECK(yellow >= 10);
    CHECK(other == 0);
}

TEST_CASE("vga: SeaBIOS sets a VBE mode through dispi, and mode 3 comes back", "[vga]") {
    {
        BiosRig rig({{0x4F02, 0x4112}}, "");  // 640x480, linear framebuffer
        INFO(rig.result.message);
        REQUIRE(rig.result.reason == StopReason::GuestExit);
        CHECK(rig.result.exit_code == 0x4F);  // AL=4Fh: function supported
        Vga& vga = *rig.vga;
        CHECK(vga.vbe_enabled());
        CHECK_FALSE(vga.text_mode());
        CHECK(vga.dispi(vga::DISPI_XRES) == 640);
        CHECK(vga.dispi(vga::DISPI_YRES) == 480);
        CHECK(vga.dispi(vga::DISPI_BPP) == 24);
        CHECK((vga.dispi(vga::DISPI_ENABLE) & vga::DISPI_LFB_ENABLED));
    }
    BiosRig rig({{0x4F02, 0x4112}, {0x0003, 0}}, "back in text");
    INFO(rig.result.message);
    REQUIRE(rig.result.reason == StopReason::GuestExit);
    CHECK_FALSE(rig.vga->vbe_enabled());
    REQUIRE(rig.vga->text_mode());
    CHECK(cli::dump_text(*rig.vga).rfind("back in text\n", 0) == 0);
}

TEST_CASE("vga: SeaBIOS's 40-column and monochrome text modes", "[vga]") {
    {
        BiosRig rig({{0x0001, 0}}, "forty");  // 40x25 colour
        INFO(rig.result.message);
        REQUIRE(rig.result.reason == StopReason::GuestExit);
        const VgaTextScreen s = rig.vga->text_screen();
        CHECK(s.cols == 40);
        CHECK(s.rows == 25);
        CHECK(cli::dump_text(*rig.vga).rfind("forty\n", 0) == 0);
    }
    BiosRig rig({{0x0007, 0}}, "mono");  // 80x25 monochrome: memory at B0000, CRTC at 0x3B4
    INFO(rig.result.message);
    REQUIRE(rig.result.reason == StopReason::GuestExit);
    CHECK((rig.vga->misc() & vga::MISC_COLOR_IO) == 0);
    CHECK(rig.m->memory().read8(0xB0000) == 'm');
    const VgaTextScreen s = rig.vga->text_screen();
    CHECK(s.cols == 80);
    CHECK(s.rows == 25);
    CHECK(cli::dump_text(*rig.vga).rfind("mono\n", 0) == 0);
    CHECK(s.cursor_visible);
    CHECK(s.cursor_col == 4);
}
