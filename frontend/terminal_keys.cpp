#include "frontend/terminal_keys.hpp"

#include <optional>
#include <string_view>

namespace amber::cli {

namespace {

using ps2::Key;

constexpr uint8_t kEsc = 0x1B;
constexpr uint8_t kDel = 0x7F;  // what most terminals send for Backspace

// CSI n ~ : the editing keypad and F5-F12 by number.
std::optional<Key> tilde_key(unsigned n) {
    switch (n) {
    case 1: case 7: return Key::Home;
    case 2: return Key::Insert;
    case 3: return Key::Delete;
    case 4: case 8: return Key::End;
    case 5: return Key::PageUp;
    case 6: return Key::PageDown;
    case 11: return Key::F1;
    case 12: return Key::F2;
    case 13: return Key::F3;
    case 14: return Key::F4;
    case 15: return Key::F5;
    case 17: return Key::F6;
    case 18: return Key::F7;
    case 19: return Key::F8;
    case 20: return Key::F9;
    case 21: return Key::F10;
    case 23: return Key::F11;
    case 24: return Key::F12;
    default: return std::nullopt;
    }
}

// CSI or SS3 with a letter: arrows, Home/End, F1-F4.
std::optional<Key> letter_key(char c) {
    switch (c) {
    case 'A': return Key::Up;
    case 'B': return Key::Down;
    case 'C': return Key::Right;
    case 'D': return Key::Left;
    case 'H': return Key::Home;
    case 'F': return Key::End;
    case 'P': return Key::F1;
    case 'Q': return Key::F2;
    case 'R': return Key::F3;
    case 'S': return Key::F4;
    default: return std::nullopt;
    }
}

}  // namespace

void TerminalKeyDecoder::feed(uint8_t byte) {
    if (seq_.empty()) {
        if (byte == kEsc) seq_.push_back(char(byte));
        else emit_char(byte, false);
        return;
    }
    if (seq_.size() == 1) {  // after ESC: a sequence, or Alt with a key
        if (byte == '[' || byte == 'O') {
            seq_.push_back(char(byte));
            return;
        }
        seq_.clear();
        if (byte == kEsc) {  // ESC ESC: the first was the Esc key
            on_key_({Key::Esc});
            seq_.push_back(char(byte));
            return;
        }
        emit_char(byte, true);
        return;
    }
    seq_.push_back(char(byte));
    // Parameters and intermediates run until a final byte (0x40-0x7E).
    if (byte >= 0x40 && byte <= 0x7E) finish_sequence();
    else if (seq_.size() > 16) seq_.clear();  // not a key: drop it
}

void TerminalKeyDecoder::flush() {
    // An unfinished longer sequence waits for the rest of its bytes.
    if (seq_.size() == 1) {
        seq_.clear();
        on_key_({Key::Esc});
    }
}

void TerminalKeyDecoder::finish_sequence() {
    const std::string_view body = std::string_view(seq_).substr(2, seq_.size() - 3);
    const char final = seq_.back();
    // "1;5" style parameters: the number, then modifiers as xterm encodes
    // them (1 + shift*1 + alt*2 + ctrl*4).
    unsigned number = 0, modifiers = 1;
    const size_t semi = body.find(';');
    for (char c : body.substr(0, semi))
        if (c >= '0' && c <= '9') number = number * 10 + unsigned(c - '0');
    if (semi != std::string_view::npos) {
        modifiers = 0;
        for (char c : body.substr(semi + 1))
            if (c >= '0' && c <= '9') modifiers = modifiers * 10 + unsigned(c - '0');
    }
    const std::optional<Key> key = final == '~' ? tilde_key(number) : letter_key(final);
    seq_.clear();
    if (!key) return;  // an unknown sequence types nothing
    const unsigned m = modifiers > 0 ? modifiers - 1 : 0;
    on_key_({*key, (m & 1) != 0, (m & 4) != 0, (m & 2) != 0});
}

void TerminalKeyDecoder::emit_char(uint8_t byte, bool alt) {
    if (byte == kDel) {
        on_key_({Key::Backspace, false, false, alt});
        return;
    }
    if (auto stroke = ps2::keystroke_for(char(byte))) {
        stroke->alt = alt;
        on_key_(*stroke);
    }
}

}  // namespace amber::cli
