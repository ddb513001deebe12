// The 8254 PIT and port 0x61, driven through their ports with virtual time
// advanced by hand. Most tests run the scheduler at exactly the PIT's rate,
// so one tick is one PIT clock and edges land on exact ticks.
#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "devices/pit8254.hpp"
#include "devices/system_control_b.hpp"
#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"
#include "tape_archive.hpp"

using namespace amber;

namespace {

struct Rig {
    IoBus io;
    Scheduler sched;
    uint64_t now = 0;
    std::vector<std::pair<uint64_t, bool>> irq;  // (tick, level) for every change of IRQ 0
    Pit8254 pit;
    SystemControlB port61;

    explicit Rig(uint64_t tps = Pit8254::kClockHz)
        : sched(tps),
          pit(io, sched, [this] { return now; }, IrqLine([this](bool l) { irq.emplace_back(now, l); })),
          port61(io, sched, [this] { return now; }, pit) {}

    uint8_t in(uint16_t port) { return uint8_t(io.read(port, 1)); }
    void out(uint16_t port, uint8_t v) { io.write(port, v, 1); }
    // As the machine does: run to each deadline, fire it, go on.
    void advance(uint64_t ticks) {
        uint64_t end = now + ticks;
        while (sched.next_deadline() <= end) {
            now = sched.next_deadline();
            sched.run_due(now);
        }
        now = end;
    }
    void program(unsigned counter, uint8_t mode_bits, uint16_t count) {
        out(0x43, uint8_t(counter << 6 | 0x30 | mode_bits));
        out(uint16_t(0x40 + counter), uint8_t(count));
        out(uint16_t(0x40 + counter), uint8_t(count >> 8));
    }
    uint16_t read_latched(unsigned counter) {
        out(0x43, uint8_t(counter << 6));  // counter latch
        uint8_t lo = in(uint16_t(0x40 + counter));
        return uint16_t(lo | in(uint16_t(0x40 + counter)) << 8);
    }
    std::vector<uint64_t> edges(bool rising) const {
        std::vector<uint64_t> v;
        for (auto [t, l] : irq)
            if (l == rising) v.push_back(t);
        return v;
    }
    bool out2() { return in(0x61) & 0x20; }
};

}  // namespace

TEST_CASE("pit: mode 2 drives IRQ 0 with a one-clock low pulse every period", "[pit]") {
    Rig r;
    r.program(0, 0x04, 100);  // written at clock 0, loaded at clock 1
    REQUIRE(!r.irq.empty());
    CHECK(r.irq.back().second == true);  // mode 2: OUT high
    r.advance(50);
    CHECK(r.read_latched(0) == 100 - 49);
    r.advance(1000 - 50);
    CHECK(r.edges(false) == std::vector<uint64_t>{100, 200, 300, 400, 500, 600, 700, 800, 900, 1000});
    CHECK(r.edges(true) == std::vector<uint64_t>{0, 101, 201, 301, 401, 501, 601, 701, 801, 901});
}

TEST_CASE("pit: mode 2 takes a new count at the end of the period", "[pit]") {
    Rig r;
    r.program(0, 0x04, 100);
    r.advance(30);
    r.program(0, 0x04, 100);  // a control word restarts the counter
    r.advance(20);
    r.out(0x40, 50);
    r.out(0x40, 0);  // new count 50: the current period of 100 still ends
    r.irq.clear();
    r.advance(400);
    // Reloaded at 31; period ends at 131 (low at 130), then periods of 50.
    CHECK(r.edges(false) == std::vector<uint64_t>{130, 180, 230, 280, 330, 380, 430});
    CHECK(r.edges(true) == std::vector<uint64_t>{131, 181, 231, 281, 331, 381, 431});
}

TEST_CASE("pit: mode 3 square wave, even and odd counts", "[pit]") {
    Rig r;
    SECTION("even: half high, half low, counting by two") {
        r.program(0, 0x06, 10);
        r.advance(1);
        CHECK(r.read_latched(0) == 10);
        r.advance(1);
        CHECK(r.read_latched(0) == 8);
        r.advance(60);
        CHECK(r.edges(false) == std::vector<uint64_t>{6, 16, 26, 36, 46, 56});
        CHECK(r.edges(true) == std::vector<uint64_t>{0, 11, 21, 31, 41, 51, 61});
    }
    SECTION("odd: one more clock high than low") {
        r.program(0, 0x06, 7);
        r.advance(30);
        CHECK(r.edges(false) == std::vector<uint64_t>{5, 12, 19, 26});
        CHECK(r.edges(true) == std::vector<uint64_t>{0, 8, 15, 22, 29});
    }
}

