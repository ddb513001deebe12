// The MC146818 RTC and CMOS RAM through ports 0x70/0x71, with virtual time
// advanced by hand (1 tick = 1 us here), and the PC CMOS layout.
#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "devices/cmos_layout.hpp"
#include "devices/rtc_cmos.hpp"
#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"
#include "tape_archive.hpp"

using namespace amber;
using namespace amber::rtc;

namespace {

constexpr uint64_t kSecond = 1'000'000;
constexpr int64_t kNov14_2023_221320 = 1'700'000'000;  // a Tuesday

struct Rig {
    IoBus io;
    Scheduler sched{kSecond};
    uint64_t now = 0;
    std::vector<std::pair<uint64_t, bool>> irq;
    RtcCmos rtc;

    explicit Rig(int64_t start = kNov14_2023_221320)
        : rtc(io, sched, [this] { return now; }, start, IrqLine([this](bool l) { irq.emplace_back(now, l); })) {}

    uint8_t rd(uint8_t index) {
        io.write(0x70, index, 1);
        return uint8_t(io.read(0x71, 1));
    }
    void wr(uint8_t index, uint8_t v) {
        io.write(0x70, index, 1);
        io.write(0x71, v, 1);
    }
    void advance(uint64_t ticks) {
        uint64_t end = now + ticks;
        while (sched.next_deadline() <= end) {
            now = sched.next_deadline();
            sched.run_due(now);
        }
        now = end;
    }
    std::vector<uint8_t> time() {
        return {rd(YEAR), rd(MONTH), rd(DAY_OF_MONTH), rd(DAY_OF_WEEK), rd(HOURS), rd(MINUTES), rd(SECONDS)};
    }
};

using Bytes = std::vector<uint8_t>;

}  // namespace

TEST_CASE("rtc: starts at the given time, BCD 24-hour", "[rtc]") {
    Rig r;
    CHECK(r.time() == Bytes{0x23, 0x11, 0x14, 0x03, 0x22, 0x13, 0x20});
    CHECK(r.rd(0x32) == 0x20);  // century
    CHECK(r.rd(REG_A) == 0x26);
    CHECK(r.rd(REG_B) == 0x02);
    CHECK(r.rd(REG_C) == 0x00);
    CHECK(r.rd(REG_D) == 0x80);
}

TEST_CASE("rtc: time advances with virtual time", "[rtc]") {
    Rig r;
    r.advance(kSecond - 1);
    CHECK(r.rd(SECONDS) == 0x20);
    r.advance(1);
    CHECK(r.rd(SECONDS) == 0x21);
    r.advance(40 * kSecond);
    CHECK(r.rd(MINUTES) == 0x14);
    CHECK(r.rd(SECONDS) == 0x01);
}

