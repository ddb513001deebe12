// PCI: configuration mechanism #1, the i440FX (PAM shadow RAM) and the PIIX3.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <map>
#include <vector>

#include "devices/ide_controller.hpp"
#include "devices/pci_function.hpp"
#include "devices/pci_host.hpp"
#include "devices/piix3.hpp"
#include "machine/io_bus.hpp"
#include "machine/machine.hpp"
#include "mmu/phys_memory.hpp"

using namespace amber;

namespace {

uint32_t cfg_addr(unsigned dev, unsigned fn, unsigned reg) { return 0x80000000u | dev << 11 | fn << 8 | (reg & 0xFC); }

// What a BIOS does: CONFIG_ADDRESS, then CONFIG_DATA at the register's lane.
uint32_t cfg_read(IoBus& io, unsigned dev, unsigned fn, unsigned reg, unsigned size) {
    io.write(0xCF8, cfg_addr(dev, fn, reg), 4);
    return io.read(static_cast<uint16_t>(0xCFC + (reg & 3)), size);
}
void cfg_write(IoBus& io, unsigned dev, unsigned fn, unsigned reg, uint32_t v, unsigned size) {
    io.write(0xCF8, cfg_addr(dev, fn, reg), 4);
    io.write(static_cast<uint16_t>(0xCFC + (reg & 3)), v, size);
}

struct Board {
    IoBus io;
    PhysMemory mem;
    PciHost host{io};
    I440fxHost nb{[this](uint32_t base, uint32_t size, bool r, bool w) { mem.set_shadow(base, size, r, w); }};
    std::map<unsigned, bool> isa_irq;
    Piix3Isa isa{[this](unsigned irq, bool level) { isa_irq[irq] = level; }};
    IdeController ide{io, mem, {}, {}};
    Piix3Ide pide{io, ide};
    std::vector<uint8_t> rom = std::vector<uint8_t>(0x20000);

    Board() {
        mem.add_ram(0, 0xA0000);
        for (size_t i = 0; i < rom.size(); ++i) rom[i] = static_cast<uint8_t>(i * 13 + 1);
        mem.add_rom(0xE0000, rom);
        mem.add_shadow(0xC0000, 0x40000);
        host.add(0, 0, &nb);
        host.add(1, 0, &isa);
        host.add(1, 1, &pide);
        nb.reset();
    }
};

class TestFunction final : public PciFunction {
public:
    TestFunction() : PciFunction(0x1234, 0x5678, 0x030000, 0x07) {
        set_bar(0, 0x1000000, BarKind::Memory, true);
        set_bar(2, 0x20, BarKind::Io);
        set_rom(0x10000);
        set_subsystem(0x1AF4, 0x1100);
        set_interrupt_pin(1);
        define_reg(0x40, 4, 0x11223344, 0x0000FFFF);
    }
    int remaps = 0;
    std::vector<std::pair<uint8_t, unsigned>> written;
    void set_status_for_test(uint16_t v) { set_cfg(pci::STATUS, 2, v); }

protected:
    void mapping_changed() override { ++remaps; }
    void device_config_written(uint8_t offset, unsigned size) override { written.emplace_back(offset, size); }
};

}  // namespace

TEST_CASE("A BIOS-style scan finds the i440FX and the PIIX3 functions", "[pci]") {
    Board b;
    std::map<unsigned, uint32_t> found;  // dev << 3 | fn -> vendor/device
    for (unsigned dev = 0; dev < 32; ++dev) {
        for (unsigned fn = 0; fn < 8; ++fn) {
            uint32_t id = cfg_read(b.io, dev, fn, 0, 4);
            if ((id & 0xFFFF) == 0xFFFF) {
                if (fn == 0) break;
                continue;
            }
            found[dev << 3 | fn] = id;
            if (fn == 0 && !(cfg_read(b.io, dev, 0, 0x0E, 1) & 0x80)) break;  // single-function device
        }
    }
    REQUIRE(found.size() == 3);
    CHECK(found[0 << 3 | 0] == 0x12378086);
    CHECK(found[1 << 3 | 0] == 0x70008086);
    CHECK(found[1 << 3 | 1] == 0x70108086);
    CHECK(cfg_read(b.io, 0, 0, 0x0A, 2) == 0x0600);      // host bridge
    CHECK(cfg_read(b.io, 1, 0, 0x0A, 2) == 0x0601);      // ISA bridge
    CHECK(cfg_read(b.io, 1, 1, 0x08, 4) >> 8 == 0x010180);  // IDE, bus-master capable
    CHECK(cfg_read(b.io, 0, 0, 0x0E, 1) == 0x00);
    // Word and byte lanes of CONFIG_DATA.
    CHECK(cfg_read(b.io, 0, 0, 0x02, 2) == 0x1237);
    CHECK(cfg_read(b.io, 0, 0, 0x03, 1) == 0x12);
    // Disabled cycles and other buses read ones.
    b.io.write(0xCF8, 0x00000000, 4);
    CHECK(b.io.read(0xCFC, 4) == 0xFFFFFFFFu);
    b.io.write(0xCF8, 0x80010000, 4);  // bus 1
    CHECK(b.io.read(0xCFC, 4) == 0xFFFFFFFFu);
    b.io.write(0xCF8, 0xFFFFFFFF, 4);
    CHECK(b.io.read(0xCF8, 4) == 0x80FFFFFCu);
}

