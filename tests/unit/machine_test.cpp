// The machine's backbone: physical memory, I/O bus, scheduler.
#include <catch2/catch.hpp>

#include <vector>

#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"
#include "mmu/phys_memory.hpp"

using namespace amber;

namespace {
struct RecordingMmio : MmioHandler {
    std::vector<std::pair<uint32_t, unsigned>> reads;
    uint32_t mmio_read(uint32_t off, unsigned size) override {
        reads.push_back({off, size});
        return 0xA5;
    }
    void mmio_write(uint32_t, uint32_t, unsigned) override {}
};
struct BytePort : IoHandler {
    uint8_t value;
    explicit BytePort(uint8_t v) : value(v) {}
    uint32_t io_read(uint16_t, unsigned) override { return value; }
    void io_write(uint16_t, uint32_t v, unsigned) override { value = uint8_t(v); }
};
}  // namespace

TEST_CASE("physical memory: RAM, ROM, MMIO and open bus") {
    PhysMemory m;
    m.add_ram(0, 0x10000);
    std::vector<uint8_t> rom(4096, 0x11);
    m.add_rom(0xF0000, rom);
    RecordingMmio mmio;
    m.add_mmio(0xA0000, 0x1000, &mmio);

    m.write<uint32_t>(0x1FFE, 0x44332211);  // crosses a page boundary
    CHECK(m.read<uint32_t>(0x1FFE) == 0x44332211);
    CHECK(m.read8(0x1FFE) == 0x11);
    m.write8(0xF0010, 0x99);
    CHECK(m.read8(0xF0010) == 0x11);  // ROM ignores writes
    CHECK(m.read8(0x500000) == 0xFF);  // nothing mapped
    CHECK(m.read8(0xA0004) == 0xA5);
    REQUIRE(mmio.reads.size() == 1);
    CHECK(mmio.reads[0].first == 4);
    CHECK_THROWS(m.add_ram(0x8000, 0x1000));  // overlaps
    CHECK_THROWS(m.add_ram(0x20001, 0x1000)); // unaligned
}

TEST_CASE("a write to a code page notifies the listener once") {
    struct Listener : CodeWriteListener {
        std::vector<uint32_t> pages;
        void code_page_written(uint32_t p) override { pages.push_back(p); }
    } l;
    PhysMemory m;
    m.add_ram(0, 0x10000);
    m.set_code_listener(&l);
    m.mark_code(0x3000);
    m.write8(0x3004, 1);
    m.write8(0x3005, 1);
    REQUIRE(l.pages == std::vector<uint32_t>{3});
}

TEST_CASE("I/O bus: unclaimed ports float high, wide accesses split across devices") {
    IoBus io;
    BytePort a(0x12), b(0x34);
    io.map(0x60, 1, &a);
    io.map(0x61, 1, &b);
    CHECK(io.read(0x100, 1) == 0xFF);
    CHECK(io.read(0x100, 2) == 0xFFFF);
    CHECK(io.read(0x60, 2) == 0x3412);
    io.write(0x60, 0xBEEF, 2);
    CHECK(a.value == 0xEF);
    CHECK(b.value == 0xBE);
    CHECK_THROWS(io.map(0x60, 1, &b));
}

TEST_CASE("scheduler fires events in deadline order, ties by registration") {
    Scheduler s(1'000'000);
    std::vector<int> order;
    auto e1 = s.add_event("a", [&](uint64_t) { order.push_back(1); });
    auto e2 = s.add_event("b", [&](uint64_t) { order.push_back(2); });
    auto e3 = s.add_event("c", [&](uint64_t) { order.push_back(3); });
    s.schedule(e2, 100);
    s.schedule(e1, 100);
    s.schedule(e3, 50);
    CHECK(s.next_deadline() == 50);
    s.run_due(99);
    CHECK(order == std::vector<int>{3});
    s.run_due(100);
    CHECK(order == std::vector<int>{3, 1, 2});
    CHECK(s.next_deadline() == Scheduler::kNever);
    CHECK(s.ns_to_ticks(1'000'000'000) == 1'000'000);
    CHECK(s.ticks_to_ns(1) == 1000);
}
