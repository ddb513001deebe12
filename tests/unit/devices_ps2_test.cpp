// The PS/2 keyboard and mouse on their own, byte by byte, and the host
// input helpers (key names, typed text, key combinations).
#include <catch2/catch.hpp>

#include <string>

#include "kbd_rig.hpp"

using namespace amber;
using namespace kbd_test;
using ps2::Key;

namespace {

// Everything a device has queued for the controller.
Bytes take_all(PS2Device& d) {
    Bytes out;
    while (d.has_output()) out.push_back(d.take_output());
    return out;
}

Bytes to_keyboard(PS2Keyboard& k, Bytes in) {
    for (uint8_t b : in) k.receive(b);
    return take_all(k);
}

Bytes to_mouse(PS2Mouse& m, Bytes in) {
    for (uint8_t b : in) m.receive(b);
    return take_all(m);
}

}  // namespace

TEST_CASE("ps2 keyboard: commands and acknowledgements", "[kbd]") {
    PS2Keyboard k;
    CHECK(to_keyboard(k, {0xFF}) == Bytes{0xFA, 0xAA});
    CHECK(to_keyboard(k, {0xF2}) == Bytes{0xFA, 0xAB, 0x83});
    CHECK(to_keyboard(k, {0xEE}) == Bytes{0xEE});

    CHECK(to_keyboard(k, {0xED, 0x05}) == Bytes{0xFA, 0xFA});
    CHECK(k.leds() == 0x05);
    CHECK(to_keyboard(k, {0xF3, 0x20}) == Bytes{0xFA, 0xFA});
    CHECK(k.typematic() == 0x20);

    CHECK(to_keyboard(k, {0xF0, 0x01}) == Bytes{0xFA, 0xFA});
    CHECK(to_keyboard(k, {0xF0, 0x00}) == Bytes{0xFA, 0xFA, 0x01});
    CHECK(to_keyboard(k, {0xF0, 0x03}) == Bytes{0xFA, 0xFA});  // set 3 is acknowledged ...
    CHECK(to_keyboard(k, {0xF0, 0x00}) == Bytes{0xFA, 0xFA, 0x01});  // ... but not adopted
    CHECK(to_keyboard(k, {0xF0, 0x07}) == Bytes{0xFA, 0xFE});  // no such set
    CHECK(k.scancode_set() == 1);

    CHECK(to_keyboard(k, {0xF5}) == Bytes{0xFA});
    CHECK_FALSE(k.scanning());
    CHECK(k.typematic() == 0x2B);  // defaults restored
    CHECK(to_keyboard(k, {0xF4}) == Bytes{0xFA});
    CHECK(k.scanning());
    CHECK(to_keyboard(k, {0xF6}) == Bytes{0xFA});

    CHECK(to_keyboard(k, {0xF2, 0xFE}) == Bytes{0xFA, 0xAB, 0x83, 0x83});  // resend the last byte
    CHECK(to_keyboard(k, {0x42}) == Bytes{0xFE});                          // not a command

    // A command byte while an argument is awaited starts that command.
    CHECK(to_keyboard(k, {0xED, 0xF2}) == Bytes{0xFA, 0xFA, 0xAB, 0x83});
    CHECK(k.leds() == 0x05);

    CHECK(to_keyboard(k, {0xFF}) == Bytes{0xFA, 0xAA});
    CHECK(k.scancode_set() == 2);
    CHECK(k.leds() == 0);
}

TEST_CASE("ps2 keyboard: key events wait while scanning is off or an argument is due", "[kbd]") {
    PS2Keyboard k;
    CHECK(to_keyboard(k, {0xF5}) == Bytes{0xFA});
    k.tap(Key::Q);
    CHECK(take_all(k).empty());
    CHECK(k.pending_events() == 2);
    CHECK(to_keyboard(k, {0xF4}) == Bytes{0xFA, 0x15, 0xF0, 0x15});

    k.receive(0xED);
    k.tap(Key::W);
    CHECK(take_all(k) == Bytes{0xFA});
    k.receive(0x02);
    CHECK(take_all(k) == Bytes{0xFA, 0x1D, 0xF0, 0x1D});

    // The set in force when a key is sent is the one used.
    k.tap(Key::Home);
    CHECK(to_keyboard(k, {0xF0, 0x01}) == Bytes{0xFA, 0xFA, 0xE0, 0x47, 0xE0, 0xC7});
}

