#include "frontend/terminal_backend.hpp"

#include <cerrno>
#include <cstdio>

#include <poll.h>
#include <unistd.h>

namespace amber::cli {

namespace {
constexpr uint8_t kCtrlA = 0x01;
// After this long without a key or output, a guest that polls is waiting
// for the user: wait in poll() instead of spinning the host CPU.
constexpr auto kIdleAfter = std::chrono::milliseconds(100);
constexpr int kIdleWaitMs = 10;
}  // namespace

TerminalCharBackend::TerminalCharBackend(int in_fd, std::function<void()> on_quit, std::function<void()> on_monitor,
                                         bool wait_when_idle, const char* greeting)
    : in_fd_(in_fd),
      raw_(std::in_place, in_fd),
      on_quit_(std::move(on_quit)),
      on_monitor_(std::move(on_monitor)),
      wait_when_idle_(wait_when_idle),
      last_activity_(std::chrono::steady_clock::now()) {
    // Raw mode swallows Ctrl-C, so say once how to get out.
    std::fprintf(stderr, "%s\r\n", greeting);
}

TerminalCharBackend::~TerminalCharBackend() { std::fflush(stdout); }

void TerminalCharBackend::write(uint8_t byte) {
    std::fputc(byte, stdout);
    if (byte == '\n') std::fflush(stdout);
    last_activity_ = std::chrono::steady_clock::now();
}

CharInput TerminalCharBackend::read() {
    for (;;) {
        while (pos_ < len_)
            if (auto b = filter(buf_[pos_++])) return CharInput::of(*b);
        if (quitting_) return CharInput::nothing();

        std::fflush(stdout);  // the guest is waiting for input: show everything first
        auto now = std::chrono::steady_clock::now();
        pollfd p{in_fd_, POLLIN, 0};
        const bool idle = wait_when_idle_ && now - last_activity_ > kIdleAfter;
        if (::poll(&p, 1, idle ? kIdleWaitMs : 0) <= 0) return CharInput::nothing();
        ssize_t n = ::read(in_fd_, buf_.data(), buf_.size());
        if (n == 0) return CharInput::hang_up();  // the terminal went away
        if (n < 0) return (errno == EINTR || errno == EAGAIN) ? CharInput::nothing() : CharInput::hang_up();
        pos_ = 0;
        len_ = static_cast<size_t>(n);
        last_activity_ = now;
    }
}

std::optional<uint8_t> TerminalCharBackend::filter(uint8_t byte) {
    if (!escape_) {
        if (byte != kCtrlA) return byte;
        escape_ = true;
        return std::nullopt;
    }
    escape_ = false;
    switch (byte) {
    case kCtrlA: return byte;
    case 'x':
    case 'X':
        quitting_ = true;
        pos_ = len_;  // drop whatever was typed after
        if (on_quit_) on_quit_();
        return std::nullopt;
    case 'c':
    case 'C':
        pos_ = len_;  // what was typed after belongs to the monitor
        if (on_monitor_) on_monitor_();
        return std::nullopt;
    case 'h':
    case 'H': print_help(); return std::nullopt;
    default: return std::nullopt;  // unknown escapes are swallowed
    }
}

void TerminalCharBackend::print_help() {
    // The terminal is raw: lines need an explicit carriage return.
    std::fputs("\r\n[amber] C-a x      quit\r\n"
               "[amber] C-a c      stop the guest and enter the monitor ('resume' goes back)\r\n"
               "[amber] C-a h      this help\r\n"
               "[amber] C-a C-a    send C-a to the guest\r\n",
               stdout);
    std::fflush(stdout);
}

}  // namespace amber::cli
