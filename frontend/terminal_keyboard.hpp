// Typing into the VGA console: when the guest's screen is drawn in the
// terminal, the keys typed there become PS/2 key presses (Shift, Ctrl and
// Alt held around a key as needed). C-a x quits and C-a c enters the monitor,
// as on the serial console.
#pragma once
#include <functional>

#include "devices/ps2_keyboard.hpp"
#include "frontend/terminal_backend.hpp"
#include "frontend/terminal_keys.hpp"

namespace amber::cli {

class TerminalKeyboard {
public:
    TerminalKeyboard(int in_fd, PS2Keyboard& keyboard, std::function<void()> on_quit, std::function<void()> on_monitor);

    // Hands what was typed since the last call to the keyboard; never blocks.
    void poll();
    // The monitor needs a line-mode terminal while it runs.
    TerminalCharBackend& terminal() { return input_; }

private:
    PS2Keyboard& keyboard_;
    TerminalCharBackend input_;
    TerminalKeyDecoder decoder_;
    bool hung_up_ = false;
};

}  // namespace amber::cli
