// Boot traces: a recorded run of the embedded monitor guest replays to the same
// trace; a changed input is found at the first event it changes; damaged
// files give clear errors.
#include <catch2/catch.hpp>

#include <string>

#include "devices/debug_console.hpp"
#include "devices/exit_port.hpp"
#include "devices/uart16550.hpp"
#include "machine/debugger.hpp"
#include "machine/trace_check.hpp"
#include "roms/embedded.hpp"

using namespace amber;

namespace {
MachineConfig monitor_guest_config() {
    MachineConfig cfg;
    cfg.cpu = CpuModel::i80286;
    cfg.rom.assign(roms::monitor_guest().begin(), roms::monitor_guest().end());
    return cfg;
}

struct Collect final : TraceSink {
    TraceWriter writer{TraceHeader{"test", "cpu=80286", {}, 10}};
    void add(const TraceEvent& e) override { writer.add(e); }
};

// The embedded monitor guest's devices, their output recorded; COM1 on `serial`.
void add_devices(Machine& m, TraceRecorder& rec, std::unique_ptr<CharBackend> serial) {
    m.add_device(std::make_unique<ExitPort>(m));
    m.add_device(std::make_unique<DebugConsole>(
        m.io(), rec.record_backend(std::make_unique<NullCharBackend>(), trace_channel::kDebugConsole)));
    m.add_device(std::make_unique<Uart16550>(m.io(), std::move(serial)));
    m.reset();
}

// Runs the embedded monitor guest on `input`, recording into `sink`; with `replay`,
// the serial input comes from that trace instead.
RunResult run_guest(TraceSink& sink, const std::string& input, const Trace* replay = nullptr) {
    Machine m(monitor_guest_config());
    TraceRecorder rec(m, sink, 10);
    add_devices(m, rec,
                replay ? rec.replay_backend(*replay, trace_channel::kCom1, true)
                       : rec.record_backend(std::make_unique<BufferCharBackend>(input), trace_channel::kCom1));
    RunResult r = m.run(50'000'000);
    rec.finish(r);
    return r;
}
}  // namespace

TEST_CASE("Trace: the same run records the same bytes; a replay matches the recording") {
    Collect a, b;
    run_guest(a, "primes\nexit\n");
    run_guest(b, "primes\nexit\n");
    REQUIRE(a.writer.bytes() == b.writer.bytes());
    const Trace t = parse_trace(a.writer.bytes());
    CHECK(t.header.amber_version == "test");
    CHECK(t.header.checkpoint_log2 == 10);
    size_t checkpoints = 0, outputs = 0, inputs = 0;
    for (const TraceEvent& e : t.events) {
        checkpoints += e.type == TraceEvent::Type::Checkpoint;
        outputs += e.type == TraceEvent::Type::Output;
        inputs += e.type == TraceEvent::Type::Input;
    }
    CHECK(checkpoints > 2);
    CHECK(outputs > 100);
    CHECK(inputs == 13);  // twelve bytes and the end of input
    CHECK(t.events.back().type == TraceEvent::Type::End);

    {
        // Replay into a comparing sink: every event matches.
        Machine m(monitor_guest_config());
        TraceComparer cmp(t, m);
        TraceRecorder rec(m, cmp, 10);
        add_devices(m, rec, rec.replay_backend(t, trace_channel::kCom1, true));
        RunResult r = m.run(50'000'000);
        rec.finish(r);
        CHECK_FALSE(cmp.diverged());
        CHECK(cmp.complete());
    }
}

TEST_CASE("Trace: a different input diverges at the first event it changes") {
    Collect a;
    run_guest(a, "primes\nexit\n");
    const Trace t = parse_trace(a.writer.bytes());
    Machine m(monitor_guest_config());
    TraceComparer cmp(t, m);
    TraceRecorder rec(m, cmp, 10);
    add_devices(m, rec, rec.record_backend(std::make_unique<BufferCharBackend>("primez\nexit\n"), trace_channel::kCom1));
    rec.finish(m.run(50'000'000));
    REQUIRE(cmp.diverged());
    const auto& d = *cmp.divergence();
    REQUIRE(d.expected);
    CHECK(d.expected->type == TraceEvent::Type::Input);
    CHECK(d.expected->c == 's');
    CHECK(d.seen.c == 'z');
}