TEST_CASE("BAR sizing and the IDE bus-master registers", "[pci]") {
    Board b;
    for (unsigned bar = 0; bar < 6; ++bar) {
        unsigned reg = 0x10 + 4 * bar;
        cfg_write(b.io, 1, 1, reg, 0xFFFFFFFF, 4);
        uint32_t v = cfg_read(b.io, 1, 1, reg, 4);
        if (bar == 4)
            CHECK(v == 0xFFFFFFF1u);  // 16 I/O ports
        else
            CHECK(v == 0);
    }
    cfg_write(b.io, 1, 1, 0x20, 0xC000, 4);
    CHECK(b.io.handler_at(0xC000) == nullptr);  // I/O space still off
    cfg_write(b.io, 1, 1, 0x04, pci::CMD_IO | pci::CMD_BUS_MASTER, 2);
    CHECK(b.pide.bus_master_base() == 0xC000);
    CHECK(b.io.handler_at(0xC000) == &b.pide);
    CHECK(b.io.handler_at(0xC00F) == &b.pide);
    b.io.write(0xC004, 0x12345677, 4);  // PRD address: dword aligned
    CHECK(b.io.read(0xC004, 4) == 0x12345674u);
    // Moving the BAR moves the ports.
    cfg_write(b.io, 1, 1, 0x20, 0xD000, 4);
    CHECK(b.io.handler_at(0xC000) == nullptr);
    CHECK(b.io.read(0xD004, 4) == 0x12345674u);
    cfg_write(b.io, 1, 1, 0x04, 0, 2);
    CHECK(b.io.handler_at(0xD000) == nullptr);
    // The header goes back to power-on values on reset.
    b.pide.reset();
    CHECK(cfg_read(b.io, 1, 1, 0x20, 4) == 1);
    CHECK(cfg_read(b.io, 1, 1, 0x41, 1) == 0x80);  // IDE decode enabled
}

TEST_CASE("PciFunction: masks, ROM BAR, status bits and hooks", "[pci]") {
    TestFunction f;
    f.config_write(0x00, 0xFFFFFFFF, 4);  // read-only ids
    CHECK(f.config_read(0x00, 4) == 0x56781234u);
    CHECK(f.config_read(0x2C, 4) == 0x11001AF4u);
    CHECK(f.config_read(0x3D, 1) == 1);
    f.config_write(0x10, 0xFFFFFFFF, 4);
    CHECK(f.config_read(0x10, 4) == 0xFF000008u);  // 16 MiB prefetchable memory
    f.config_write(0x18, 0xFFFFFFFF, 4);
    CHECK(f.config_read(0x18, 4) == 0xFFFFFFE1u);  // 32 I/O ports
    f.config_write(0x30, 0xFFFFFFFF, 4);
    CHECK(f.config_read(0x30, 4) == 0xFFFF0001u);  // 64 KiB ROM, enable bit writable
    CHECK(f.remaps == 3);
    CHECK_FALSE(f.rom_decoded());
    f.config_write(0x30, 0xFEB00001, 4);
    f.config_write(0x10, 0xE0000000, 4);
    CHECK_FALSE(f.rom_decoded());  // memory space off
    f.config_write(0x04, pci::CMD_MEMORY, 2);
    REQUIRE(f.rom_decoded());
    CHECK(*f.rom_decoded() == 0xFEB00000u);
    REQUIRE(f.bar_decoded(0));
    CHECK(*f.bar_decoded(0) == 0xE0000000u);
    CHECK_FALSE(f.bar_decoded(2));  // I/O space off
    int before = f.remaps;
    f.config_write(0x04, pci::CMD_MEMORY, 2);  // no change: no hook
    CHECK(f.remaps == before);
    // Interrupt line is the BIOS's scratch byte.
    f.config_write(0x3C, 0x0B, 1);
    CHECK(f.interrupt_line() == 0x0B);
    // Status: write-one-to-clear bits only.
    f.set_status_for_test(0xF900);
    f.config_write(0x06, 0x0800, 2);
    CHECK(f.config_read(0x06, 2) == 0xF100);
    // Device-specific register: mask and hook.
    f.config_write(0x40, 0xAAAAAAAA, 4);
    CHECK(f.config_read(0x40, 4) == 0x1122AAAAu);
    REQUIRE(f.written.size() == 1);
    CHECK(f.written[0] == std::pair<uint8_t, unsigned>(0x40, 4));
    f.reset_config();
    CHECK(f.config_read(0x40, 4) == 0x11223344u);
    CHECK(f.config_read(0x10, 4) == 0x00000008u);
}