TEST_CASE("pit: mode 0 raises OUT at terminal count and keeps counting", "[pit]") {
    Rig r;
    r.program(0, 0x00, 16);
    CHECK(r.irq.empty());  // OUT low, as it already was after reset
    CHECK_FALSE(r.pit.out(0));
    r.advance(10);
    CHECK(r.read_latched(0) == 16 - 9);
    r.advance(7);  // clock 17 = load (1) + 16
    CHECK(r.edges(true) == std::vector<uint64_t>{17});
    r.advance(3);
    CHECK(r.read_latched(0) == 0xFFFD);  // wrapped through zero
    CHECK(r.irq.back().second == true);
}

TEST_CASE("pit: mode 0 two-byte write: the first byte stops the count and drops OUT", "[pit]") {
    Rig r;
    r.program(0, 0x00, 5);
    r.advance(10);
    CHECK(r.irq.back().second == true);
    r.out(0x40, 20);
    CHECK(r.irq.back().second == false);
    r.advance(100);
    CHECK(r.irq.back().second == false);  // nothing counts without the second byte
    r.out(0x40, 0);
    r.advance(20);
    CHECK(r.irq.back().second == false);
    r.advance(1);
    CHECK(r.irq.back() == std::pair<uint64_t, bool>{131, true});
}

TEST_CASE("pit: the gate holds a mode 0 count", "[pit]") {
    Rig r;
    r.out(0x61, 0x01);  // gate 2 high
    r.program(2, 0x00, 100);
    r.advance(11);
    CHECK(r.read_latched(2) == 90);
    r.out(0x61, 0x00);
    r.advance(50);
    CHECK(r.read_latched(2) == 90);
    r.out(0x61, 0x01);
    r.advance(90);
    CHECK(r.read_latched(2) == 0);
    CHECK(r.out2());
}

TEST_CASE("pit: mode 1 one-shot starts on the gate's rising edge and retriggers", "[pit]") {
    Rig r;
    r.program(2, 0x02, 5);
    r.advance(10);
    CHECK(r.out2());  // waits for a trigger
    r.out(0x61, 0x01);  // trigger at 10: loaded at 11
    r.advance(1);
    CHECK_FALSE(r.out2());
    r.advance(4);
    CHECK_FALSE(r.out2());
    r.advance(1);  // 16 = 11 + 5
    CHECK(r.out2());
    r.out(0x61, 0x00);
    r.advance(2);
    r.out(0x61, 0x01);  // retrigger at 18
    r.advance(3);
    CHECK_FALSE(r.out2());
    CHECK(r.read_latched(2) == 3);
}

TEST_CASE("pit: mode 4 strobes OUT low for one clock at terminal count", "[pit]") {
    Rig r;
    r.program(0, 0x08, 8);
    r.advance(30);
    CHECK(r.edges(false) == std::vector<uint64_t>{9});
    CHECK(r.edges(true) == std::vector<uint64_t>{0, 10});
    r.program(0, 0x08, 8);  // writing again retriggers
    r.advance(30);
    CHECK(r.edges(false) == std::vector<uint64_t>{9, 39});
}

TEST_CASE("pit: mode 5 strobes after a gate trigger", "[pit]") {
    Rig r;
    r.program(2, 0x0A, 4);
    r.advance(20);
    CHECK(r.out2());
    r.out(0x61, 0x01);  // trigger at 20, loaded at 21, strobe at 25
    r.advance(5);
    CHECK_FALSE(r.out2());
    r.advance(1);
    CHECK(r.out2());
}

TEST_CASE("pit: mode 2 and 3 gates stop with OUT high and reload on the rising edge", "[pit]") {
    Rig r;
    r.program(2, 0x06, 10);
    CHECK(r.out2());  // no gate yet: nothing counts
    r.out(0x61, 0x01);
    r.advance(7);  // loaded at 1, low from 6
    CHECK_FALSE(r.out2());
    r.out(0x61, 0x00);
    CHECK(r.out2());
    r.advance(100);
    CHECK(r.out2());
    r.out(0x61, 0x01);  // reload at 108
    r.advance(1);
    CHECK(r.read_latched(2) == 10);
    r.advance(5);
    CHECK_FALSE(r.out2());
}

