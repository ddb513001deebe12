// The 8042 keyboard controller, driven through ports 0x60/0x64 the way a
// BIOS and Linux's i8042 and atkbd/psmouse drivers do.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <vector>

#include "kbd_rig.hpp"
#include "machine/machine.hpp"

using namespace amber;
using namespace amber::i8042;
using namespace kbd_test;
using ps2::Key;

TEST_CASE("i8042: power-on state and the self tests", "[kbd]") {
    KbdRig r;
    CHECK((r.status() & (ST_OBF | ST_SYS | ST_AUX_OBF | ST_TIMEOUT)) == 0);
    CHECK((r.status() & ST_UNLOCKED) != 0);
    CHECK(r.command_with_reply(0x20) == I8042::kPowerOnCommandByte);

    CHECK(r.command_with_reply(0xAA) == 0x55);  // controller self test
    CHECK((r.status() & ST_SYS) != 0);          // ... sets the system flag
    CHECK(r.command_with_reply(0xAB) == 0x00);  // keyboard interface test
    CHECK(r.command_with_reply(0xA9) == 0x00);  // aux interface test
    CHECK(r.command_with_reply(0xA4) == 0xF1);  // no password installed
    CHECK((r.status() & ST_CMD) != 0);          // the last write went to 0x64
    r.data(0xF4);
    CHECK((r.status() & ST_CMD) == 0);
}

TEST_CASE("i8042: the command byte, its port disables and RAM", "[kbd]") {
    KbdRig r;
    r.write_command_byte(0x47);
    CHECK(r.command_with_reply(0x20) == 0x47);
    CHECK((r.status() & ST_SYS) != 0);  // follows bit 2

    // Linux's i8042_toggle_aux: A7/A8 must show in the command byte.
    r.command(0xA7);
    CHECK((r.command_with_reply(0x20) & CB_AUX_DISABLE) != 0);
    r.command(0xA8);
    CHECK((r.command_with_reply(0x20) & CB_AUX_DISABLE) == 0);
    r.command(0xAD);
    CHECK((r.command_with_reply(0x20) & CB_KBD_DISABLE) != 0);
    r.command(0xAE);
    CHECK((r.command_with_reply(0x20) & CB_KBD_DISABLE) == 0);

    r.command(0x65);  // controller RAM byte 5
    r.data(0x3C);
    CHECK(r.command_with_reply(0x25) == 0x3C);
    CHECK(r.command_with_reply(0x20) == 0x47);

    r.write_command_byte(0x00);
    CHECK((r.status() & ST_SYS) == 0);
}

TEST_CASE("i8042: keyboard reset and identify, with and without translation", "[kbd]") {
    KbdRig r;
    r.write_command_byte(CB_KBD_INT | CB_SYS | CB_TRANSLATE);
    r.data(0xFF);
    CHECK(r.irq1);
    CHECK(r.read() == 0xFA);
    CHECK(r.read() == 0xAA);  // responses pass translation unchanged
    CHECK(r.irq1_edges == 2);  // one interrupt per byte
    CHECK_FALSE(r.irq1);
    CHECK_FALSE(r.irq12);

    r.data(0xF2);
    CHECK(r.drain() == Bytes{0xFA, 0xAB, 0x41});  // what atkbd calls a translated MF2 id
    r.data(0xF0);
    r.data(0x00);
    CHECK(r.drain() == Bytes{0xFA, 0xFA, 0x41});  // set 2, translated

    r.write_command_byte(CB_KBD_INT | CB_SYS);
    r.data(0xF2);
    CHECK(r.drain() == Bytes{0xFA, 0xAB, 0x83});
    r.data(0xF0);
    r.data(0x00);
    CHECK(r.drain() == Bytes{0xFA, 0xFA, 0x02});
}

