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

// A 64 KiB system ROM at F0000 (hand-assembled, real mode):
//   point every interrupt vector at an IRET, call the VGA BIOS's init entry
//   (C000:0003), INT 10h AX=0003 (mode 3), print `text` with AH=0Eh, exit 0.
std::vector<uint8_t> boot_rom(const std::string& text) {
    std::vector<uint8_t> rom(0x10000, 0xF4);
    const std::vector<uint8_t> code = {
        0xFA,                          // 00 cli
        0x31, 0xC0,                    // 01 xor ax,ax
        0x8E, 0xD0,                    // 03 mov ss,ax
        0xBC, 0x00, 0x70,              // 05 mov sp,0x7000
        0x8E, 0xD8,                    // 08 mov ds,ax
        0x8E, 0xC0,                    // 0A mov es,ax
        0x31, 0xFF,                    // 0C xor di,di
        0xB9, 0x00, 0x01,              // 0E mov cx,256
        0xC7, 0x05, 0x00, 0xFF,        // 11 mov word [di],0xFF00
        0xC7, 0x45, 0x02, 0x00, 0xF0,  // 15 mov word [di+2],0xF000
        0x83, 0xC7, 0x04,              // 1A add di,4
        0xE2, 0xF2,                    // 1D loop 0x11
        0x9A, 0x03, 0x00, 0x00, 0xC0,  // 1F call 0xC000:0x0003
        0xB8, 0x03, 0x00,              // 24 mov ax,3
        0xCD, 0x10,                    // 27 int 0x10
        0xBE, 0x42, 0x00,              // 29 mov si,msg
        0x2E, 0xAC,                    // 2C cs lodsb
        0x84, 0xC0,                    // 2E test al,al
        0x74, 0x09,                    // 30 jz 0x3B
        0xB4, 0x0E,                    // 32 mov ah,0x0E
        0xBB, 0x07, 0x00,              // 34 mov bx,7
        0xCD, 0x10,                    // 37 int 0x10
        0xEB, 0xF1,                    // 39 jmp 0x2C
        0xB0, 0x00,                    // 3B mov al,0
        0xBA, 0x01, 0x05,              // 3D mov dx,0x501
        0xEE,                          // 40 out dx,al
        0xF4,                          // 41 hlt
    };
    std::copy(code.begin(), code.end(), rom.begin());
    std::memcpy(&rom[0x42], text.c_str(), text.size() + 1);
    rom[0xFF00] = 0xCF;  // iret
    const uint8_t reset[] = {0xEA, 0x00, 0x00, 0x00, 0xF0};  // jmp 0xF000:0
    std::copy(std::begin(reset), std::end(reset), rom.begin() + 0xFFF0);
    return rom;
}

}  // namespace

TEST_CASE("vga: SeaBIOS's VGA BIOS sets mode 3, loads the font and prints", "[vga]") {
    MachineConfig cfg;
    cfg.cpu = CpuModel::i486;
    cfg.rom = boot_rom("Hello VGA\r\nsecond line");
    Machine m(cfg);
    Vga* vga = m.add_device(std::make_unique<Vga>(m.io(), m.memory(), [&m] { return m.cpu().ticks; },
                                                  m.scheduler().ticks_per_second()));
    m.add_device(std::make_unique<ExitPort>(m));
    // The VGA BIOS writes its own variables at run time, so it sits in RAM (shadowed), as a system BIOS puts it.
    const std::vector<uint8_t> bios = load_vga_bios(kVgaBiosPath);
    m.memory().add_ram(0xC0000, 0x10000);
    for (size_t i = 0; i < bios.size(); ++i) m.memory().write8(0xC0000 + uint32_t(i), bios[i]);
    // Scribble on the screen first, so the mode set's clearing shows.
    m.reset();
    m.memory().write8(0xB8000 + 2 * 80 * 5, '#');

    RunResult r = m.run(200'000'000);
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
