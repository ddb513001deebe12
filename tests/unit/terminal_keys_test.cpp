// The terminal's bytes turned back into keys for the PS/2 keyboard.
#include <catch2/catch.hpp>

#include <string_view>
#include <vector>

#include "frontend/terminal_keys.hpp"

using amber::ps2::Keystroke;
using amber::cli::TerminalKeyDecoder;
using amber::ps2::Key;

namespace {

std::vector<Keystroke> decode(std::string_view bytes, bool flush = true) {
    std::vector<Keystroke> keys;
    TerminalKeyDecoder d([&](const Keystroke& k) { keys.push_back(k); });
    for (char c : bytes) d.feed(static_cast<uint8_t>(c));
    if (flush) d.flush();
    return keys;
}

bool is(const Keystroke& k, Key key, bool shift = false, bool ctrl = false, bool alt = false) {
    return k.key == key && k.shift == shift && k.ctrl == ctrl && k.alt == alt;
}

}  // namespace

TEST_CASE("terminal keys: text, Enter, Backspace and control characters", "[terminal_keys]") {
    auto keys = decode("lS\r\x7f\x03\t");
    REQUIRE(keys.size() == 6);
    CHECK(is(keys[0], Key::L));
    CHECK(is(keys[1], Key::S, true));
    CHECK(is(keys[2], Key::Enter));
    CHECK(is(keys[3], Key::Backspace));
    CHECK(is(keys[4], Key::C, false, true));
    CHECK(is(keys[5], Key::Tab));
}

TEST_CASE("terminal keys: cursor, editing and function keys in both forms", "[terminal_keys]") {
    auto keys = decode("\x1b[A\x1b[D\x1bOH\x1b[4~\x1b[3~\x1b[6~\x1bOP\x1b[15~\x1b[24~");
    const Key want[] = {Key::Up, Key::Left, Key::Home, Key::End, Key::Delete, Key::PageDown, Key::F1, Key::F5, Key::F12};
    REQUIRE(keys.size() == std::size(want));
    for (size_t i = 0; i < keys.size(); ++i) CHECK(is(keys[i], want[i]));
}

TEST_CASE("terminal keys: xterm modifiers and Alt as an ESC prefix", "[terminal_keys]") {
    auto keys = decode("\x1b[1;5C\x1b[1;2A\x1b[15;3~\x1bx");
    REQUIRE(keys.size() == 4);
    CHECK(is(keys[0], Key::Right, false, true));
    CHECK(is(keys[1], Key::Up, true));
    CHECK(is(keys[2], Key::F5, false, false, true));
    CHECK(is(keys[3], Key::X, false, false, true));
}

TEST_CASE("terminal keys: a lone ESC is Esc once the input pauses; unknown sequences type nothing", "[terminal_keys]") {
    CHECK(decode("\x1b", false).empty());
    auto keys = decode("\x1b");
    REQUIRE(keys.size() == 1);
    CHECK(is(keys[0], Key::Esc));
    keys = decode("\x1b\x1b[B");
    REQUIRE(keys.size() == 2);
    CHECK(is(keys[0], Key::Esc));
    CHECK(is(keys[1], Key::Down));
    CHECK(decode("\x1b[99~\x1b[Z").empty());
    keys = decode("\x1b[200~a");  // a bracketed-paste start is no key; what follows still types
    REQUIRE(keys.size() == 1);
    CHECK(is(keys[0], Key::A));
}