TEST_CASE("rtc: the calendar rolls over days, months, years and leap days", "[rtc]") {
    SECTION("new year") {
        Rig r(1'704'067'199);  // 2023-12-31 23:59:59, Sunday
        CHECK(r.time() == Bytes{0x23, 0x12, 0x31, 0x01, 0x23, 0x59, 0x59});
        r.advance(kSecond);
        CHECK(r.time() == Bytes{0x24, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00});
    }
    SECTION("leap day") {
        Rig r(1'709'164'799);  // 2024-02-28 23:59:59, Wednesday
        r.advance(kSecond);
        CHECK(r.time() == Bytes{0x24, 0x02, 0x29, 0x05, 0x00, 0x00, 0x00});
        r.advance(86'400 * kSecond);
        CHECK(r.time() == Bytes{0x24, 0x03, 0x01, 0x06, 0x00, 0x00, 0x00});
    }
    SECTION("century") {
        Rig r(946'684'799);  // 1999-12-31 23:59:59
        CHECK(r.rd(0x32) == 0x19);
        r.advance(kSecond);
        CHECK(r.time() == Bytes{0x00, 0x01, 0x01, 0x07, 0x00, 0x00, 0x00});
    }
}

TEST_CASE("rtc: binary and 12-hour modes as the guest sets them", "[rtc]") {
    Rig r;
    r.wr(REG_B, B_SET | B_BINARY);  // binary, 12-hour
    r.wr(HOURS, 0x80 | 11);          // 11 PM
    r.wr(MINUTES, 59);
    r.wr(SECONDS, 59);
    r.wr(DAY_OF_MONTH, 30);
    r.wr(MONTH, 4);
    r.wr(REG_B, B_BINARY);
    r.advance(kSecond);
    CHECK(r.rd(HOURS) == 12);  // 12 AM, no PM bit
    CHECK(r.rd(MINUTES) == 0);
    CHECK(r.rd(SECONDS) == 0);
    CHECK(r.rd(DAY_OF_MONTH) == 1);
    CHECK(r.rd(MONTH) == 5);
    // 11:59:59 AM becomes 12 PM (noon).
    r.wr(REG_B, B_SET | B_BINARY);
    r.wr(HOURS, 11);
    r.wr(MINUTES, 59);
    r.wr(SECONDS, 59);
    r.wr(REG_B, B_BINARY);
    r.advance(kSecond);
    CHECK(r.rd(HOURS) == (0x80 | 12));
    // BCD 12-hour: 12 PM rolls to 1 PM.
    r.wr(REG_B, B_SET);
    r.wr(HOURS, 0x80 | 0x12);
    r.wr(MINUTES, 0x59);
    r.wr(SECONDS, 0x59);
    r.wr(REG_B, 0);
    r.advance(kSecond);
    CHECK(r.rd(HOURS) == (0x80 | 0x01));
}

TEST_CASE("rtc: SET stops updates and clears UIE", "[rtc]") {
    Rig r;
    r.wr(REG_B, B_SET | B_UIE | B_24H);
    CHECK(r.rd(REG_B) == (B_SET | B_24H));
    r.advance(5 * kSecond);
    CHECK(r.rd(SECONDS) == 0x20);
    r.wr(SECONDS, 0x00);
    r.wr(REG_B, B_24H);
    r.advance(kSecond);  // the divider kept its phase: the next update is at 6 s
    CHECK(r.rd(SECONDS) == 0x01);
}

TEST_CASE("rtc: UIP is set in the 244 us before an update", "[rtc]") {
    Rig r;
    r.advance(kSecond - 300);
    CHECK_FALSE(r.rd(REG_A) & A_UIP);
    r.advance(100);
    CHECK(r.rd(REG_A) & A_UIP);
    CHECK(r.rd(SECONDS) == 0x20);
    r.advance(200);
    CHECK_FALSE(r.rd(REG_A) & A_UIP);
    CHECK(r.rd(SECONDS) == 0x21);
    r.wr(REG_B, B_SET | B_24H);
    r.advance(kSecond - 100);
    CHECK_FALSE(r.rd(REG_A) & A_UIP);  // no update is coming while SET
}

TEST_CASE("rtc: update-ended interrupt once a second, cleared by reading C", "[rtc]") {
    Rig r;
    r.wr(REG_B, B_UIE | B_24H);
    r.advance(kSecond - 1);
    CHECK(r.irq.empty());
    r.advance(1);
    REQUIRE(r.irq.size() == 1);
    CHECK(r.irq[0] == std::pair<uint64_t, bool>{kSecond, true});
    CHECK(r.rd(REG_C) == (C_IRQF | C_UF | C_PF));  // PF runs at 1024 Hz without PIE
    CHECK(r.irq.back().second == false);
    CHECK(r.rd(REG_C) == 0);
    r.advance(kSecond);
    CHECK(r.irq.back() == std::pair<uint64_t, bool>{2 * kSecond, true});
    // Without reading C, the line stays up across further updates.
    r.advance(3 * kSecond);
    CHECK(r.irq.size() == 3);
}

TEST_CASE("rtc: alarm interrupt, exact and with don't-care bytes", "[rtc]") {
    Rig r;
    r.wr(SECONDS_ALARM, 0x22);
    r.wr(MINUTES_ALARM, 0x13);
    r.wr(HOURS_ALARM, 0x22);
    r.wr(REG_B, B_AIE | B_24H);
    r.advance(kSecond);
    CHECK(r.irq.empty());
    r.advance(kSecond);
    REQUIRE(r.irq.size() == 1);
    CHECK(r.irq[0].first == 2 * kSecond);
    CHECK(r.rd(REG_C) == (C_IRQF | C_AF | C_UF | C_PF));
    // Every hour and minute, at second 30.
    r.wr(MINUTES_ALARM, 0xC0);
    r.wr(HOURS_ALARM, 0xFF);
    r.wr(SECONDS_ALARM, 0x30);
    r.advance(7 * kSecond);  // 22:13:29
    CHECK(r.irq.size() == 2);
    r.advance(kSecond);
    CHECK(r.irq.size() == 3);
    CHECK(r.rd(REG_C) == (C_IRQF | C_AF | C_UF | C_PF));
    r.advance(60 * kSecond);
    CHECK(r.rd(REG_C) == (C_IRQF | C_AF | C_UF | C_PF));
}

TEST_CASE("rtc: periodic interrupt at the rate register A selects", "[rtc]") {
    Rig r;
    SECTION("1024 Hz") {
        r.wr(REG_B, B_PIE | B_24H);
        unsigned count = 0;
        while (r.now < kSecond) {
            r.advance(r.sched.next_deadline() - r.now);
            if (r.rd(REG_C) & C_PF) ++count;
        }
        CHECK(count == 1024);
        CHECK(r.irq.size() == 2 * 1024);
        CHECK(r.irq[0].first == 977);  // 976.5625 us, rounded up
    }
    SECTION("2 Hz") {
        r.wr(REG_A, 0x2F);
        r.wr(REG_B, B_PIE | B_24H);
        r.advance(kSecond);
        CHECK(r.irq.size() == 1);  // the second edge came with the line still up
        CHECK(r.irq[0].first == kSecond / 2);
        CHECK(r.rd(REG_C) == (C_IRQF | C_PF | C_UF));
    }
    SECTION("PF is set without PIE, and raises nothing") {
        r.advance(2000);
        CHECK(r.rd(REG_C) == C_PF);
        CHECK(r.rd(REG_C) == 0);
        r.advance(929);
        CHECK(r.rd(REG_C) == 0);  // the third edge is at 2929.69 us
        r.advance(1);
        CHECK(r.rd(REG_C) == C_PF);
        CHECK(r.irq.empty());
    }
    SECTION("rate 0 turns it off") {
        r.wr(REG_A, 0x20);
        r.wr(REG_B, B_PIE | B_24H);
        r.advance(10'000);
        CHECK(r.rd(REG_C) == 0);
        CHECK(r.irq.empty());
    }
    SECTION("enabling PIE with PF already set interrupts at once") {
        r.advance(5000);
        r.wr(REG_B, B_PIE | B_24H);
        REQUIRE(r.irq.size() == 1);
        CHECK(r.irq[0].first == 5000);
    }
}

TEST_CASE("rtc: divider reset stops the clock; the first update follows half a second later", "[rtc]") {
    Rig r;
    r.wr(REG_A, 0x70);
    r.advance(5 * kSecond);
    CHECK(r.rd(SECONDS) == 0x20);
    r.wr(REG_A, 0x26);
    r.advance(kSecond / 2 - 1);
    CHECK(r.rd(SECONDS) == 0x20);
    r.advance(1);
    CHECK(r.rd(SECONDS) == 0x21);
    r.advance(kSecond);
    CHECK(r.rd(SECONDS) == 0x22);
}

TEST_CASE("rtc: a long quiet gap catches up, alarms included", "[rtc]") {
    Rig r;
    r.wr(HOURS_ALARM, 0x03);
    r.wr(MINUTES_ALARM, 0x00);
    r.wr(SECONDS_ALARM, 0x00);
    r.advance((3 * 86'400 + 5) * kSecond);
    CHECK(r.time() == Bytes{0x23, 0x11, 0x17, 0x06, 0x22, 0x13, 0x25});
    CHECK(r.rd(REG_C) == (C_AF | C_UF | C_PF));
    r.advance(100 * 86'400 * kSecond);
    CHECK(r.time() == Bytes{0x24, 0x02, 0x25, 0x01, 0x22, 0x13, 0x25});
}

TEST_CASE("rtc: port 0x70 bit 7 is the NMI mask; CMOS RAM keeps its bytes", "[rtc]") {
    Rig r;
    r.io.write(0x70, 0x80 | 0x40, 1);
    CHECK(r.rtc.nmi_masked());
    r.io.write(0x71, 0xA5, 1);
    r.io.write(0x70, 0x40, 1);
    CHECK_FALSE(r.rtc.nmi_masked());
    CHECK(r.io.read(0x71, 1) == 0xA5);
    CHECK(r.rtc.nvram(0x40) == 0xA5);
    CHECK(r.rtc.nvram(0xC0) == 0xA5);  // indices wrap at 128
    r.rtc.set_nvram(0x7F, 0x5A);
    CHECK(r.rd(0x7F) == 0x5A);
    r.wr(REG_D, 0x00);
    CHECK(r.rd(REG_D) == 0x80);
    r.wr(REG_C, 0xFF);
    CHECK(r.rd(REG_C) == 0x00);
}

TEST_CASE("rtc: nvram() peeks at register C without clearing it", "[rtc]") {
    Rig r;
    r.advance(kSecond);
    CHECK(r.rtc.nvram(REG_C) & C_UF);
    CHECK(r.rtc.nvram(REG_C) & C_UF);
    CHECK(r.rd(REG_C) & C_UF);
    CHECK_FALSE(r.rtc.nvram(REG_C) & C_UF);
}

TEST_CASE("rtc: reset clears interrupt enables and flags, not the time", "[rtc]") {
    Rig r;
    r.wr(REG_B, B_PIE | B_UIE | B_AIE | B_24H);
    r.advance(kSecond);
    CHECK(r.rtc.irq_level());
    r.rtc.reset();
    CHECK_FALSE(r.rtc.irq_level());
    CHECK(r.irq.back().second == false);
    CHECK(r.rd(REG_B) == B_24H);
    CHECK(r.rd(SECONDS) == 0x21);
    CHECK(r.sched.next_deadline() == Scheduler::kNever);  // nothing needs an event
}

TEST_CASE("rtc: state survives a save and load", "[rtc]") {
    Rig a;
    a.wr(REG_B, B_UIE | B_24H);
    a.wr(0x50, 0x77);
    a.advance(kSecond + 1234);
    test::TapeArchive tape;
    a.rtc.visit(tape);
    tape.rewind_for_loading();

    Rig b(0);
    b.now = a.now;
    b.rtc.visit(tape);
    CHECK(b.rtc.irq_level());
    CHECK(b.rd(0x50) == 0x77);
    a.advance(5 * kSecond);
    b.advance(5 * kSecond);
    CHECK(a.time() == b.time());
    CHECK(a.rd(REG_C) == b.rd(REG_C));
}

TEST_CASE("cmos: the PC layout as SeaBIOS reads it", "[rtc]") {
    Rig r;
    CmosLayout l = CmosLayout::for_ram(128ull << 20, 2ull << 30);
    l.floppies = {FloppyType::M1_44, FloppyType::None};
    l.disks[0] = {true, 1024, 16, 63, DiskTranslation::Lba};
    l.disks[2] = {true, 100, 4, 17, DiskTranslation::Large};
    l.boot_order = {BootDevice::Cdrom, BootDevice::HardDisk, BootDevice::Floppy};
    l.check_floppy_signature = false;
    l.cpus = 2;
    fill_pc_cmos(r.rtc, l);
    auto nv = [&](uint8_t i) { return r.rd(i); };

    CHECK((nv(0x15) | nv(0x16) << 8) == 640);
    CHECK((nv(0x17) | nv(0x18) << 8) == 0xFFFF);
    CHECK((nv(0x30) | nv(0x31) << 8) == 0xFFFF);
    // SeaBIOS: RAM below 4 GiB = (0x34/0x35 in 64 KiB) + 16 MiB.
    uint64_t ram = (uint64_t(nv(0x34) | nv(0x35) << 8) << 16) + (16u << 20);
    CHECK(ram == 128ull << 20);
    uint64_t high = uint64_t(nv(0x5B)) << 16 | uint64_t(nv(0x5C)) << 24 | uint64_t(nv(0x5D)) << 32;
    CHECK(high == 2ull << 30);
    CHECK(nv(0x10) == 0x40);
    CHECK(nv(0x14) == 0x03);  // one floppy, FPU, VGA
    CHECK(nv(0x12) == 0xF0);
    CHECK(nv(0x19) == 47);
    CHECK(nv(0x1A) == 0);
    CHECK(Bytes{nv(0x1B), nv(0x1C), nv(0x1D), nv(0x1E), nv(0x1F), nv(0x20), nv(0x21), nv(0x22), nv(0x23)} ==
          Bytes{0x00, 0x04, 16, 0xFF, 0xFF, 0xC8, 0x00, 0x04, 63});
    CHECK(nv(0x39) == (0x01 | 0x02 << 4));  // drive 0 LBA, drive 2 large
    // SeaBIOS's boot order: 0x3D low, 0x3D high, 0x38 high nibble.
    uint32_t order = nv(0x3D) | (nv(0x38) & 0xF0) << 4;
    CHECK((order & 0xF) == 3);
    CHECK((order >> 4 & 0xF) == 2);
    CHECK((order >> 8 & 0xF) == 1);
    CHECK((nv(0x38) & 1) == 1);  // no floppy signature check
    CHECK(nv(0x5F) == 1);
    CHECK(nv(0x32) == 0x20);  // the clock's century is kept
    uint16_t sum = 0;
    for (uint8_t i = 0x10; i <= 0x2D; ++i) sum = uint16_t(sum + nv(i));
    CHECK(nv(0x2E) == (sum >> 8));
    CHECK(nv(0x2F) == (sum & 0xFF));
    CHECK(sum != 0);
}

TEST_CASE("cmos: small memory, two floppies, equipment override", "[rtc]") {
    Rig r;
    CmosLayout l = CmosLayout::for_ram(8u << 20);
    CHECK(l.extended_memory_kib == 7 * 1024);
    CHECK(l.memory_above_16m_64k == 0);
    l.floppies = {FloppyType::M1_2, FloppyType::K720};
    l.fpu = false;
    l.century = 0x21;
    fill_pc_cmos(r.rtc, l);
    CHECK((r.rd(0x17) | r.rd(0x18) << 8) == 7168);
    CHECK((r.rd(0x34) | r.rd(0x35) << 8) == 0);
    CHECK(r.rd(0x10) == 0x23);
    CHECK(r.rd(0x14) == 0x41);  // two floppies, no FPU
    CHECK(r.rd(0x12) == 0x00);
    CHECK(r.rd(0x32) == 0x21);
    CHECK(r.rd(0x3D) == 0x21);  // default order: floppy, hard disk, CD
    CHECK(r.rd(0x38) == 0x30);
    l.equipment = 0x2D;
    fill_pc_cmos(r.rtc, l);
    CHECK(r.rd(0x14) == 0x2D);
    CHECK(CmosLayout::for_ram(512u << 10).base_memory_kib == 512);
}
