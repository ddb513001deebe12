// The keys of a PC/AT keyboard (US layout, 101/102/104 keys) and their
// scancodes in sets 1 and 2, for a PS/2 keyboard fed by the host or by
// automation. One table gives both sets; the 8042's set 2 -> set 1
// translation table is derived from it, so the two can never disagree.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace amber::ps2 {

enum class Key : uint8_t {
    Esc, F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12,
    Grave, D1, D2, D3, D4, D5, D6, D7, D8, D9, D0, Minus, Equal, Backspace,
    Tab, Q, W, E, R, T, Y, U, I, O, P, LeftBracket, RightBracket, Backslash,
    CapsLock, A, S, D, F, G, H, J, K, L, Semicolon, Apostrophe, Enter,
    LeftShift, Z, X, C, V, B, N, M, Comma, Period, Slash, RightShift,
    LeftCtrl, LeftMeta, LeftAlt, Space, RightAlt, RightMeta, Menu, RightCtrl,
    NonUsBackslash,  // the 102nd key, left of Z on ISO keyboards
    PrintScreen, ScrollLock, Pause,
    Insert, Home, PageUp, Delete, End, PageDown, Up, Left, Down, Right,
    NumLock, KpSlash, KpStar, KpMinus, KpPlus, KpEnter, KpPeriod,
    Kp0, Kp1, Kp2, Kp3, Kp4, Kp5, Kp6, Kp7, Kp8, Kp9,
    Count
};
constexpr unsigned kKeyCount = static_cast<unsigned>(Key::Count);

// The bytes a key sends in scancode set 1 or 2 when pressed or released.
// Pause sends its whole sequence on press and nothing on release, as the
// real key does.
std::vector<uint8_t> scancodes(Key key, bool pressed, unsigned set);

// A key by name, case-insensitive: "a", "enter", "esc", "f1", "ctrl"
// (left), "rctrl", "alt", "altgr", "shift", "del", "pgup", "kp5", "-",
// "minus", ... nullopt for an unknown name.
std::optional<Key> key_from_name(std::string_view name);
std::string_view key_name(Key key);

// The key (and whether Shift or Ctrl is held) that types an ASCII character
// on a US layout; '\n' and '\r' are Enter, '\t' Tab, '\b' Backspace,
// ESC (0x1B) Esc, and the other control characters 0x01-0x1A Ctrl+letter.
struct Keystroke {
    Key key;
    bool shift = false;
    bool ctrl = false;
    bool alt = false;  // never set by keystroke_for; a terminal's ESC prefix
};
std::optional<Keystroke> keystroke_for(char c);

// The 8042's translation of set 2 bytes into set 1 (the F0 break prefix is
// handled by the controller, which sets bit 7 of the byte that follows).
const std::array<uint8_t, 256>& set2_to_set1();

}  // namespace amber::ps2
