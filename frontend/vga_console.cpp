#include "frontend/vga_console.hpp"

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>
#include <unistd.h>

namespace amber::cli {

namespace {

// VGA colour numbers (blue is bit 0) to ANSI ones (red is bit 0).
constexpr unsigned kAnsiColor[8] = {0, 4, 2, 6, 1, 5, 3, 7};

std::string sgr(uint8_t attr, bool blink_enabled) {
    const unsigned fg = attr & 0x0F;
    const unsigned bg = blink_enabled ? (attr >> 4) & 7 : attr >> 4;
    std::string s = "\x1b[0;";
    s += fmt::format("{};{}", (fg & 8 ? 90 : 30) + kAnsiColor[fg & 7], (bg & 8 ? 100 : 40) + kAnsiColor[bg & 7]);
    if (blink_enabled && (attr & 0x80)) s += ";5";
    return s + "m";
}

}  // namespace

std::string dump_text(const Vga& vga) {
    std::string out;
    for (const std::string& line : vga.text_lines()) {
        const size_t end = line.find_last_not_of(' ');
        out.append(line, 0, end == std::string::npos ? 0 : end + 1);
        out += '\n';
    }
    return out;
}

std::string AnsiTextRenderer::row(const VgaTextScreen& s, unsigned r) const {
    std::string out = fmt::format("\x1b[{};1H", r + 1);
    int current = -1;
    for (unsigned c = 0; c < s.cols; ++c) {
        const uint8_t a = s.attr_at(r, c);
        if (a != current) {
            out += sgr(a, s.blink_enabled);
            current = a;
        }
        out += cp437_to_utf8(s.char_at(r, c));
    }
    return out + "\x1b[0m";
}

std::string AnsiTextRenderer::update(const VgaTextScreen& s) {
    std::string out;
    const bool full = !valid_ || graphics_ || s.cols != shown_.cols || s.rows != shown_.rows ||
                      s.blink_enabled != shown_.blink_enabled;
    // Line wrapping off: a terminal narrower than the guest's screen cuts rows instead of scrambling them.
    if (full) out += "\x1b[?7l\x1b[0m\x1b[2J\x1b[H";
    for (unsigned r = 0; r < s.rows; ++r) {
        const size_t first = size_t(r) * s.cols;
        const bool same = !full && std::equal(s.chars.begin() + first, s.chars.begin() + first + s.cols,
                                              shown_.chars.begin() + first) &&
                          std::equal(s.attrs.begin() + first, s.attrs.begin() + first + s.cols,
                                     shown_.attrs.begin() + first);
        if (!same) out += row(s, r);
    }
    const bool cursor_moved = full || s.cursor_visible != shown_.cursor_visible ||
                              s.cursor_row != shown_.cursor_row || s.cursor_col != shown_.cursor_col;
    if (!out.empty() || cursor_moved) {
        if (s.cursor_visible) out += fmt::format("\x1b[{};{}H\x1b[?25h", s.cursor_row + 1, s.cursor_col + 1);
        else out += "\x1b[?25l";
    }
    shown_ = s;
    valid_ = true;
    graphics_ = false;
    return out;
}

std::string AnsiTextRenderer::update_graphics() {
    if (graphics_) return {};
    graphics_ = true;
    valid_ = false;
    return "\x1b[0m\x1b[2J\x1b[H[VGA graphics mode: not shown on the terminal]\x1b[?25l";
}

VgaConsole::VgaConsole(int out_fd, std::chrono::milliseconds period) : fd_(out_fd), period_(period) {}

VgaConsole::~VgaConsole() {
    if (sched_) sched_->cancel(event_);
    // Leave the prompt below the guest's screen, in the terminal's own colours.
    if (drawn_) write_all(fmt::format("\x1b[0m\x1b[?25h\x1b[?7h\x1b[{};1H\r\n", std::max(1u, renderer_.rows_shown())));
}

void VgaConsole::refresh(const Vga& vga) {
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < period_) return;
    last_ = now;
    draw(vga);
}

void VgaConsole::draw(const Vga& vga) {
    drawn_ = true;
    const std::string s = vga.text_mode() ? renderer_.update(vga.text_screen()) : renderer_.update_graphics();
    if (!s.empty()) write_all(s);
}

void VgaConsole::attach(Scheduler& sched, const Vga& vga, uint64_t interval) {
    interval = std::max<uint64_t>(interval, 1);
    sched_ = &sched;
    event_ = sched.add_event(
        "vga-console",
        [this, &vga, interval](uint64_t now) {
            refresh(vga);
            sched_->schedule(event_, now + interval);
        },
        Scheduler::Wakes::Nothing);
    sched.schedule(event_, interval);
}

void VgaConsole::write_all(const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(fd_, s.data() + done, s.size() - done);
        if (n > 0) {
            done += size_t(n);
        } else if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        } else {
            return;  // the terminal is gone: nothing more to show
        }
    }
}

}  // namespace amber::cli
