// Port 0x92 (fast A20 and reset), the POST code port 0x80 and a second
// debug console at SeaBIOS's port 0x402.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "devices/debug_console.hpp"
#include "devices/pc_misc_ports.hpp"
#include "kbd_rig.hpp"

using namespace amber;
using namespace kbd_test;

TEST_CASE("port 0x92: fast A20 and fast reset", "[kbd]") {
    IoBus io;
    int resets = 0;
    std::vector<bool> a20;
    SystemControlPortA port(io, [&] { ++resets; }, [&](bool on) { a20.push_back(on); });

    CHECK(io.read(0x92, 1) == 0x00);
    // Linux's enable_a20_fast: read, set bit 1, clear bit 0, write.
    uint8_t v = static_cast<uint8_t>(io.read(0x92, 1));
    io.write(0x92, (v | 0x02) & ~0x01, 1);
    CHECK(a20 == std::vector<bool>{true});
    CHECK(io.read(0x92, 1) == 0x02);
    CHECK(resets == 0);

    io.write(0x92, 0x03, 1);  // bit 0 rising: reset
    CHECK(resets == 1);
    io.write(0x92, 0x03, 1);  // still set: no new edge
    CHECK(resets == 1);
    io.write(0x92, 0x00, 1);
    CHECK(a20 == std::vector<bool>{true, true, true, false});
    io.write(0x92, 0x01, 1);
    CHECK(resets == 2);

    port.reset();
    CHECK(io.read(0x92, 1) == 0x00);
}

TEST_CASE("port 0x92 and the 8042 drive the same A20 line: the last write wins", "[kbd]") {
    KbdRig r;  // its A20 callback records into r.a20_writes; give port 0x92 the same line
    SystemControlPortA port(r.io, [] {}, [&](bool on) { r.a20_writes.push_back(on); });
    r.command(0xDD);
    r.io.write(0x92, 0x02, 1);
    r.command(0xD1);
    r.data(0xDD);
    r.io.write(0x92, r.io.read(0x92, 1) & ~0x02, 1);
    CHECK(r.a20_writes == std::vector<bool>{false, true, false, false});
}

TEST_CASE("port 0x80: the last POST code", "[kbd]") {
    IoBus io;
    std::vector<uint8_t> reported;
    PostCodePort post(io, [&](uint8_t c) { reported.push_back(c); });
    CHECK_FALSE(post.written());

    io.write(0x80, 0x10, 1);
    io.write(0x80, 0x10, 1);  // an I/O delay write of the same value: no news
    io.write(0x80, 0x2A, 1);
    io.write(0x80, 0x1234, 2);  // split by the bus: the low byte is ours
    CHECK(post.written());
    CHECK(post.last_code() == 0x34);
    CHECK(io.read(0x80, 1) == 0x34);
    CHECK(reported == std::vector<uint8_t>{0x10, 0x2A, 0x34});

    post.reset();  // a reboot keeps the last code
    CHECK(post.last_code() == 0x34);

    TapeArchive tape;
    post.visit(tape);
    IoBus io2;
    PostCodePort copy(io2);
    tape.rewind_for_loading();
    copy.visit(tape);
    CHECK(copy.last_code() == 0x34);
    CHECK(io2.read(0x80, 1) == 0x34);
}

TEST_CASE("debugcon: a second console at SeaBIOS's port 0x402", "[kbd][debugcon]") {
    IoBus io;
    auto out_e9 = std::make_unique<BufferCharBackend>();
    auto out_402 = std::make_unique<BufferCharBackend>();
    BufferCharBackend* e9 = out_e9.get();
    BufferCharBackend* seabios = out_402.get();
    DebugConsole first(io, std::move(out_e9));
    DebugConsole second(io, std::move(out_402), 0x402);

    io.write(0x402, 'S', 1);
    io.write(0xE9, 'A', 1);
    CHECK(seabios->output() == "S");
    CHECK(e9->output() == "A");
    CHECK(io.read(0x402, 1) == 0xE9);
    CHECK(first.name() == "debugcon");
    CHECK(second.name() == "debugcon@0x402");
    CHECK(second.port() == 0x402);
}