TEST_CASE("Trace: damaged and foreign files are rejected with a clear message") {
    Collect a;
    run_guest(a, "exit\n");
    std::vector<uint8_t> bytes = a.writer.bytes();
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2));
    CHECK_THROWS_WITH(parse_trace(cut), Catch::Contains("truncated") || Catch::Contains("corrupt"));
    std::vector<uint8_t> foreign = {'G', 'I', 'F', '8', '9', 'a', 0, 0, 0};
    CHECK_THROWS_WITH(parse_trace(foreign), Catch::Contains("not an Amber trace"));
    std::vector<uint8_t> newer = bytes;
    newer[7] = 99;
    CHECK_THROWS_WITH(parse_trace(newer), Catch::Contains("version 99"));
    std::vector<uint8_t> bad = bytes;
    bad.push_back(0xEE);  // an unknown record type
    CHECK_THROWS_WITH(parse_trace(bad), Catch::Contains("corrupt"));
}

TEST_CASE("Trace: a run under the debugger, stopping at breakpoints and watchpoints, records the same trace") {
    Collect plain;
    run_guest(plain, "primes\nexit\n");

    Collect debugged;
    Machine m(monitor_guest_config());
    TraceRecorder rec(m, debugged, 10);
    add_devices(m, rec, rec.record_backend(std::make_unique<BufferCharBackend>("primes\nexit\n"), trace_channel::kCom1));
    Debugger dbg(m);
    Debugger::Breakpoint port;
    port.kind = Debugger::Kind::Port;
    port.address = 0x3F8;
    dbg.add(port);
    Debugger::Breakpoint watch;
    watch.kind = Debugger::Kind::Watch;
    watch.address = 0x400;
    watch.length = 0x100;
    dbg.add(watch);
    unsigned stops = 0;
    Debugger::Stop s;
    for (;;) {
        s = stops % 3 == 0 ? dbg.step(7) : dbg.run(50'000'000 - m.cpu().ticks);
        if (s.why == Debugger::Stop::Why::Machine) break;
        ++stops;
    }
    rec.finish(s.machine);
    CHECK(stops > 10);
    CHECK(debugged.writer.bytes() == plain.writer.bytes());
}

TEST_CASE("Trace: disk requests and keyboard input survive the file format", "[trace]") {
    TraceWriter w(TraceHeader{"test", "kind=pc", {}, 12});
    auto event = [](TraceEvent::Type type, uint64_t tick, uint32_t a, uint32_t b, uint32_t c, uint64_t lba) {
        TraceEvent e;
        e.type = type, e.tick = tick, e.a = a, e.b = b, e.c = c, e.lba = lba;
        return e;
    };
    const TraceEvent disk = event(TraceEvent::Type::DiskRequest, 1000, 5, 0x105, 18, uint64_t(79) << 16 | 1 << 8 | 1);
    const TraceEvent key = event(TraceEvent::Type::Input, 2000, trace_channel::kKeyboard, 0, 0x9E, 0);
    const TraceEvent ata = event(TraceEvent::Type::DiskRequest, 3000, 0, 0x25, 256, 0x123456789Aull);  // beyond 32 bits
    const TraceEvent end = event(TraceEvent::Type::End, 4000, 0, 0, 0, 0);
    for (const TraceEvent& e : {disk, key, ata, end}) w.add(e);
    const Trace t = parse_trace(w.bytes());
    REQUIRE(t.events.size() == 4);
    CHECK(t.events[0] == disk);
    CHECK(t.events[1] == key);
    CHECK(t.events[2] == ata);
    CHECK(t.events[0].describe() == "tick 1000: disk request fdb command 05 write C/H/S 79/1/1, 18 sectors");
    CHECK(t.events[2].describe() == "tick 3000: disk request hda command 25 read LBA 78187493530, 256 sectors");
    CHECK(t.events[1].describe() == "tick 2000: input keyboard key 1E released");
    TraceEvent other = ata;
    other.lba += 1;
    CHECK_FALSE(other == ata);
}

TEST_CASE("Trace: checkpoints hash only pages the dirty log marks, and it misses none") {
    Collect sink;
    Machine m(monitor_guest_config());
    TraceRecorder rec(m, sink, 10);
    rec.verify_dirty_log(true);  // every checkpoint rehashes all RAM and compares
    add_devices(m, rec, std::make_unique<BufferCharBackend>("primes\nexit\n"));
    RunResult r;
    REQUIRE_NOTHROW(r = m.run(50'000'000));
    rec.finish(r);
    // A device write (no CPU, no TLB) is logged too.
    m.memory().clear_dirty_log();
    CHECK_FALSE(m.memory().written_since_clear(0x5000));
    m.memory().write<uint16_t>(0x5000, 0x1234);
    CHECK(m.memory().written_since_clear(0x5000));
    CHECK_FALSE(m.memory().written_since_clear(0x6000));
}
