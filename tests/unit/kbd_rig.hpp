// A PC keyboard controller with a keyboard and a mouse on their own bus,
// for the [kbd] tests: IRQ edges, resets and A20 writes are recorded.
#pragma once
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <vector>

#include "devices/i8042.hpp"
#include "devices/ps2_keyboard.hpp"
#include "devices/ps2_mouse.hpp"
#include "machine/io_bus.hpp"
#include "tests/unit/tape_archive.hpp"

namespace kbd_test {

using namespace amber;

struct KbdRig {
    IoBus io;
    PS2Keyboard keyboard;
    PS2Mouse mouse;
    int irq1_edges = 0, irq12_edges = 0;
    bool irq1 = false, irq12 = false;
    int resets = 0;
    std::vector<bool> a20_writes;
    std::unique_ptr<I8042> kbc;

    explicit KbdRig(bool with_keyboard = true, bool with_mouse = true) {
        kbc = std::make_unique<I8042>(
            io, with_keyboard ? &keyboard : nullptr, with_mouse ? &mouse : nullptr,
            IrqLine([this](bool l) { irq1_edges += l && !irq1; irq1 = l; }),
            IrqLine([this](bool l) { irq12_edges += l && !irq12; irq12 = l; }),
            [this] { ++resets; }, [this](bool on) { a20_writes.push_back(on); });
    }

    uint8_t status() { return static_cast<uint8_t>(io.read(0x64, 1)); }
    void command(uint8_t c) { io.write(0x64, c, 1); }
    void data(uint8_t v) { io.write(0x60, v, 1); }
    // The way drivers read: wait for OBF (here: require it), then take the byte.
    uint8_t read() {
        REQUIRE((status() & i8042::ST_OBF) != 0);
        return static_cast<uint8_t>(io.read(0x60, 1));
    }
    // Everything waiting, as a driver's flush loop reads it.
    std::vector<uint8_t> drain() {
        std::vector<uint8_t> bytes;
        while (status() & i8042::ST_OBF) bytes.push_back(static_cast<uint8_t>(io.read(0x60, 1)));
        return bytes;
    }
    uint8_t command_with_reply(uint8_t c) {
        command(c);
        return read();
    }
    void write_command_byte(uint8_t cb) {
        command(0x60);
        data(cb);
    }
    void to_mouse(uint8_t v) {
        command(0xD4);
        data(v);
    }
};

using amber::test::TapeArchive;

using Bytes = std::vector<uint8_t>;

}  // namespace kbd_test
