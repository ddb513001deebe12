// The debugger core on a real-mode program in RAM: breakpoints, stepping,
// watchpoints and catches stop where they should, and the machine runs on
// normally afterwards.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/exit_port.hpp"
#include "machine/debugger.hpp"

using namespace amber;

namespace {
// A 386 at 0000:0100 running:
//   100: mov ax, 1        (B8 01 00)
//   103: call 0x110       (E8 0A 00)
//   106: out 0x80, al     (E6 80)
//   108: int 0x21         (CD 21)
//   10A: hlt              (F4)
//   110: mov [0x500], ax  (A3 00 05)
//   113: inc ax           (40)
//   114: ret              (C3)
// with INT 21h pointing at 0000:0200: iret (CF).
struct Program {
    Machine m{MachineConfig{CpuModel::i386, 640 * 1024, 0, {}, 1'000'000}};
    Debugger dbg{m};
    Program() {
        const std::vector<uint8_t> code = {0xB8, 0x01, 0x00, 0xE8, 0x0A, 0x00, 0xE6, 0x80, 0xCD, 0x21, 0xF4};
        m.memory().write_block(0x100, code);
        m.memory().write_block(0x110, std::vector<uint8_t>{0xA3, 0x00, 0x05, 0x40, 0xC3});
        m.memory().write8(0x200, 0xCF);
        m.memory().write<uint16_t>(0x21 * 4, 0x200);
        m.memory().write<uint16_t>(0x21 * 4 + 2, 0);
        Cpu& c = m.cpu();
        for (unsigned sr : {ES, CS, SS, DS, FS, GS}) c.load_segment(sr, 0);
        c.eip = 0x100;
        c.r[ESP] = 0x8000;
        c.set_eflags(0x202);
    }
    Cpu& cpu() { return m.cpu(); }
};
using Why = Debugger::Stop::Why;
}  // namespace

TEST_CASE("Debugger: stepping, and breakpoints by CS:EIP and by linear address") {
    Program p;
    CHECK(p.dbg.step().why == Why::Stepped);
    CHECK(p.cpu().eip == 0x103);
    const int bp = p.dbg.add({0, Debugger::Kind::CsEip, 0x0000, 0x113});
    auto s = p.dbg.run();
    CHECK(s.why == Why::Breakpoint);
    CHECK(s.breakpoint == bp);
    CHECK(p.cpu().eip == 0x113);  // stopped before the instruction
    CHECK(p.m.memory().read<uint16_t>(0x500) == 1);
    // Continuing from a breakpoint runs its instruction instead of stopping again.
    p.dbg.remove(bp);
    p.dbg.add({0, Debugger::Kind::Linear, 0, 0x10A});
    s = p.dbg.run();
    CHECK(s.why == Why::Breakpoint);
    CHECK(p.cpu().eip == 0x10A);
    CHECK((p.cpu().r[EAX] & 0xFFFF) == 2);
}

TEST_CASE("Debugger: step over a CALL and an INT stops after them") {
    Program p;
    p.dbg.step();
    auto s = p.dbg.step_over();  // the call
    CHECK(s.why == Why::Reached);
    CHECK(p.cpu().eip == 0x106);
    CHECK((p.cpu().r[EAX] & 0xFFFF) == 2);
    p.dbg.step();  // out
    s = p.dbg.step_over();  // int 0x21
    CHECK(s.why == Why::Reached);
    CHECK(p.cpu().eip == 0x10A);
}

TEST_CASE("Debugger: a write watchpoint stops after the access; catches stop on ports and vectors") {
    Program p;
    const int w = p.dbg.add({0, Debugger::Kind::Watch, 0, 0x501, 1, false, false, true});
    auto s = p.dbg.run();
    CHECK(s.why == Why::Watchpoint);
    CHECK(s.breakpoint == w);
    CHECK(s.write);
    CHECK(s.address == 0x500);
    CHECK(p.cpu().eip == 0x113);  // after the MOV
    p.dbg.remove(w);
    const int port = p.dbg.add({0, Debugger::Kind::Port, 0, 0x80, 1});
    s = p.dbg.run();
    CHECK(s.why == Why::Caught);
    CHECK(s.breakpoint == port);
    CHECK(s.address == 0x80);
    CHECK(p.cpu().eip == 0x108);
    Debugger::Breakpoint vec;
    vec.kind = Debugger::Kind::Vector;
    vec.address = 0x21;
    const int v = p.dbg.add(vec);
    s = p.dbg.run();
    CHECK(s.why == Why::Caught);
    CHECK(s.breakpoint == v);
    CHECK(s.address == 0x21);
    CHECK(p.cpu().eip == 0x200);  // the handler: stopped after delivery
}

TEST_CASE("Debugger: the machine's own stops come through, and memory reads change nothing") {
    Program p;
    auto s = p.dbg.run();
    CHECK(s.why == Why::Machine);
    CHECK(s.machine.reason == StopReason::HaltedForever);
    uint8_t b[3] = {};
    REQUIRE(p.dbg.read_linear(0x100, b));
    CHECK(b[0] == 0xB8);
    p.cpu().set_eflags(0x2);
    auto t = p.dbg.run(100);
    CHECK(t.why == Why::Machine);
}

TEST_CASE("Debugger: interrupt() ends a run that nothing else would end") {
    Machine m{MachineConfig{CpuModel::i386, 640 * 1024, 0, {}, 1'000'000}};
    m.memory().write_block(0x100, std::vector<uint8_t>{0xEB, 0xFE});  // jmp $
    Cpu& c = m.cpu();
    for (unsigned sr : {ES, CS, SS, DS, FS, GS}) c.load_segment(sr, 0);
    c.eip = 0x100;
    Debugger dbg{m};
    dbg.interrupt();
    CHECK(dbg.run().why == Why::Interrupted);
    auto s = dbg.run(5'000'000);
    CHECK(s.why == Why::Machine);
    CHECK(s.machine.reason == StopReason::TickLimit);
}

TEST_CASE("Debugger: a catch on the OUT that ends the guest still reports the guest's exit") {
    Machine m{MachineConfig{CpuModel::i386, 640 * 1024, 0, {}, 1'000'000}};
    m.add_device(std::make_unique<ExitPort>(m));
    // mov dx, 0x501; mov al, 5; out dx, al; hlt
    m.memory().write_block(0x100, std::vector<uint8_t>{0xBA, 0x01, 0x05, 0xB0, 0x05, 0xEE, 0xF4});
    Cpu& c = m.cpu();
    for (unsigned sr : {ES, CS, SS, DS, FS, GS}) c.load_segment(sr, 0);
    c.eip = 0x100;
    Debugger dbg{m};
    Debugger::Breakpoint port;
    port.kind = Debugger::Kind::Port;
    port.address = 0x501;
    dbg.add(port);
    const auto s = dbg.run();
    CHECK(s.why == Why::Machine);
    CHECK(s.machine.reason == StopReason::GuestExit);
    CHECK(s.machine.exit_code == 5);
}