TEST_CASE("i440FX PAM registers switch 0xC0000-0xFFFFF between ROM and shadow RAM", "[pci]") {
    Board b;
    struct Listener : CodeWriteListener {
        std::vector<uint32_t> pages;
        int remaps = 0;
        void code_page_written(uint32_t page) override { pages.push_back(page); }
        void mapping_changed() override { ++remaps; }
    } listener;
    b.mem.set_code_listener(&listener);

    const uint8_t rom_f0000 = b.rom[0x10000];
    CHECK(b.mem.read8(0xF0000) == rom_f0000);
    b.mem.write8(0xF0000, 0x55);  // ROM: dropped
    CHECK(b.mem.read8(0xF0000) == rom_f0000);
    CHECK(b.mem.read8(0xC0000) == 0xFF);  // nothing on the bus there
    b.mem.mark_code(0xF0000);

    // SeaBIOS style: read the two PAM dwords, set 0x33 (0x30 for PAM0), write them back.
    uint32_t lo = cfg_read(b.io, 0, 0, 0x58, 4), hi = cfg_read(b.io, 0, 0, 0x5C, 4);
    CHECK(((lo >> 8) & 0xFF) == 0x00);  // PAM0: ROM
    lo = (lo & 0xFF) | 0x30u << 8 | 0x33u << 16 | 0x33u << 24;
    hi = 0x33333333u;
    cfg_write(b.io, 0, 0, 0x58, lo, 4);
    cfg_write(b.io, 0, 0, 0x5C, hi, 4);
    CHECK(cfg_read(b.io, 0, 0, 0x59, 1) == 0x30);
    CHECK(cfg_read(b.io, 0, 0, 0x5F, 1) == 0x33);
    CHECK(b.nb.pam_route(0xF8000) == 3);
    CHECK(listener.remaps >= 1);
    REQUIRE(listener.pages.size() == 1);  // the decoded code came from the ROM
    CHECK(listener.pages[0] == 0xF0);

    CHECK(b.mem.read8(0xF0000) == 0);  // RAM copy starts empty
    b.mem.write_block(0xE0000, b.rom);  // the BIOS copies itself into the shadow
    b.mem.write8(0xC0000, 0x77);
    CHECK(b.mem.read8(0xF0000) == rom_f0000);
    CHECK(b.mem.read8(0xC0000) == 0x77);

    // Read-only shadow: reads RAM, writes dropped.
    cfg_write(b.io, 0, 0, 0x59, 0x10, 1);
    b.mem.write8(0xF0000, 0xAA);
    CHECK(b.mem.read8(0xF0000) == rom_f0000);
    CHECK(b.mem.read8(0xE0000) == b.rom[0]);  // other segments unaffected
    b.mem.write8(0xE0000, 0x99);
    CHECK(b.mem.read8(0xE0000) == 0x99);

    // Write-only shadow: reads the ROM, writes land in RAM.
    cfg_write(b.io, 0, 0, 0x5A, 0x02, 1);  // 0xC0000-0xC3FFF
    CHECK(b.mem.read8(0xC0000) == 0xFF);
    b.mem.write8(0xC0001, 0x42);
    cfg_write(b.io, 0, 0, 0x5A, 0x01, 1);
    CHECK(b.mem.read8(0xC0001) == 0x42);
    CHECK(b.mem.read8(0xC0000) == 0x77);

    // Back to ROM.
    cfg_write(b.io, 0, 0, 0x59, 0x00, 1);
    CHECK(b.mem.read8(0xF0000) == rom_f0000);
    // Reset puts every segment back to the bus.
    b.nb.reset();
    CHECK(b.mem.read8(0xE0000) == b.rom[0]);
    CHECK(cfg_read(b.io, 0, 0, 0x5E, 1) == 0);
}

