// The PC board: the chipset devices of an i440FX/PIIX3-class PC wired
// together and to the CPU, as SeaBIOS and Linux expect to find them.
// build_pc() runs once on a Machine built with the PC memory layout and its
// UART and debug ports already added; the Pc it returns names the devices the
// frontend talks to (screen, keyboard, POST code).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/block_image.hpp"
#include "devices/char_backend.hpp"
#include "machine/machine.hpp"

namespace amber {

class Pic8259;
class Pit8254;
class RtcCmos;
class I8042;
class PS2Keyboard;
class PS2Mouse;
class Dma8237;
class Floppy82077;
class Vga;
class PostCodePort;
class FwCfg;
class PciHost;
class IdeController;
class Piix4Pm;

struct PcConfig {
    std::vector<uint8_t> vga_bios;                     // empty: no VGA BIOS (the card still works)
    std::array<std::unique_ptr<BlockImage>, 2> floppies;
    // IDE: 0 primary master, 1 primary slave, 2 secondary master, 3 secondary slave.
    std::array<std::unique_ptr<BlockImage>, 4> disks;
    std::unique_ptr<BlockImage> cdrom;                 // secondary master (slot 2 must be free)
    std::string boot_order = "cad";                    // a floppy, c disk, d CD
    bool boot_menu = false;                            // SeaBIOS shows "Press ESC for boot menu"
    int64_t rtc_start = 1767225600;                    // Unix seconds at power-on
    std::unique_ptr<CharBackend> bios_debug;           // port 0x402; null: not connected
};

struct Pc {
    Pic8259* pic = nullptr;
    Pit8254* pit = nullptr;
    RtcCmos* rtc = nullptr;
    I8042* kbc = nullptr;
    PS2Keyboard* keyboard = nullptr;
    PS2Mouse* mouse = nullptr;
    Dma8237* dma = nullptr;
    Floppy82077* fdc = nullptr;
    Vga* vga = nullptr;
    PostCodePort* post = nullptr;
    FwCfg* fw_cfg = nullptr;
    PciHost* pci = nullptr;
    IdeController* ide = nullptr;
    Piix4Pm* pm = nullptr;
};

// Throws std::runtime_error (ImageError for media) when the configuration
// cannot be built.
Pc build_pc(Machine& m, PcConfig cfg);

}  // namespace amber
