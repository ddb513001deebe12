// The VGA text screen on the host terminal, for guests without a serial
// console: redrawn with ANSI escapes (clear once, then only the rows that
// changed, colours from the attributes, the cursor where the guest put it),
// at most ~30 times per second of host time. Also the plain-text screen
// dump behind --screen-dump.
//
// Host time only decides *when* the terminal is repainted; nothing here
// feeds back into the guest, so runs stay deterministic.
#pragma once
#include <chrono>
#include <string>

#include "devices/vga.hpp"
#include "machine/scheduler.hpp"

namespace amber::cli {

// The screen's rows, trailing blanks trimmed, one '\n' after each (UTF-8,
// code page 437 glyphs). Empty in graphics modes.
std::string dump_text(const Vga& vga);

// Remembers what the terminal shows and produces the escapes that bring it
// to a new screen. Pure: no I/O, so it is tested on its own.
class AnsiTextRenderer {
public:
    // Everything on the first call or after a geometry change (clear, home,
    // every row), afterwards only changed rows; then cursor placement.
    std::string update(const VgaTextScreen& s);
    // For graphics modes: one notice, drawn once.
    std::string update_graphics();
    void invalidate() { valid_ = false; }
    // Terminal rows in use (0 before the first text frame).
    unsigned rows_shown() const { return valid_ ? shown_.rows : graphics_ ? 1 : 0; }

private:
    std::string row(const VgaTextScreen& s, unsigned r) const;

    VgaTextScreen shown_;
    bool valid_ = false;      // shown_ is on the terminal
    bool graphics_ = false;   // the graphics notice is on the terminal
};

class VgaConsole {
public:
    explicit VgaConsole(int out_fd, std::chrono::milliseconds period = std::chrono::milliseconds(33));
    // Puts the terminal's colours, cursor and line wrapping back (and stops
    // the refresh event: destroy the console before the machine).
    ~VgaConsole();
    VgaConsole(const VgaConsole&) = delete;
    VgaConsole& operator=(const VgaConsole&) = delete;

    // Cheap to call often (from the run loop): repaints only when `period`
    // of host time has passed since the last repaint.
    void refresh(const Vga& vga);
    // Repaints now (e.g. once more when the run ends).
    void draw(const Vga& vga);

    // Calls refresh(vga) every `interval` ticks of virtual time from a
    // scheduler event that cannot wake a halted CPU (so it changes nothing
    // the guest sees). 1 ms of guest time is a good interval.
    void attach(Scheduler& sched, const Vga& vga, uint64_t interval);

private:
    void write_all(const std::string& s);

    int fd_;
    std::chrono::milliseconds period_;
    std::chrono::steady_clock::time_point last_{};
    AnsiTextRenderer renderer_;
    bool drawn_ = false;
    Scheduler* sched_ = nullptr;  // set by attach()
    Scheduler::EventId event_ = 0;
};

}  // namespace amber::cli