TEST_CASE("pit: BCD counting", "[pit]") {
    Rig r;
    r.program(0, 0x01, 0x0100);  // mode 0, BCD 100
    r.advance(11);
    CHECK(r.read_latched(0) == 0x0090);
    r.advance(100);
    CHECK(r.read_latched(0) == 0x9990);  // wrapped in decimal
    r.program(0, 0x05, 0x0000);  // mode 2, BCD 0 = 10000
    r.advance(1);
    CHECK(r.read_latched(0) == 0x0000);
    r.advance(1);
    CHECK(r.read_latched(0) == 0x9999);
    r.irq.clear();
    r.advance(20000);
    CHECK(r.edges(true).size() == 2);
}

TEST_CASE("pit: LSB-only and MSB-only access", "[pit]") {
    Rig r;
    r.out(0x43, 0x10);  // counter 0, LSB only, mode 0
    r.out(0x40, 0x20);
    r.advance(1);
    CHECK(r.in(0x40) == 0x20);
    CHECK(r.in(0x40) == 0x20);  // no toggle
    r.out(0x43, 0x20);  // MSB only
    r.out(0x40, 0x02);  // 512
    r.advance(1);
    CHECK(r.in(0x40) == 0x02);  // loaded: 512
    r.advance(1);
    CHECK(r.in(0x40) == 0x01);  // 511
}

TEST_CASE("pit: a latched count holds until read; a second latch is ignored", "[pit]") {
    Rig r;
    r.program(0, 0x04, 1000);
    r.advance(101);
    r.out(0x43, 0x00);
    r.advance(50);
    r.out(0x43, 0x00);  // ignored: the first latch is still unread
    CHECK(r.in(0x40) == uint8_t(900));
    r.advance(10);
    CHECK(r.in(0x40) == uint8_t(900 >> 8));
    // Unlatched reads follow the counter, LSB then MSB.
    uint8_t lo = r.in(0x40);
    uint8_t hi = r.in(0x40);
    CHECK(uint16_t(lo | hi << 8) == 1000 - 160);
}

TEST_CASE("pit: read-back latches status and count", "[pit]") {
    Rig r;
    r.program(0, 0x04, 500);
    r.out(0x43, 0xE2);  // status only, counter 0, same clock as the write
    CHECK(r.in(0x40) == (0x80 | 0x40 | 0x34));  // OUT high, null count, control word
    r.advance(3);
    r.out(0x43, 0xC2);  // status and count
    r.advance(100);
    CHECK(r.in(0x40) == (0x80 | 0x34));  // count loaded: null count cleared
    uint8_t lo = r.in(0x40);
    uint8_t hi = r.in(0x40);
    CHECK(uint16_t(lo | hi << 8) == 500 - 2);
    r.out(0x43, 0xD2);  // count only
    r.advance(1);
    lo = r.in(0x40);
    hi = r.in(0x40);
    CHECK(uint16_t(lo | hi << 8) == 500 - 102);
    // Mode 0 before terminal count: OUT low in the status.
    r.program(1, 0x00, 10);
    r.advance(2);
    r.out(0x43, 0xE4);
    CHECK(r.in(0x41) == 0x30);
    r.advance(10);
    r.out(0x43, 0xE4);
    CHECK(r.in(0x41) == 0xB0);
    CHECK(r.in(0x43) == 0xFF);  // the control register cannot be read
}

TEST_CASE("pit: a new count during mode 2 shows as null count until the reload", "[pit]") {
    Rig r;
    r.program(0, 0x04, 100);
    r.advance(10);
    r.out(0x40, 10);
    r.out(0x40, 0);
    r.out(0x43, 0xE2);
    CHECK(r.in(0x40) & 0x40);
    r.advance(91);  // reload at 101
    r.out(0x43, 0xE2);
    CHECK_FALSE(r.in(0x40) & 0x40);
}

