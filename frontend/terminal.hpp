// Raw mode for the controlling terminal while a guest owns it, and the
// promise to put the terminal back on every way out: normal return, an
// exception unwinding, exit(), and fatal or terminating signals.
#pragma once
#include <termios.h>

namespace amber::cli {

class RawTerminal {
public:
    // fd must be a terminal; throws std::runtime_error otherwise.
    explicit RawTerminal(int fd);
    ~RawTerminal();
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

    // Puts the saved settings back now (safe to call more than once).
    void restore();

private:
    int fd_;
    bool active_ = false;
};

}  // namespace amber::cli
