// What a terminal sends for a key, turned back into the key: plain ASCII,
// control characters, and the escape sequences of xterm-like terminals
// (arrows, Home/End, Insert/Delete, PgUp/PgDn, F1-F12; ESC before a
// character is Alt held). Pure, so it is unit-tested without a terminal.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "devices/ps2_keys.hpp"

namespace amber::cli {

class TerminalKeyDecoder {
public:
    explicit TerminalKeyDecoder(std::function<void(const ps2::Keystroke&)> on_key) : on_key_(std::move(on_key)) {}

    void feed(uint8_t byte);
    // No more bytes for now: a lone ESC was the Esc key (a terminal sends a
    // whole sequence in one write).
    void flush();

private:
    void finish_sequence();
    void emit_char(uint8_t byte, bool alt);

    std::function<void(const ps2::Keystroke&)> on_key_;
    std::string seq_;  // an escape sequence being read, from its ESC on
};

}  // namespace amber::cli
