#include "devices/ps2_keys.hpp"

#include <cctype>
#include <string>

namespace amber::ps2 {

namespace {

struct KeyInfo {
    Key key;
    std::string_view name;
    uint8_t set1;
    uint8_t set2;
    bool extended;  // sent after an E0 prefix in both sets
};

// In Key order (checked below). PrintScreen and Pause have sequences of
// their own; their codes here are the ones the translation table needs.
constexpr KeyInfo kKeys[] = {
    {Key::Esc, "esc", 0x01, 0x76, false},
    {Key::F1, "f1", 0x3B, 0x05, false},
    {Key::F2, "f2", 0x3C, 0x06, false},
    {Key::F3, "f3", 0x3D, 0x04, false},
    {Key::F4, "f4", 0x3E, 0x0C, false},
    {Key::F5, "f5", 0x3F, 0x03, false},
    {Key::F6, "f6", 0x40, 0x0B, false},
    {Key::F7, "f7", 0x41, 0x83, false},
    {Key::F8, "f8", 0x42, 0x0A, false},
    {Key::F9, "f9", 0x43, 0x01, false},
    {Key::F10, "f10", 0x44, 0x09, false},
    {Key::F11, "f11", 0x57, 0x78, false},
    {Key::F12, "f12", 0x58, 0x07, false},
    {Key::Grave, "`", 0x29, 0x0E, false},
    {Key::D1, "1", 0x02, 0x16, false},
    {Key::D2, "2", 0x03, 0x1E, false},
    {Key::D3, "3", 0x04, 0x26, false},
    {Key::D4, "4", 0x05, 0x25, false},
    {Key::D5, "5", 0x06, 0x2E, false},
    {Key::D6, "6", 0x07, 0x36, false},
    {Key::D7, "7", 0x08, 0x3D, false},
    {Key::D8, "8", 0x09, 0x3E, false},
    {Key::D9, "9", 0x0A, 0x46, false},
    {Key::D0, "0", 0x0B, 0x45, false},
    {Key::Minus, "-", 0x0C, 0x4E, false},
    {Key::Equal, "=", 0x0D, 0x55, false},
    {Key::Backspace, "backspace", 0x0E, 0x66, false},
    {Key::Tab, "tab", 0x0F, 0x0D, false},
    {Key::Q, "q", 0x10, 0x15, false},
    {Key::W, "w", 0x11, 0x1D, false},
    {Key::E, "e", 0x12, 0x24, false},
    {Key::R, "r", 0x13, 0x2D, false},
    {Key::T, "t", 0x14, 0x2C, false},
    {Key::Y, "y", 0x15, 0x35, false},
    {Key::U, "u", 0x16, 0x3C, false},
    {Key::I, "i", 0x17, 0x43, false},
    {Key::O, "o", 0x18, 0x44, false},
    {Key::P, "p", 0x19, 0x4D, false},
    {Key::LeftBracket, "[", 0x1A, 0x54, false},
    {Key::RightBracket, "]", 0x1B, 0x5B, false},
    {Key::Backslash, "\\", 0x2B, 0x5D, false},
    {Key::CapsLock, "capslock", 0x3A, 0x58, false},
    {Key::A, "a", 0x1E, 0x1C, false},
    {Key::S, "s", 0x1F, 0x1B, false},
    {Key::D, "d", 0x20, 0x23, false},
    {Key::F, "f", 0x21, 0x2B, false},
    {Key::G, "g", 0x22, 0x34, false},
    {Key::H, "h", 0x23, 0x33, false},
    {Key::J, "j", 0x24, 0x3B, false},
    {Key::K, "k", 0x25, 0x42, false},
    {Key::L, "l", 0x26, 0x4B, false},
    {Key::Semicolon, ";", 0x27, 0x4C, false},
    {Key::Apostrophe, "'", 0x28, 0x52, false},
    {Key::Enter, "enter", 0x1C, 0x5A, false},
    {Key::LeftShift, "shift", 0x2A, 0x12, false},
    {Key::Z, "z", 0x2C, 0x1A, false},
    {Key::X, "x", 0x2D, 0x22, false},
    {Key::C, "c", 0x2E, 0x21, false},
    {Key::V, "v", 0x2F, 0x2A, false},
    {Key::B, "b", 0x30, 0x32, false},
    {Key::N, "n", 0x31, 0x31, false},
    {Key::M, "m", 0x32, 0x3A, false},
    {Key::Comma, ",", 0x33, 0x41, false},
    {Key::Period, ".", 0x34, 0x49, false},
    {Key::Slash, "/", 0x35, 0x4A, false},
    {Key::RightShift, "rshift", 0x36, 0x59, false},
    {Key::LeftCtrl, "ctrl", 0x1D, 0x14, false},
    {Key::LeftMeta, "meta", 0x5B, 0x1F, true},
    {Key::LeftAlt, "alt", 0x38, 0x11, false},
    {Key::Space, "space", 0x39, 0x29, false},
    {Key::RightAlt, "altgr", 0x38, 0x11, true},
    {Key::RightMeta, "rmeta", 0x5C, 0x27, true},
    {Key::Menu, "menu", 0x5D, 0x2F, true},
    {Key::RightCtrl, "rctrl", 0x1D, 0x14, true},
    {Key::NonUsBackslash, "102nd", 0x56, 0x61, false},
    {Key::PrintScreen, "print", 0x37, 0x7C, true},
    {Key::ScrollLock, "scrolllock", 0x46, 0x7E, false},
    {Key::Pause, "pause", 0x45, 0x77, false},
    {Key::Insert, "insert", 0x52, 0x70, true},
    {Key::Home, "home", 0x47, 0x6C, true},
    {Key::PageUp, "pgup", 0x49, 0x7D, true},
    {Key::Delete, "delete", 0x53, 0x71, true},
    {Key::End, "end", 0x4F, 0x69, true},
    {Key::PageDown, "pgdn", 0x51, 0x7A, true},
    {Key::Up, "up", 0x48, 0x75, true},
    {Key::Left, "left", 0x4B, 0x6B, true},
    {Key::Down, "down", 0x50, 0x72, true},
    {Key::Right, "right", 0x4D, 0x74, true},
    {Key::NumLock, "numlock", 0x45, 0x77, false},
    {Key::KpSlash, "kp/", 0x35, 0x4A, true},
    {Key::KpStar, "kp*", 0x37, 0x7C, false},
    {Key::KpMinus, "kp-", 0x4A, 0x7B, false},
    {Key::KpPlus, "kp+", 0x4E, 0x79, false},
    {Key::KpEnter, "kpenter", 0x1C, 0x5A, true},
    {Key::KpPeriod, "kp.", 0x53, 0x71, false},
    {Key::Kp0, "kp0", 0x52, 0x70, false},
    {Key::Kp1, "kp1", 0x4F, 0x69, false},
    {Key::Kp2, "kp2", 0x50, 0x72, false},
    {Key::Kp3, "kp3", 0x51, 0x7A, false},
    {Key::Kp4, "kp4", 0x4B, 0x6B, false},
    {Key::Kp5, "kp5", 0x4C, 0x73, false},
    {Key::Kp6, "kp6", 0x4D, 0x74, false},
    {Key::Kp7, "kp7", 0x47, 0x6C, false},
    {Key::Kp8, "kp8", 0x48, 0x75, false},
    {Key::Kp9, "kp9", 0x49, 0x7D, false},
};
static_assert(std::size(kKeys) == kKeyCount);

constexpr bool table_in_key_order() {
    for (unsigned i = 0; i < kKeyCount; ++i)
        if (static_cast<unsigned>(kKeys[i].key) != i) return false;
    return true;
}
static_assert(table_in_key_order());

// Other names people use for the same keys.
struct Alias {
    std::string_view name;
    Key key;
};
constexpr Alias kAliases[] = {
    {"escape", Key::Esc},        {"return", Key::Enter},       {"ret", Key::Enter},
    {"bs", Key::Backspace},      {"lctrl", Key::LeftCtrl},     {"control", Key::LeftCtrl},
    {"lshift", Key::LeftShift},  {"lalt", Key::LeftAlt},       {"ralt", Key::RightAlt},
    {"lmeta", Key::LeftMeta},    {"win", Key::LeftMeta},       {"super", Key::LeftMeta},
    {"lwin", Key::LeftMeta},     {"rwin", Key::RightMeta},     {"apps", Key::Menu},
    {"del", Key::Delete},        {"ins", Key::Insert},         {"pageup", Key::PageUp},
    {"pagedown", Key::PageDown}, {"printscreen", Key::PrintScreen}, {"prtsc", Key::PrintScreen},
    {"sysrq", Key::PrintScreen}, {"break", Key::Pause},        {"caps", Key::CapsLock},
    {"minus", Key::Minus},       {"equal", Key::Equal},        {"comma", Key::Comma},
    {"period", Key::Period},     {"dot", Key::Period},         {"slash", Key::Slash},
    {"backslash", Key::Backslash}, {"semicolon", Key::Semicolon}, {"apostrophe", Key::Apostrophe},
    {"quote", Key::Apostrophe},  {"grave", Key::Grave},        {"backquote", Key::Grave},
    {"bracketleft", Key::LeftBracket}, {"bracketright", Key::RightBracket},
    {"kpenter", Key::KpEnter},   {"kp_enter", Key::KpEnter},   {"kpdivide", Key::KpSlash},
    {"kpmultiply", Key::KpStar}, {"kpsubtract", Key::KpMinus}, {"kpadd", Key::KpPlus},
    {"kpdecimal", Key::KpPeriod}, {"scroll", Key::ScrollLock},
};

const KeyInfo& info(Key key) { return kKeys[static_cast<unsigned>(key) % kKeyCount]; }

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::vector<uint8_t> scancodes(Key key, bool pressed, unsigned set) {
    const bool set1 = set == 1;
    if (key == Key::PrintScreen) {
        if (set1) return pressed ? std::vector<uint8_t>{0xE0, 0x2A, 0xE0, 0x37} : std::vector<uint8_t>{0xE0, 0xB7, 0xE0, 0xAA};
        return pressed ? std::vector<uint8_t>{0xE0, 0x12, 0xE0, 0x7C}
                       : std::vector<uint8_t>{0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12};
    }
    if (key == Key::Pause) {
        if (!pressed) return {};
        if (set1) return {0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5};
        return {0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77};
    }
    const KeyInfo& k = info(key);
    std::vector<uint8_t> bytes;
    if (k.extended) bytes.push_back(0xE0);
    if (set1) {
        bytes.push_back(pressed ? k.set1 : uint8_t(k.set1 | 0x80));
    } else {
        if (!pressed) bytes.push_back(0xF0);
        bytes.push_back(k.set2);
    }
    return bytes;
}

std::optional<Key> key_from_name(std::string_view name) {
    const std::string n = lowercase(name);
    for (const KeyInfo& k : kKeys)
        if (k.name == n) return k.key;
    for (const Alias& a : kAliases)
        if (a.name == n) return a.key;
    return std::nullopt;
}

std::string_view key_name(Key key) { return info(key).name; }

std::optional<Keystroke> keystroke_for(char c) {
    if (c >= 'a' && c <= 'z') return Keystroke{*key_from_name(std::string_view(&c, 1)), false};
    if (c >= 'A' && c <= 'Z') {
        const char lower = static_cast<char>(c - 'A' + 'a');
        return Keystroke{*key_from_name(std::string_view(&lower, 1)), true};
    }
    switch (c) {
    case '\n': case '\r': return Keystroke{Key::Enter, false};
    case '\t': return Keystroke{Key::Tab, false};
    case '\b': return Keystroke{Key::Backspace, false};
    case ' ': return Keystroke{Key::Space, false};
    case '\x1b': return Keystroke{Key::Esc, false};
    default: break;
    }
    if (c >= 0x01 && c <= 0x1A) {  // ^A .. ^Z
        const char letter = static_cast<char>(c - 1 + 'a');
        return Keystroke{*key_from_name(std::string_view(&letter, 1)), false, true};
    }
    // Unshifted characters have a key of their own name; shifted ones are
    // listed with the key they share.
    if (auto key = key_from_name(std::string_view(&c, 1))) return Keystroke{*key, false};
    constexpr std::string_view kShifted = "~!@#$%^&*()_+{}|:\"<>?";
    constexpr Key kBase[] = {Key::Grave, Key::D1, Key::D2, Key::D3, Key::D4, Key::D5, Key::D6,
                             Key::D7, Key::D8, Key::D9, Key::D0, Key::Minus, Key::Equal,
                             Key::LeftBracket, Key::RightBracket, Key::Backslash, Key::Semicolon,
                             Key::Apostrophe, Key::Comma, Key::Period, Key::Slash};
    static_assert(std::size(kBase) == kShifted.size());
    const auto pos = kShifted.find(c);
    if (pos != std::string_view::npos) return Keystroke{kBase[pos], true};
    return std::nullopt;
}

const std::array<uint8_t, 256>& set2_to_set1() {
    static const std::array<uint8_t, 256> table = [] {
        std::array<uint8_t, 256> t{};
        // Codes no key sends pass through unchanged; bytes from 0x80 up
        // (responses such as FA, AA, EE, FE) are not scancodes at all.
        for (unsigned i = 0; i < 256; ++i) t[i] = static_cast<uint8_t>(i);
        for (const KeyInfo& k : kKeys) t[k.set2] = k.set1;
        t[0x84] = 0x54;  // Alt+PrintScreen (SysRq)
        // The scancode-set numbers the keyboard reports (F0 00) come out
        // as the codes of F9/F7/F5, which is what drivers look for.
        t[0x02] = 0x41;
        t[0x00] = 0xFF;  // key detection error / overrun
        return t;
    }();
    return table;
}

}  // namespace amber::ps2