TEST_CASE("i8042: key presses arrive translated to set 1 with IRQ1", "[kbd]") {
    KbdRig r;
    r.write_command_byte(CB_KBD_INT | CB_SYS | CB_TRANSLATE);
    r.keyboard.press(Key::A);
    CHECK(r.irq1);
    CHECK((r.status() & ST_AUX_OBF) == 0);
    CHECK(r.read() == 0x1E);
    CHECK_FALSE(r.irq1);
    r.keyboard.release(Key::A);
    CHECK(r.read() == 0x9E);  // F0 1C folded into one byte
    r.keyboard.tap(Key::RightCtrl);
    CHECK(r.drain() == Bytes{0xE0, 0x1D, 0xE0, 0x9D});
    r.keyboard.tap(Key::Up);
    CHECK(r.drain() == Bytes{0xE0, 0x48, 0xE0, 0xC8});
    r.keyboard.tap(Key::F7);  // set 2 code 0x83: the one code above 0x7F
    CHECK(r.drain() == Bytes{0x41, 0xC1});
    r.keyboard.tap(Key::PrintScreen);
    CHECK(r.drain() == Bytes{0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA});
    r.keyboard.press(Key::Pause);
    CHECK(r.drain() == Bytes{0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5});
    CHECK(r.irq1_edges == 1 + 1 + 4 + 4 + 2 + 8 + 6);

    SECTION("the keyboard's own set 1 is not what translation makes of set 2") {
        r.write_command_byte(CB_KBD_INT | CB_SYS);  // raw
        r.keyboard.tap(Key::A);
        CHECK(r.drain() == Bytes{0x1C, 0xF0, 0x1C});
        r.data(0xF0);
        r.data(0x01);
        CHECK(r.drain() == Bytes{0xFA, 0xFA});
        r.keyboard.tap(Key::A);
        CHECK(r.drain() == Bytes{0x1E, 0x9E});
    }
}

TEST_CASE("i8042: a slow reader loses nothing and sees one byte per read", "[kbd]") {
    KbdRig r;
    r.write_command_byte(CB_KBD_INT | CB_SYS | CB_TRANSLATE);
    REQUIRE(r.keyboard.type_text("Hi!\n"));
    // The byte waits in the buffer until the guest reads it; status reads change nothing.
    for (int i = 0; i < 5; ++i) CHECK((r.status() & ST_OBF) != 0);
    CHECK(r.irq1_edges == 1);
    const Bytes expected = {
        0x2A, 0x23, 0xA3, 0xAA,              // Shift, h
        0x17, 0x97,                          // i
        0x2A, 0x02, 0x82, 0xAA,              // Shift, 1
        0x1C, 0x9C,                          // Enter
    };
    CHECK(r.drain() == expected);
    CHECK(r.irq1_edges == static_cast<int>(expected.size()));
    // An empty buffer reads as its last byte.
    CHECK(r.io.read(0x60, 1) == 0x9C);
}

TEST_CASE("i8042: paced, a second read of port 0x60 sees the same byte", "[kbd]") {
    Scheduler sched;  // outlives the controller
    uint64_t now = 0;
    KbdRig r;
    r.kbc->set_pacing(sched, [&] { return now; }, 1000);
    r.write_command_byte(CB_KBD_INT | CB_SYS | CB_TRANSLATE);
    r.keyboard.tap(Key::Left);  // E0 4B, E0 CB
    CHECK(r.irq1);              // an empty buffer takes the first byte at once
    CHECK(r.read() == 0xE0);
    CHECK_FALSE(r.irq1);
    now = 10;
    // An INT 9 hook read it; the BIOS handler it chains to reads it again.
    CHECK((r.status() & ST_OBF) == 0);
    CHECK(r.io.read(0x60, 1) == 0xE0);
    now = 999;
    sched.run_due(now);
    CHECK((r.status() & ST_OBF) == 0);
    now = 1000;
    sched.run_due(now);
    CHECK(r.irq1);
    CHECK(r.read() == 0x4B);
    Bytes rest;
    for (int i = 0; i < 2; ++i) {
        now += 1000;
        sched.run_due(now);
        rest.push_back(r.read());
    }
    CHECK(rest == Bytes{0xE0, 0xCB});
    CHECK(r.irq1_edges == 4);
    now += 1000;
    sched.run_due(now);
    CHECK((r.status() & ST_OBF) == 0);

    // A reset ends the gap.
    r.keyboard.tap(Key::A);
    r.read();
    r.kbc->reset();
    r.write_command_byte(CB_SYS | CB_TRANSLATE);
    CHECK(r.read() == 0x9E);
}

TEST_CASE("i8042: a disabled keyboard port holds the bytes back", "[kbd]") {
    KbdRig r;
    r.write_command_byte(CB_KBD_INT | CB_SYS | CB_TRANSLATE | CB_KBD_DISABLE);
    r.keyboard.tap(Key::Esc);
    CHECK((r.status() & ST_OBF) == 0);
    CHECK_FALSE(r.irq1);
    r.command(0xAE);
    CHECK(r.drain() == Bytes{0x01, 0x81});

    SECTION("without the interrupt enable the guest polls") {
        r.write_command_byte(CB_SYS | CB_TRANSLATE);
        r.keyboard.tap(Key::Space);
        CHECK_FALSE(r.irq1);
        CHECK(r.drain() == Bytes{0x39, 0xB9});
    }
    SECTION("a byte written to the keyboard enables its port again") {
        r.command(0xAD);
        r.data(0xEE);  // echo
        CHECK(r.read() == 0xEE);
        CHECK((r.command_with_reply(0x20) & CB_KBD_DISABLE) == 0);
    }
}

