// The monitor driven directly (frontend/monitor/monitor.*) on a tiny 386
// machine: commands print what they should, and no input, however wrong,
// throws or stops the session.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "frontend/monitor/monitor.hpp"
#include "machine/debugger.hpp"
#include "machine/machine.hpp"

using namespace amber;
using amber::monitor::Monitor;

namespace {

// At the reset vector: mov ax, 0x1234 / nop / jmp $ (forever).
std::unique_ptr<Machine> tiny_machine() {
    MachineConfig cfg;
    cfg.cpu = CpuModel::i386;
    cfg.rom.assign(4096, 0xF4);
    const uint8_t code[] = {0xB8, 0x34, 0x12, 0x90, 0xEB, 0xFE};
    std::copy(std::begin(code), std::end(code), cfg.rom.begin() + 0xFF0);
    auto m = std::make_unique<Machine>(cfg);
    m->reset();
    return m;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("monitor: registers, stepping and the next instruction") {
    auto m = tiny_machine();
    Debugger dbg(*m);
    Monitor mon(dbg, 1000);
    CHECK(contains(mon.where(), "F000:FFF0  B8 34 12"));
    CHECK(contains(mon.where(), "mov ax, 0x1234"));
    CHECK(contains(mon.execute("r"), "eax=00000000"));
    const std::string step = mon.execute("s");
    CHECK(contains(step, "stepped at tick #1"));
    CHECK(contains(step, "F000:FFF3  90"));
    CHECK(contains(mon.execute("regs"), "eax=00001234"));
    CHECK(mon.errors() == 0);
}

TEST_CASE("monitor: a breakpoint stops a run, the tick limit ends one") {
    auto m = tiny_machine();
    Debugger dbg(*m);
    Monitor mon(dbg, 1000);
    CHECK(contains(mon.execute("b f000:fff4"), "breakpoint 1: break at F000:0000FFF4"));
    CHECK(contains(mon.execute("c"), "breakpoint 1 (break at F000:0000FFF4) at tick #2"));
    CHECK(contains(mon.execute("delete 1"), "deleted 1"));
    CHECK(contains(mon.execute("c"), "tick limit (--max-ticks) at tick #1000"));
    CHECK(contains(mon.execute("s"), "tick limit (--max-ticks) at tick #1000"));
}

TEST_CASE("monitor: blank lines and comments do nothing; quit is remembered") {
    auto m = tiny_machine();
    Debugger dbg(*m);
    Monitor mon(dbg);
    CHECK(mon.execute("").empty());
    CHECK(mon.execute("   ").empty());
    CHECK(mon.execute("# c").empty());
    CHECK_FALSE(mon.quit_requested());
    CHECK(mon.execute("Q").empty());
    CHECK(mon.quit_requested());
    CHECK(mon.errors() == 0);
}

TEST_CASE("monitor: wrong input gives one error line and never throws") {
    auto m = tiny_machine();
    Debugger dbg(*m);
    Monitor mon(dbg, 5000);
    const std::vector<std::string> commands = {"c", "s", "n", "until", "b", "watch", "catch", "delete", "info",
                                               "r", "sregs", "cregs", "fpu", "gdt", "ldt", "idt", "walk", "x",
                                               "xp", "u", "u16", "u32", "bt", "help", "nosuch"};
    const std::vector<std::string> arguments = {"zz", "1 2 3 4", "ffffffff ffffffff", "cs:", ":", "#", "-1",
                                                "0:0", "8:0", "ffff:ffff 10", "tick", "tick zz", "lin", "phys",
                                                "r phys", "int", "io 5-", "io -5", "all", "break"};
    unsigned lines = 0;
    for (const std::string& c : commands) {
        for (const std::string& a : arguments) {
            std::string out;
            REQUIRE_NOTHROW(out = mon.execute(c + " " + a));
            ++lines;
            // Every failure is exactly one line.
            if (contains(out, "error: ")) CHECK(out.find('\n') == out.size() - 1);
        }
    }
    CHECK(mon.errors() > 0);
    CHECK(mon.errors() <= lines);
    CHECK(contains(mon.execute("r"), "eax="));  // the session goes on
}

TEST_CASE("monitor: fpu shows the x87 stack, tags and pointers; none before the 486") {
    MachineConfig cfg;
    cfg.cpu = CpuModel::i486;
    cfg.rom.assign(4096, 0xF4);
    // fninit / fld1 / fldpi / jmp $
    const uint8_t code[] = {0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEB, 0xEB, 0xFE};
    std::copy(std::begin(code), std::end(code), cfg.rom.begin() + 0xFF0);
    Machine m(cfg);
    m.reset();
    Debugger dbg(m);
    Monitor mon(dbg, 1000);
    mon.execute("s 3");
    const std::string out = mon.execute("fpu");
    CHECK(contains(out, "fsw=3000  TOP=6"));
    CHECK(contains(out, "ftw=0FFF"));
    CHECK(contains(out, "fop=1EB  fip=F000:0000FFF4"));  // FLDPI at F000:FFF4
    CHECK(contains(out, "st0 (r6) valid    4000 C90FDAA22168C235  ~3.14159265358979"));
    CHECK(contains(out, "st1 (r7) valid    3FFF 8000000000000000  1\n"));
    CHECK(contains(out, "st2 (r0) empty"));
    CHECK(mon.errors() == 0);

    auto old = tiny_machine();  // a 386: no FPU on chip
    Debugger dbg386(*old);
    Monitor mon386(dbg386, 1000);
    CHECK(contains(mon386.execute("fpu"), "no x87 FPU"));
}
