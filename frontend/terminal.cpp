#include "frontend/terminal.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace amber::cli {

namespace {

// The terminal's saved settings. This is process-wide state on purpose: the
// terminal belongs to the process, and a signal handler can reach nothing
// else. Only one RawTerminal is active at a time.
constexpr std::array kRestoreSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT,
                                        SIGSEGV, SIGBUS, SIGFPE, SIGILL};
struct SavedTerminal {
    int fd = -1;
    termios attrs{};
    volatile std::sig_atomic_t active = 0;
    std::array<struct sigaction, kRestoreSignals.size()> old_actions{};
};
SavedTerminal g_saved;

void restore_saved() {
    if (g_saved.active) {
        tcsetattr(g_saved.fd, TCSANOW, &g_saved.attrs);  // async-signal-safe
        g_saved.active = 0;
    }
}

// Restores the terminal, then lets the signal do what it would have done.
void on_fatal_signal(int sig) {
    restore_saved();
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

}  // namespace

RawTerminal::RawTerminal(int fd) : fd_(fd) {
    if (g_saved.active) throw std::runtime_error("the terminal is already in raw mode");
    termios attrs{};
    if (tcgetattr(fd, &attrs) != 0)
        throw std::runtime_error(std::string("cannot read terminal settings: ") + std::strerror(errno));
    g_saved.fd = fd;
    g_saved.attrs = attrs;

    static bool exit_hook_installed = false;
    if (!exit_hook_installed) {
        std::atexit(restore_saved);
        exit_hook_installed = true;
    }
    struct sigaction sa {};
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < kRestoreSignals.size(); ++i) sigaction(kRestoreSignals[i], &sa, &g_saved.old_actions[i]);

    // Bytes pass through untouched: no echo, no line editing, no signals
    // from Ctrl-C/Ctrl-Z, no CR/LF translation in either direction.
    cfmakeraw(&attrs);
    attrs.c_cc[VMIN] = 1;
    attrs.c_cc[VTIME] = 0;
    g_saved.active = 1;
    active_ = true;
    if (tcsetattr(fd, TCSANOW, &attrs) != 0) {
        int err = errno;
        restore();
        throw std::runtime_error(std::string("cannot set raw terminal mode: ") + std::strerror(err));
    }
}

RawTerminal::~RawTerminal() { restore(); }

void RawTerminal::restore() {
    if (!active_) return;
    active_ = false;
    restore_saved();
    for (size_t i = 0; i < kRestoreSignals.size(); ++i) sigaction(kRestoreSignals[i], &g_saved.old_actions[i], nullptr);
}

}  // namespace amber::cli