TEST_CASE("i8042: controller replies come before queued device bytes", "[kbd]") {
    KbdRig r;
    r.write_command_byte(CB_KBD_INT | CB_SYS | CB_TRANSLATE);
    r.keyboard.tap(Key::B);   // 0x30 sits in the buffer, 0xB0 waits
    r.command(0x20);          // its answer queues behind the byte in the buffer
    CHECK(r.drain() == Bytes{0x30, 0x45, 0xB0});
}

TEST_CASE("i8042: mouse on the aux port, with IRQ12 and AUX OBF", "[kbd]") {
    KbdRig r;
    r.command(0xA8);
    r.write_command_byte(CB_KBD_INT | CB_AUX_INT | CB_SYS | CB_TRANSLATE);

    r.to_mouse(0xFF);
    CHECK(r.irq12);
    CHECK_FALSE(r.irq1);
    CHECK((r.status() & ST_AUX_OBF) != 0);
    CHECK(r.drain() == Bytes{0xFA, 0xAA, 0x00});  // the aux port is not translated
    CHECK(r.irq12_edges == 3);

    // psmouse's IntelliMouse probe: rates 200, 100, 80, then read the id.
    for (uint8_t rate : {200, 100, 80}) {
        r.to_mouse(0xF3);
        r.to_mouse(rate);
    }
    CHECK(r.drain() == Bytes{0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA});
    r.to_mouse(0xF2);
    CHECK(r.drain() == Bytes{0xFA, 0x03});

    r.to_mouse(0xF4);
    CHECK(r.drain() == Bytes{0xFA});
    const int before = r.irq12_edges;
    r.mouse.move(5, -3, PS2Mouse::kLeft, -1);
    CHECK((r.status() & ST_AUX_OBF) != 0);
    CHECK(r.drain() == Bytes{0x29, 0x05, 0xFD, 0xFF});
    CHECK(r.irq12_edges == before + 4);
    CHECK(r.irq1_edges == 0);

    SECTION("keyboard and mouse bytes share the buffer without mixing up") {
        r.keyboard.tap(Key::Z);
        r.mouse.move(1, 1, 0);
        std::vector<std::pair<uint8_t, bool>> got;
        while (r.status() & ST_OBF) {
            bool aux = r.status() & ST_AUX_OBF;
            got.emplace_back(static_cast<uint8_t>(r.io.read(0x60, 1)), aux);
        }
        // The keyboard goes first while it has bytes.
        CHECK(got == std::vector<std::pair<uint8_t, bool>>{
                         {0x2C, false}, {0xAC, false}, {0x08, true}, {0x01, true}, {0x01, true}, {0x00, true}});
    }
    SECTION("a disabled aux port holds the packets back") {
        r.command(0xA7);
        r.mouse.move(1, 0, 0);
        CHECK((r.status() & ST_OBF) == 0);
        r.command(0xA8);
        CHECK(r.drain() == Bytes{0x08, 0x01, 0x00, 0x00});
    }
}

TEST_CASE("i8042: D2/D3 put bytes in the buffer as if from a device", "[kbd]") {
    KbdRig r;
    r.write_command_byte(CB_KBD_INT | CB_AUX_INT | CB_SYS | CB_TRANSLATE);
    r.command(0xD3);  // Linux's aux loopback test
    r.data(0x5A);
    CHECK((r.status() & ST_AUX_OBF) != 0);
    CHECK(r.irq12);
    CHECK(r.read() == 0x5A);
    r.command(0xD2);
    r.data(0x1C);
    CHECK((r.status() & ST_AUX_OBF) == 0);
    CHECK(r.irq1);
    CHECK(r.read() == 0x1C);  // not translated: it never came from the keyboard
}

TEST_CASE("i8042: nothing on a port means timeout and FE", "[kbd]") {
    KbdRig r(true, false);
    r.to_mouse(0xF2);
    CHECK((r.status() & (ST_TIMEOUT | ST_AUX_OBF)) == (ST_TIMEOUT | ST_AUX_OBF));
    CHECK(r.read() == 0xFE);
    r.data(0xF2);  // the keyboard is there
    CHECK((r.status() & ST_TIMEOUT) == 0);
    CHECK(r.drain() == Bytes{0xFA, 0xAB, 0x41});

    KbdRig none(false, false);
    none.data(0xFF);
    CHECK((none.status() & ST_TIMEOUT) != 0);
    CHECK(none.read() == 0xFE);
}