TEST_CASE("i440FX SMRAM register is plain state", "[pci]") {
    Board b;
    CHECK(cfg_read(b.io, 0, 0, 0x72, 1) == 0x02);
    cfg_write(b.io, 0, 0, 0x72, 0x4A, 1);
    CHECK(cfg_read(b.io, 0, 0, 0x72, 1) == 0x4A);
    cfg_write(b.io, 0, 0, 0x72, 0x07, 1);  // C_BASE_SEG is read-only
    CHECK(cfg_read(b.io, 0, 0, 0x72, 1) == 0x02);
}

TEST_CASE("PIIX3 PIRQ routing follows the route registers", "[pci]") {
    Board b;
    IrqLine a1 = b.isa.pirq(0), a2 = b.isa.pirq(0), c = b.isa.pirq(2);
    a1.raise();
    CHECK(b.isa_irq.empty());  // routing disabled at power up
    cfg_write(b.io, 1, 0, 0x60, 0x0B, 1);
    CHECK(b.isa.route(0) == 11);
    CHECK(b.isa_irq[11]);
    a2.raise();
    a1.lower();
    CHECK(b.isa_irq[11]);  // a2 still holds the shared line
    a2.lower();
    CHECK_FALSE(b.isa_irq[11]);
    c.raise();
    cfg_write(b.io, 1, 0, 0x62, 0x0A, 1);
    CHECK(b.isa_irq[10]);
    cfg_write(b.io, 1, 0, 0x62, 0x05, 1);  // rerouted: old IRQ drops, new one rises
    CHECK_FALSE(b.isa_irq[10]);
    CHECK(b.isa_irq[5]);
    cfg_write(b.io, 1, 0, 0x62, 0x80, 1);
    CHECK_FALSE(b.isa_irq[5]);
    cfg_write(b.io, 1, 0, 0x60, 0x02, 1);  // IRQ 2 is not a valid target
    CHECK(b.isa.route(0) == -1);
    // Dword write over all four, as a BIOS may do.
    cfg_write(b.io, 1, 0, 0x60, 0x0B0B0A0A, 4);
    CHECK(b.isa.route(3) == 11);
    CHECK(cfg_read(b.io, 1, 0, 0x60, 4) == 0x0B0B0A0Au);
}

TEST_CASE("Reset control register at 0xCF9", "[pci]") {
    Board b;
    int resets = 0;
    bool hard = false;
    b.host.set_reset_callback([&](bool h) {
        ++resets;
        hard = h;
    });
    b.io.write(0xCF9, 0x02, 1);
    CHECK(resets == 0);
    CHECK(b.io.read(0xCF9, 1) == 0x02);
    b.io.write(0xCF9, 0x06, 1);
    CHECK(resets == 1);
    CHECK(hard);
}

TEST_CASE("A running CPU sees shadow RAM switches at once", "[pci]") {
    struct Port80 : IoHandler {
        uint8_t last = 0;
        uint32_t io_read(uint16_t, unsigned) override { return 0xFF; }
        void io_write(uint16_t, uint32_t v, unsigned) override { last = static_cast<uint8_t>(v); }
    } port80;
    MachineConfig cfg;
    cfg.cpu = CpuModel::i80286;
    cfg.rom.assign(4096, 0xF4);
    cfg.rom[0x800] = 0x11;
    // At F000:FFF0: mov ax,0xF000 / mov ds,ax / loop: mov al,[0xF800] / out 0x80,al / jmp loop
    const uint8_t code[] = {0xB8, 0x00, 0xF0, 0x8E, 0xD8, 0xA0, 0x00, 0xF8, 0xE6, 0x80, 0xEB, 0xF9};
    std::copy(std::begin(code), std::end(code), cfg.rom.end() - 16);
    Machine m(cfg);
    m.io().map(0x80, 1, &port80);
    m.memory().add_shadow(0xFF000, 0x1000);
    m.reset();
    m.run(1000);
    CHECK(port80.last == 0x11);
    // The chipset switches the page to RAM holding a different byte; the
    // CPU's TLB entry for it must not keep reading the ROM.
    std::vector<uint8_t> copy = cfg.rom;
    copy[0x800] = 0x22;
    m.memory().set_shadow(0xFF000, 0x1000, false, true);
    m.memory().write_block(0xFF000, copy);
    CHECK(m.memory().read8(0xFF800) == 0x11);
    m.run(1000);
    CHECK(port80.last == 0x11);
    m.memory().set_shadow(0xFF000, 0x1000, true, false);
    m.run(1000);
    CHECK(port80.last == 0x22);
    m.memory().set_shadow(0xFF000, 0x1000, false, false);
    m.run(1000);
    CHECK(port80.last == 0x11);
}