TEST_CASE("pit: port 0x61 gates counter 2, shows OUT2 and a refresh toggle", "[pit]") {
    Rig r(100'000'000);
    r.out(0x61, 0x0F);
    CHECK((r.in(0x61) & 0x0F) == 0x0F);
    CHECK(r.pit.gate(2));
    CHECK(r.port61.speaker_enabled());
    r.out(0x61, 0x00);
    CHECK_FALSE(r.pit.gate(2));
    // 15.085 us per toggle = 1508.5 ticks at 100 MHz.
    uint8_t b0 = r.in(0x61) & 0x10;
    r.advance(1509);
    uint8_t b1 = r.in(0x61) & 0x10;
    r.advance(1509);
    uint8_t b2 = r.in(0x61) & 0x10;
    CHECK(b0 != b1);
    CHECK(b1 != b2);
    // OUT2 of a square wave, seen through bit 5.
    r.out(0x61, 0x01);
    r.program(2, 0x06, 1000);  // 1193 Hz
    int highs = 0, lows = 0;
    for (int i = 0; i < 1000; ++i) {
        r.advance(1000);
        (r.in(0x61) & 0x20) ? ++highs : ++lows;
    }
    CHECK(highs > 400);
    CHECK(lows > 400);
}

TEST_CASE("pit: IRQ 0 at the usual 100 Hz over one second of 100 M ticks", "[pit]") {
    Rig r(100'000'000);
    r.program(0, 0x04, 11932);
    r.irq.clear();
    r.advance(100'000'000);
    auto rises = r.edges(true);
    CHECK(rises.size() >= 99);
    CHECK(rises.size() <= 101);
    // Each rising edge is 11932 PIT clocks after the previous one (to a tick).
    for (size_t i = 1; i < rises.size(); ++i) {
        uint64_t d = rises[i] - rises[i - 1];
        CHECK(d >= 1'000'000 - 1);
        CHECK(d <= 1'000'025);
    }
}

TEST_CASE("pit: an event that runs late still plays every edge in order", "[pit]") {
    Rig r;
    r.program(0, 0x04, 10);
    r.irq.clear();
    r.now = 35;  // the machine comes back late
    r.sched.run_due(r.now);
    // Falls at 10, 20, 30 and rises at 11, 21, 31, all played at tick 35.
    REQUIRE(r.irq.size() == 6);
    for (size_t i = 0; i < r.irq.size(); ++i) CHECK(r.irq[i].second == (i % 2 == 1));
    r.advance(10);
    CHECK(r.edges(false).size() == 4);  // 40 came on time
    CHECK(r.irq.back().first == 41);
}

TEST_CASE("pit: state survives a save and load", "[pit]") {
    Rig a;
    a.program(0, 0x04, 300);
    a.advance(50);
    a.out(0x40, 100);
    a.out(0x40, 0);  // pending count
    a.out(0x43, 0x80 | 0x30 | 0x06);
    a.out(0x42, 0x40);  // counter 2 half-written
    test::TapeArchive tape;
    a.pit.visit(tape);
    tape.rewind_for_loading();

    Rig b;
    b.now = a.now;
    b.pit.visit(tape);
    b.out(0x42, 0x00);
    a.out(0x42, 0x00);
    a.irq.clear();
    b.irq.clear();
    a.advance(1000);
    b.advance(1000);
    CHECK(a.irq == b.irq);
    CHECK(a.edges(false).front() == 300);
    CHECK(a.read_latched(0) == b.read_latched(0));
    CHECK(a.read_latched(2) == b.read_latched(2));
}

TEST_CASE("pit: OUT read at any clock agrees with the IRQ 0 edges, in every mode", "[pit]") {
    for (unsigned mode = 0; mode < 6; ++mode) {
        for (uint16_t count : {2, 5, 7, 10}) {
            Rig r;
            bool triggered = mode == 1 || mode == 5;
            if (triggered) r.pit.set_gate(0, false);
            r.program(0, uint8_t(mode << 1), count);
            for (unsigned t = 1; t <= 120; ++t) {
                r.advance(1);
                if (triggered && (t == 5 || t == 60)) r.pit.set_gate(0, true);
                if (triggered && t == 40) r.pit.set_gate(0, false);
                bool line = r.irq.empty() ? false : r.irq.back().second;
                INFO("mode " << mode << " count " << count << " clock " << t);
                REQUIRE(r.pit.out(0) == line);
            }
        }
    }
}

TEST_CASE("pit: mode 3 with an odd count is high one clock longer", "[pit]") {
    Rig r;
    r.out(0x61, 0x01);
    r.program(2, 0x06, 5);  // loaded at 1: high 1-3, low 4-5, high 6-8 ...
    std::vector<bool> seen;
    for (int t = 0; t < 11; ++t) {
        seen.push_back(r.out2());
        r.advance(1);
    }
    CHECK(seen == std::vector<bool>{true, true, true, true, false, false, true, true, true, false, false});
}