TEST_CASE("i8042: A20 through the output port and DD/DF", "[kbd]") {
    KbdRig r;
    CHECK((r.command_with_reply(0xD0) & (OUT_RESET | OUT_A20)) == (OUT_RESET | OUT_A20));

    r.command(0xD1);  // the classic A20 disable / enable
    r.data(0xDD);
    CHECK(r.a20_writes == std::vector<bool>{false});
    CHECK((r.command_with_reply(0xD0) & OUT_A20) == 0);
    r.command(0xD1);
    r.data(0xDF);
    CHECK(r.a20_writes == std::vector<bool>{false, true});
    CHECK((r.command_with_reply(0xD0) & OUT_A20) != 0);

    r.command(0xDD);
    r.command(0xDF);
    CHECK(r.a20_writes == std::vector<bool>{false, true, false, true});
    CHECK(r.resets == 0);

    // The output port shows the buffer-full lines.
    r.command(0xD0);
    CHECK((r.kbc->output_port() & OUT_KBD_OBF) != 0);
    r.read();
}

TEST_CASE("i8042: resetting the system", "[kbd]") {
    KbdRig r;
    r.command(0xFF);  // pulses nothing
    r.command(0xFD);  // pulses A20 only
    CHECK(r.resets == 0);
    r.command(0xFE);
    CHECK(r.resets == 1);
    r.command(0xF0);
    CHECK(r.resets == 2);
    r.command(0xD1);
    r.data(0xDE);  // reset line low
    CHECK(r.resets == 3);
    CHECK(r.a20_writes == std::vector<bool>{true});
}

TEST_CASE("i8042: reset() and a save/load round trip", "[kbd]") {
    KbdRig r;
    r.write_command_byte(CB_KBD_INT | CB_SYS | CB_TRANSLATE);
    r.keyboard.type_text("ab");
    CHECK(r.read() == 0x1E);
    r.command(0x61);  // a data byte is pending
    TapeArchive tape;
    r.kbc->visit(tape);
    r.keyboard.visit(tape);

    KbdRig copy;
    tape.rewind_for_loading();
    copy.kbc->visit(tape);
    copy.keyboard.visit(tape);
    copy.data(0x77);  // completes the pending write into RAM byte 1
    CHECK(copy.drain() == Bytes{0x9E, 0x30, 0xB0});
    CHECK(copy.command_with_reply(0x21) == 0x77);

    r.kbc->reset();  // the byte in the buffer is gone; the keyboard still has 'b' to send
    CHECK((r.status() & ST_SYS) == 0);
    CHECK(r.drain() == Bytes{0x30, 0xB0});
    CHECK(r.command_with_reply(0x20) == I8042::kPowerOnCommandByte);
}

TEST_CASE("i8042: a guest on a whole machine self-tests it and turns A20 off", "[kbd]") {
    // A 4 KiB ROM whose reset vector holds `code`; the rest is HLT.
    auto rom_with = [](std::vector<uint8_t> code) {
        std::vector<uint8_t> rom(4096, 0xF4);
        std::copy(code.begin(), code.end(), rom.end() - 16);
        return rom;
    };
    MachineConfig cfg;
    cfg.rom = rom_with({
        0xB0, 0xAA, 0xE6, 0x64,  // mov al,0xAA / out 0x64,al   (self test)
        0xE4, 0x60,              // in al,0x60                  (0x55)
        0x88, 0xC4,              // mov ah,al
        0xB0, 0xD1, 0xE6, 0x64,  // mov al,0xD1 / out 0x64,al   (write output port)
        0xB0, 0xDD, 0xE6, 0x60,  // mov al,0xDD / out 0x60,al   (A20 off)
    });
    Machine m(cfg);
    auto* keyboard = m.add_device(std::make_unique<PS2Keyboard>());
    int resets = 0;
    m.add_device(std::make_unique<I8042>(m.io(), keyboard, nullptr, IrqLine{}, IrqLine{}, [&] { ++resets; },
                                         [&m](bool on) { m.cpu().set_a20(on); }));
    m.reset();
    REQUIRE(m.cpu().a20());
    m.run(8);
    CHECK(m.cpu().reg<uint8_t>(4) == 0x55);  // AH
    CHECK_FALSE(m.cpu().a20());
    CHECK(resets == 0);
}