TEST_CASE("ps2 keyboard: scancodes of every key in both sets", "[kbd]") {
    for (unsigned i = 0; i < ps2::kKeyCount; ++i) {
        const Key key = static_cast<Key>(i);
        INFO("key " << ps2::key_name(key));
        CHECK(ps2::key_from_name(ps2::key_name(key)) == key);
        const Bytes make2 = ps2::scancodes(key, true, 2), make1 = ps2::scancodes(key, true, 1);
        REQUIRE(!make2.empty());
        // The 8042's translation of a key's set 2 bytes gives its set 1 bytes.
        for (bool pressed : {true, false}) {
            Bytes translated;
            bool brk = false;
            for (uint8_t b : ps2::scancodes(key, pressed, 2)) {
                if (b == 0xF0) {
                    brk = true;
                    continue;
                }
                translated.push_back(ps2::set2_to_set1()[b] | (brk ? 0x80 : 0));
                brk = false;
            }
            CHECK(translated == ps2::scancodes(key, pressed, 1));
        }
        if (key == Key::Pause) continue;
        // Release = make with F0 before the last byte (set 2) or bit 7 set (set 1).
        Bytes break2 = make2;
        break2.insert(break2.end() - 1, 0xF0);
        if (key != Key::PrintScreen) CHECK(ps2::scancodes(key, false, 2) == break2);
        CHECK((ps2::scancodes(key, false, 1).back() & 0x80) != 0);
        CHECK((make1.back() & 0x80) == 0);
    }
    // Distinct keys send distinct codes.
    for (unsigned a = 0; a < ps2::kKeyCount; ++a)
        for (unsigned b = a + 1; b < ps2::kKeyCount; ++b)
            CHECK(ps2::scancodes(Key(a), true, 2) != ps2::scancodes(Key(b), true, 2));
}

TEST_CASE("ps2 keyboard: key names", "[kbd]") {
    CHECK(ps2::key_from_name("Enter") == Key::Enter);
    CHECK(ps2::key_from_name("return") == Key::Enter);
    CHECK(ps2::key_from_name("ESC") == Key::Esc);
    CHECK(ps2::key_from_name("f1") == Key::F1);
    CHECK(ps2::key_from_name("f12") == Key::F12);
    CHECK(ps2::key_from_name("ctrl") == Key::LeftCtrl);
    CHECK(ps2::key_from_name("rctrl") == Key::RightCtrl);
    CHECK(ps2::key_from_name("del") == Key::Delete);
    CHECK(ps2::key_from_name("a") == Key::A);
    CHECK(ps2::key_from_name("-") == Key::Minus);
    CHECK(ps2::key_from_name("kp-") == Key::KpMinus);
    CHECK_FALSE(ps2::key_from_name("f13"));
    CHECK_FALSE(ps2::key_from_name(""));
}

