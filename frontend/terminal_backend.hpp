// The serial console on an interactive terminal: the terminal goes into raw
// mode so every key reaches the guest (Ctrl-C included), and Ctrl-A starts
// an escape as in QEMU: Ctrl-A x quits, Ctrl-A c enters the monitor, Ctrl-A h
// shows help, Ctrl-A Ctrl-A sends a Ctrl-A. Input is polled without blocking; a guest that does
// nothing but poll lets the host sleep between keys.
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "devices/char_backend.hpp"
#include "frontend/terminal.hpp"

namespace amber::cli {

class TerminalCharBackend final : public CharBackend {
public:
    // on_quit runs when the user types Ctrl-A x, on_monitor on Ctrl-A c
    // (no monitor: the escape is ignored).
    // wait_when_idle: read() may sleep briefly when nothing was typed for a
    // while (the guest polls its UART); a caller that polls between slices
    // of guest time says false. The greeting is printed once.
    TerminalCharBackend(int in_fd, std::function<void()> on_quit, std::function<void()> on_monitor = {},
                        bool wait_when_idle = true,
                        const char* greeting = "[amber] serial console on this terminal: C-a x quits, C-a h for help");
    ~TerminalCharBackend() override;

    void write(uint8_t byte) override;
    CharInput read() override;

    // The monitor needs a line-mode terminal while it runs.
    void suspend_raw() { raw_.reset(); }
    void resume_raw() {
        if (!raw_) raw_.emplace(in_fd_);
    }

private:
    std::optional<uint8_t> filter(uint8_t byte);  // escape handling
    void print_help();

    int in_fd_;
    std::optional<RawTerminal> raw_;
    std::function<void()> on_quit_;
    std::function<void()> on_monitor_;
    bool wait_when_idle_;
    bool escape_ = false;  // the previous key was Ctrl-A
    bool quitting_ = false;
    std::array<uint8_t, 256> buf_{};
    size_t pos_ = 0, len_ = 0;
    std::chrono::steady_clock::time_point last_activity_;
};

}  // namespace amber::cli
