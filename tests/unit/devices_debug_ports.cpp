// The debug console (port 0xE9) and the debug exit port (0x501).
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "devices/debug_console.hpp"
#include "devices/exit_port.hpp"
#include "machine/machine.hpp"

using namespace amber;

namespace {

// A 4 KiB ROM whose reset vector (its last 16 bytes, where both the 8086
// and the 286 start) holds `code`; the rest is HLT.
std::vector<uint8_t> rom_with_reset_code(std::vector<uint8_t> code) {
    std::vector<uint8_t> rom(4096, 0xF4);
    REQUIRE(code.size() <= 16);
    std::copy(code.begin(), code.end(), rom.end() - 16);
    return rom;
}

Machine& with_debug_devices(Machine& m, BufferCharBackend*& console) {
    auto backend = std::make_unique<BufferCharBackend>();
    console = backend.get();
    m.add_device(std::make_unique<DebugConsole>(m.io(), std::move(backend)));
    m.add_device(std::make_unique<ExitPort>(m));
    m.reset();
    return m;
}

}  // namespace

TEST_CASE("debugcon: bytes go to the backend; reads identify the port", "[debugcon]") {
    IoBus io;
    auto backend = std::make_unique<BufferCharBackend>();
    BufferCharBackend* out = backend.get();
    DebugConsole con(io, std::move(backend));

    io.write(0xE9, 'o', 1);
    io.write(0xE9, 'k', 1);
    CHECK(out->output() == "ok");
    CHECK(io.read(0xE9, 1) == 0xE9);

    io.write(0xE9, 0x2121, 2);  // split by the bus: only the low byte is ours
    CHECK(out->output() == "ok!");
}

TEST_CASE("debugcon: without a backend, output is dropped", "[debugcon]") {
    IoBus io;
    DebugConsole con(io, nullptr);
    io.write(0xE9, 'x', 1);
    CHECK(io.read(0xE9, 1) == 0xE9);
}

TEST_CASE("exit port: a guest's OUT ends the run with its value", "[exitport]") {
    for (CpuModel model : {CpuModel::i8086, CpuModel::i80286}) {
        MachineConfig cfg;
        cfg.cpu = model;
        cfg.rom = rom_with_reset_code({
            0xB0, 'h', 0xE6, 0xE9,  // mov al,'h' / out 0xE9,al
            0xB0, 42,               // mov al,42
            0xBA, 0x01, 0x05,       // mov dx,0x501
            0xEE,                   // out dx,al
            0xF4,                   // hlt (never reached)
        });
        Machine m(cfg);
        BufferCharBackend* console = nullptr;
        with_debug_devices(m, console);

        RunResult r = m.run(1000);
        CHECK(r.reason == StopReason::GuestExit);
        CHECK(r.exit_code == 42);
        CHECK(r.ticks == 5);  // the run ends right after the OUT
        CHECK(console->output() == "h");
    }
}

TEST_CASE("exit port: a word write counts its low byte; reads float", "[exitport]") {
    MachineConfig cfg;
    cfg.rom = rom_with_reset_code({
        0xBA, 0x01, 0x05,  // mov dx,0x501
        0xEC,              // in al,dx
        0x88, 0xC4,        // mov ah,al      (AH = what the port reads as: 0xFF)
        0xB0, 0x07,        // mov al,7
        0xEF,              // out dx,ax      (0xFF07)
    });
    Machine m(cfg);
    BufferCharBackend* console = nullptr;
    with_debug_devices(m, console);

    RunResult r = m.run(1000);
    CHECK(r.reason == StopReason::GuestExit);
    CHECK(r.exit_code == 7);
    CHECK(m.cpu().reg<uint8_t>(4) == 0xFF);  // AH
}

TEST_CASE("exit port: without a write the guest just halts", "[exitport]") {
    MachineConfig cfg;
    cfg.rom = rom_with_reset_code({0xFA, 0xF4});  // cli / hlt
    Machine m(cfg);
    BufferCharBackend* console = nullptr;
    with_debug_devices(m, console);
    CHECK(m.run(1000).reason == StopReason::HaltedForever);
}
