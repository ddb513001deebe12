// The VGA text screen on a terminal: the ANSI renderer and the screen dump.
#include <catch2/catch.hpp>

#include <string>

#include <unistd.h>

#include "devices/vga.hpp"
#include "frontend/vga_console.hpp"

using namespace amber;
using namespace amber::cli;

namespace {

struct Rig {
    PhysMemory mem;
    IoBus io;
    Vga vga{io, mem, [] { return uint64_t(0); }, 1'000'000};
    void put(unsigned row, unsigned col, const std::string& s, uint8_t attr = 0x07) {
        for (size_t i = 0; i < s.size(); ++i) {
            const uint32_t a = 0xB8000 + 2 * (row * 80 + col + uint32_t(i));
            mem.write8(a, uint8_t(s[i]));
            mem.write8(a + 1, attr);
        }
    }
    void cursor(unsigned row, unsigned col) {
        const unsigned pos = row * 80 + col;
        io.write(0x3D4, (pos & 0xFF00) | 0x0E, 2);
        io.write(0x3D4, (pos & 0xFF) << 8 | 0x0F, 2);
    }
};

size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("vga console: dump_text gives the rows with trailing blanks trimmed", "[vga]") {
    Rig r;
    r.put(0, 0, "C:\\>dir");
    r.put(2, 10, "\xC4\xC4 box");
    const std::string dump = dump_text(r.vga);
    CHECK(count(dump, "\n") == 25);
    CHECK(dump.rfind("C:\\>dir\n\n          ── box\n\n", 0) == 0);
    // Graphics mode: nothing to dump.
    r.io.write(0x3CE, 0x0506, 2);
    CHECK(dump_text(r.vga).empty());
}

TEST_CASE("vga console: the first frame clears and draws everything, later ones only changes", "[vga]") {
    Rig r;
    AnsiTextRenderer ansi;
    r.put(0, 0, "first");
    r.cursor(0, 5);
    std::string out = ansi.update(r.vga.text_screen());
    CHECK(out.rfind("\x1b[?7l\x1b[0m\x1b[2J\x1b[H", 0) == 0);
    CHECK(count(out, ";1H") == 25);  // every row positioned and drawn
    CHECK(out.find("first") != std::string::npos);
    CHECK(out.substr(out.size() - 12) == "\x1b[1;6H\x1b[?25h");

    // Nothing changed: nothing to send.
    CHECK(ansi.update(r.vga.text_screen()).empty());

    // One row changes: only that row is redrawn, then the cursor placed.
    r.put(3, 2, "third", 0x1E);
    r.cursor(3, 7);
    out = ansi.update(r.vga.text_screen());
    CHECK(count(out, ";1H") == 1);
    CHECK(out.find("\x1b[4;1H") != std::string::npos);
    CHECK(out.find("\x1b[2J") == std::string::npos);
    CHECK(out.find("third") != std::string::npos);
    CHECK(out.find("\x1b[0;93;44m") != std::string::npos);  // yellow on blue
    CHECK(out.substr(out.size() - 12) == "\x1b[4;8H\x1b[?25h");

    // Only the cursor moves or hides.
    r.cursor(10, 0);
    CHECK(ansi.update(r.vga.text_screen()) == "\x1b[11;1H\x1b[?25h");
    r.io.write(0x3D4, 0x200A, 2);
    CHECK(ansi.update(r.vga.text_screen()) == "\x1b[?25l");
}

TEST_CASE("vga console: attributes become ANSI colours, blink per the mode control", "[vga]") {
    Rig r;
    AnsiTextRenderer ansi;
    r.put(0, 0, "a", 0x07);  // light grey on black
    r.put(0, 1, "b", 0x4F);  // white on red
    r.put(0, 2, "c", 0xC2);  // green on bright red, or blinking on red
    std::string out = ansi.update(r.vga.text_screen());
    CHECK(out.find("\x1b[0;37;40ma") != std::string::npos);
    CHECK(out.find("\x1b[0;97;41mb") != std::string::npos);
    CHECK(out.find("\x1b[0;32;41;5mc") != std::string::npos);  // mode 3 enables blink

    r.io.read(0x3DA, 1);
    r.io.write(0x3C0, 0x30, 1);
    r.io.write(0x3C0, 0x04, 1);  // blink off: bit 7 brightens the background
    out = ansi.update(r.vga.text_screen());
    CHECK(out.find("\x1b[2J") != std::string::npos);  // meaning of colours changed: full redraw
    CHECK(out.find("\x1b[0;32;101mc") != std::string::npos);
}

TEST_CASE("vga console: a graphics mode shows a notice once, text afterwards redraws in full", "[vga]") {
    Rig r;
    AnsiTextRenderer ansi;
    ansi.update(r.vga.text_screen());
    CHECK(ansi.update_graphics().find("graphics") != std::string::npos);
    CHECK(ansi.update_graphics().empty());
    CHECK(ansi.update(r.vga.text_screen()).find("\x1b[2J") != std::string::npos);
}

TEST_CASE("vga console: refresh draws at most once per period, draw always", "[vga]") {
    Rig r;
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    {
        VgaConsole console(fds[1], std::chrono::hours(1));
        console.refresh(r.vga);  // the first always draws
        r.put(0, 0, "changed");
        console.refresh(r.vga);  // too soon: nothing
        char buf[8192];
        ssize_t n = ::read(fds[0], buf, sizeof buf);
        REQUIRE(n > 0);
        std::string first(buf, size_t(n));
        CHECK(first.find("\x1b[2J") != std::string::npos);
        CHECK(first.find("changed") == std::string::npos);
        console.draw(r.vga);
        n = ::read(fds[0], buf, sizeof buf);
        REQUIRE(n > 0);
        CHECK(std::string(buf, size_t(n)).find("changed") != std::string::npos);
    }
    ::close(fds[1]);
    char tail[64];
    const ssize_t n = ::read(fds[0], tail, sizeof tail);
    // Colours, cursor and wrapping back; the prompt goes below the 25 rows.
    CHECK(std::string(tail, size_t(std::max<ssize_t>(n, 0))) == "\x1b[0m\x1b[?25h\x1b[?7h\x1b[25;1H\r\n");
    ::close(fds[0]);
}

TEST_CASE("vga console: attach refreshes from a scheduler event that never wakes the CPU", "[vga]") {
    Rig r;
    Scheduler sched(1000);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    {
        VgaConsole console(fds[1], std::chrono::milliseconds(0));
        console.attach(sched, r.vga, 10);
        CHECK(sched.next_deadline() == 10);
        CHECK(sched.next_wakeup() == Scheduler::kNever);
        r.put(0, 0, "tick");
        sched.run_due(10);
        CHECK(sched.next_deadline() == 20);  // rescheduled itself
        char buf[8192];
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        REQUIRE(n > 0);
        CHECK(std::string(buf, size_t(n)).find("tick") != std::string::npos);
    }
    CHECK(sched.next_deadline() == Scheduler::kNever);  // the console took its event with it
    ::close(fds[1]);
    ::close(fds[0]);
}