TEST_CASE("ps2 keyboard: typing text", "[kbd]") {
    PS2Keyboard k;
    REQUIRE(k.type_text("aZ 1?\t\b\r\n"));
    const Bytes expected = {
        0x1C, 0xF0, 0x1C,                    // a
        0x12, 0x1A, 0xF0, 0x1A, 0xF0, 0x12,  // Shift-z
        0x29, 0xF0, 0x29,                    // space
        0x16, 0xF0, 0x16,                    // 1
        0x12, 0x4A, 0xF0, 0x4A, 0xF0, 0x12,  // Shift-/
        0x0D, 0xF0, 0x0D,                    // tab
        0x66, 0xF0, 0x66,                    // backspace
        0x5A, 0xF0, 0x5A,                    // CR LF: one Enter
    };
    CHECK(take_all(k) == expected);

    CHECK_FALSE(k.type_text("x\x80y"));  // no key for a non-ASCII byte: skipped, the rest typed
    CHECK(take_all(k) == Bytes{0x22, 0xF0, 0x22, 0x35, 0xF0, 0x35});

    REQUIRE(k.type_text("\x03\x1b"));  // ^C, ESC
    CHECK(take_all(k) == Bytes{0x14, 0x21, 0xF0, 0x21, 0xF0, 0x14, 0x76, 0xF0, 0x76});

    // Every printable ASCII character has a key.
    for (char c = ' '; c < 127; ++c) CHECK(ps2::keystroke_for(c).has_value());
}

TEST_CASE("ps2 keyboard: key combinations", "[kbd]") {
    PS2Keyboard k;
    REQUIRE(k.send_keys("ctrl-alt-delete"));
    CHECK(take_all(k) == Bytes{0x14, 0x11, 0xE0, 0x71, 0xE0, 0xF0, 0x71, 0xF0, 0x11, 0xF0, 0x14});
    REQUIRE(k.send_keys("shift+f10  kp- ctrl--"));
    CHECK(take_all(k) == Bytes{0x12, 0x09, 0xF0, 0x09, 0xF0, 0x12,
                               0x7B, 0xF0, 0x7B,
                               0x14, 0x4E, 0xF0, 0x4E, 0xF0, 0x14});

    std::string error;
    CHECK_FALSE(k.send_keys("enter ctrl-bogus", &error));
    CHECK(error == "unknown key 'bogus'");
    CHECK(take_all(k).empty());  // nothing of it was sent
}

TEST_CASE("ps2 mouse: commands, status and modes", "[kbd]") {
    PS2Mouse m;
    CHECK(to_mouse(m, {0xFF}) == Bytes{0xFA, 0xAA, 0x00});
    CHECK(to_mouse(m, {0xF2}) == Bytes{0xFA, 0x00});
    CHECK(to_mouse(m, {0xE9}) == Bytes{0xFA, 0x00, 0x02, 100});

    CHECK(to_mouse(m, {0xE8, 0x03, 0xF3, 40, 0xE7, 0xF4}) == Bytes{0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA});
    m.set_buttons(PS2Mouse::kLeft | PS2Mouse::kRight);
    take_all(m);
    CHECK(to_mouse(m, {0xE9}) == Bytes{0xFA, 0x20 | 0x10 | 0x04 | 0x01, 0x03, 40});
    CHECK(to_mouse(m, {0xE6, 0xF0, 0xE9}) == Bytes{0xFA, 0xFA, 0xFA, 0x40 | 0x20 | 0x05, 0x03, 40});

    CHECK(to_mouse(m, {0xF6, 0xE9}) == Bytes{0xFA, 0xFA, 0x05, 0x02, 100});  // back to stream mode, reporting off
    CHECK(to_mouse(m, {0x12}) == Bytes{0xFE});

    // Wrap mode echoes everything but EC (leave) and FF (reset).
    CHECK(to_mouse(m, {0xEE, 0x12, 0xF2, 0xEC, 0xF2}) == Bytes{0xFA, 0x12, 0xF2, 0xFA, 0xFA, 0x00});
}

TEST_CASE("ps2 mouse: movement packets", "[kbd]") {
    PS2Mouse m;
    m.move(10, 10, 0);
    CHECK(take_all(m).empty());  // reporting is off after reset
    CHECK(to_mouse(m, {0xF4}) == Bytes{0xFA});

    m.move(-2, 7, PS2Mouse::kRight | PS2Mouse::kMiddle);
    CHECK(take_all(m) == Bytes{0x08 | 0x02 | 0x04 | 0x10, 0xFE, 0x07});
    m.move(0, 0, PS2Mouse::kRight | PS2Mouse::kMiddle);
    CHECK(take_all(m).empty());  // nothing new
    m.move(0, 0, PS2Mouse::kRight | PS2Mouse::kMiddle, 3);  // a plain mouse has no wheel
    CHECK(take_all(m).empty());

    // A big move is split, nothing lost.
    m.move(600, -300, 0);
    CHECK(take_all(m) == Bytes{0x08 | 0x20, 0xFF, 0x00,   // 255, -256
                               0x08 | 0x20, 0xFF, 0xD4,   // 255, -44
                               0x08, 0x5A, 0x00});        // 90, 0

    // 2:1 scaling in stream mode.
    CHECK(to_mouse(m, {0xE7}) == Bytes{0xFA});
    m.move(3, -5, 0);
    CHECK(take_all(m) == Bytes{0x08 | 0x20, 0x03, 0xF7});  // 3 -> 3, -5 -> -9
    m.move(20, 0, 0);
    CHECK(take_all(m) == Bytes{0x08, 40, 0x00});
    CHECK(to_mouse(m, {0xE6}) == Bytes{0xFA});

    SECTION("remote mode: motion adds up until read data") {
        CHECK(to_mouse(m, {0xF0}) == Bytes{0xFA});
        m.move(3, 4, PS2Mouse::kLeft);
        m.move(1, 1, PS2Mouse::kLeft);
        CHECK(take_all(m).empty());
        CHECK(to_mouse(m, {0xEB}) == Bytes{0xFA, 0x09, 0x04, 0x05});
        CHECK(to_mouse(m, {0xFE}) == Bytes{0x09, 0x04, 0x05});  // resend the packet
    }
    SECTION("wheel and five buttons after the knocks") {
        CHECK(to_mouse(m, {0xF3, 200, 0xF3, 100, 0xF3, 80, 0xF2}) ==
              Bytes{0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0x03});
        m.move(1, 0, 0, 2);
        CHECK(take_all(m) == Bytes{0x08, 0x01, 0x00, 0x02});
        CHECK(to_mouse(m, {0xF3, 200, 0xF3, 200, 0xF3, 80, 0xF2}) ==
              Bytes{0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0x04});
        m.move(0, 0, PS2Mouse::kButton4, -1);
        CHECK(take_all(m) == Bytes{0x08, 0x00, 0x00, 0x1F});
        CHECK(to_mouse(m, {0xFF, 0xF2}) == Bytes{0xFA, 0xAA, 0x00, 0xFA, 0x00});  // reset forgets
    }
    SECTION("a wrong knock does nothing") {
        CHECK(to_mouse(m, {0xF3, 200, 0xF3, 80, 0xF3, 100, 0xF2}) ==
              Bytes{0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0x00});
    }
}

TEST_CASE("ps2 devices: state survives a save and load", "[kbd]") {
    PS2Keyboard k;
    k.receive(0xF0);
    k.receive(0x01);
    k.receive(0xED);  // waiting for the LED byte
    take_all(k);
    k.tap(Key::X);
    PS2Mouse m;
    to_mouse(m, {0xF3, 200, 0xF3, 100, 0xF3, 80, 0xF4});
    m.move(2, 0, 0, 0);
    m.move(0, 0, PS2Mouse::kLeft);  // queued behind the first packet

    TapeArchive tape;
    k.visit(tape);
    m.visit(tape);
    PS2Keyboard k2;
    PS2Mouse m2;
    tape.rewind_for_loading();
    k2.visit(tape);
    m2.visit(tape);

    CHECK(take_all(k2).empty());  // still waiting for the argument
    k2.receive(0x01);
    CHECK(take_all(k2) == Bytes{0xFA, 0x2D, 0xAD});
    CHECK(k2.leds() == 1);
    const Bytes packets = take_all(m);
    CHECK(packets == Bytes{0x08, 0x02, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00});
    CHECK(take_all(m2) == packets);
    CHECK(to_mouse(m2, {0xF2}) == Bytes{0xFA, 0x03});
}
