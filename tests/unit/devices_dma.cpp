// The two 8237A DMA controllers and the page registers, programmed through
// the I/O bus as a BIOS or driver does, and driven by a device pulling data.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/dma8237.hpp"
#include "machine/io_bus.hpp"
#include "mmu/phys_memory.hpp"

using namespace amber;
using namespace amber::dma;

namespace {

struct Rig {
    IoBus io;
    PhysMemory mem;
    Dma8237 dma{io, mem};

    Rig() { mem.add_ram(0, 4u << 20); }
    void out(uint16_t p, uint8_t v) { io.write(p, v, 1); }
    uint8_t in(uint16_t p) { return static_cast<uint8_t>(io.read(p, 1)); }

    // Unmasks the cascade channel, as every AT BIOS does.
    void enable_cascade() {
        out(0xD6, MODE_CASCADE | 0);  // mode register of controller 1, channel 4
        out(0xD4, 0x00);              // single mask: clear channel 4
    }
    // Programs an 8-bit channel (0-3) for `units` transfers.
    void program8(unsigned ch, uint32_t addr, uint32_t units, uint8_t mode) {
        static const uint16_t page_port[4] = {0x87, 0x83, 0x81, 0x82};
        out(0x0A, uint8_t(4 | ch));
        out(0x0C, 0);
        out(0x0B, uint8_t(mode | ch));
        out(uint16_t(ch * 2), uint8_t(addr));
        out(uint16_t(ch * 2), uint8_t(addr >> 8));
        out(page_port[ch], uint8_t(addr >> 16));
        out(uint16_t(ch * 2 + 1), uint8_t(units - 1));
        out(uint16_t(ch * 2 + 1), uint8_t((units - 1) >> 8));
        out(0x0A, uint8_t(ch));
    }
};

std::vector<uint8_t> counting(size_t n, uint8_t start = 1) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = uint8_t(start + i);
    return v;
}

}  // namespace

TEST_CASE("dma: address and count registers go through the flip-flop", "[dma]") {
    Rig r;
    r.out(0x0C, 0);  // clear flip-flop
    r.out(0x04, 0x34);
    r.out(0x04, 0x12);
    r.out(0x05, 0xFF);
    r.out(0x05, 0x01);
    r.out(0x81, 0x05);
    r.out(0x0C, 0);
    CHECK(r.in(0x04) == 0x34);
    CHECK(r.in(0x04) == 0x12);
    CHECK(r.in(0x05) == 0xFF);
    CHECK(r.in(0x05) == 0x01);
    CHECK(r.in(0x81) == 0x05);
    CHECK(r.dma.physical_address(2) == 0x051234);
    CHECK(r.dma.current_count(2) == 0x01FF);
    // Page registers that belong to no channel still hold a byte.
    r.out(0x8C, 0xA5);
    CHECK(r.in(0x8C) == 0xA5);
    // 0x80 is the POST code port: another device's.
    CHECK(r.io.handler_at(0x80) == nullptr);
    CHECK(r.io.handler_at(0x81) == &r.dma);
}

TEST_CASE("dma: an 8-bit write transfer fills memory and ends at terminal count", "[dma]") {
    Rig r;
    r.enable_cascade();
    r.program8(2, 0x012340, 16, MODE_SINGLE | MODE_WRITE);
    auto data = counting(32);
    DmaTransfer t = r.dma.transfer(2, data, DmaDirection::ToMemory);
    CHECK(t.bytes == 16);
    CHECK(t.terminal_count);
    for (uint32_t i = 0; i < 16; ++i) CHECK(r.mem.read8(0x012340 + i) == data[i]);
    CHECK(r.mem.read8(0x012350) == 0);  // not a byte more
    // TC: status bit 2 set once (reading clears it), channel masked itself.
    CHECK((r.in(0x08) & 0x0F) == 0x04);
    CHECK((r.in(0x08) & 0x0F) == 0x00);
    CHECK(r.dma.masked(2));
    CHECK(r.dma.transfer(2, data, DmaDirection::ToMemory).bytes == 0);
}

TEST_CASE("dma: partial transfers continue where they stopped", "[dma]") {
    Rig r;
    r.enable_cascade();
    r.program8(1, 0x2000, 10, MODE_DEMAND | MODE_WRITE);
    auto a = counting(4, 0x10), b = counting(6, 0x20);
    DmaTransfer t1 = r.dma.transfer(1, a, DmaDirection::ToMemory);
    CHECK(t1.bytes == 4);
    CHECK_FALSE(t1.terminal_count);
    CHECK(r.dma.current_count(1) == 5);
    DmaTransfer t2 = r.dma.transfer(1, b, DmaDirection::ToMemory);
    CHECK(t2.bytes == 6);
    CHECK(t2.terminal_count);
    CHECK(r.mem.read8(0x2003) == 0x13);
    CHECK(r.mem.read8(0x2004) == 0x20);
    CHECK(r.mem.read8(0x2009) == 0x25);
}

TEST_CASE("dma: read transfers, decrement, verify and auto-init", "[dma]") {
    Rig r;
    r.enable_cascade();
    for (uint32_t i = 0; i < 8; ++i) r.mem.write8(0x3000 + i, uint8_t(0xA0 + i));

    SECTION("memory to device") {
        r.program8(3, 0x3000, 8, MODE_BLOCK | MODE_READ);
        std::vector<uint8_t> buf(8);
        CHECK(r.dma.transfer(3, buf, DmaDirection::FromMemory).bytes == 8);
        CHECK(buf == std::vector<uint8_t>{0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7});
    }
    SECTION("decrementing addresses") {
        r.program8(3, 0x3007, 4, MODE_SINGLE | MODE_READ | MODE_DECREMENT);
        std::vector<uint8_t> buf(4);
        CHECK(r.dma.transfer(3, buf, DmaDirection::FromMemory).bytes == 4);
        CHECK(buf == std::vector<uint8_t>{0xA7, 0xA6, 0xA5, 0xA4});
    }
    SECTION("verify moves nothing but counts") {
        r.program8(3, 0x3000, 4, MODE_SINGLE | MODE_VERIFY);
        std::vector<uint8_t> buf(4, 0x55);
        DmaTransfer t = r.dma.transfer(3, buf, DmaDirection::ToMemory);
        CHECK(t.bytes == 4);
        CHECK(t.terminal_count);
        CHECK(buf == std::vector<uint8_t>(4, 0x55));
        CHECK(r.mem.read8(0x3000) == 0xA0);
    }
    SECTION("auto-init reloads the channel and keeps it unmasked") {
        r.program8(3, 0x3000, 2, MODE_SINGLE | MODE_READ | MODE_AUTOINIT);
        std::vector<uint8_t> buf(2);
        CHECK(r.dma.transfer(3, buf, DmaDirection::FromMemory).terminal_count);
        CHECK_FALSE(r.dma.masked(3));
        CHECK(r.dma.physical_address(3) == 0x3000);
        CHECK(r.dma.current_count(3) == 1);
        CHECK(r.dma.transfer(3, buf, DmaDirection::FromMemory).bytes == 2);
        CHECK(buf == std::vector<uint8_t>{0xA0, 0xA1});
    }
}

TEST_CASE("dma: an 8-bit channel wraps inside its 64 KiB page", "[dma]") {
    Rig r;
    r.enable_cascade();
    r.program8(2, 0x01FFFE, 4, MODE_SINGLE | MODE_WRITE);
    auto data = counting(4, 0x71);
    CHECK(r.dma.transfer(2, data, DmaDirection::ToMemory).bytes == 4);
    CHECK(r.mem.read8(0x01FFFE) == 0x71);
    CHECK(r.mem.read8(0x01FFFF) == 0x72);
    CHECK(r.mem.read8(0x010000) == 0x73);  // not 0x020000: the page register does not count
    CHECK(r.mem.read8(0x010001) == 0x74);
    CHECK(r.mem.read8(0x020000) == 0x00);
}

TEST_CASE("dma: 16-bit channels count words in 128 KiB pages", "[dma]") {
    Rig r;
    // Channel 5: registers at 0xC4 (address) and 0xC6 (count), page at 0x8B.
    r.out(0xD4, 0x05);  // mask channel 5
    r.out(0xD8, 0);     // clear flip-flop
    r.out(0xD6, MODE_SINGLE | MODE_WRITE | 1);
    r.out(0xC4, 0xFF);  // word address 0xFFFF -> byte 0x1FFFE in the page
    r.out(0xC4, 0xFF);
    r.out(0x8B, 0x03);  // page bit 0 is ignored: base 0x020000
    r.out(0xC6, 1);     // two words
    r.out(0xC6, 0);
    r.out(0xD4, 0x01);  // unmask channel 5
    CHECK(r.dma.physical_address(5) == 0x03FFFE);
    std::vector<uint8_t> data{0x11, 0x22, 0x33, 0x44, 0x55};
    DmaTransfer t = r.dma.transfer(5, data, DmaDirection::ToMemory);
    CHECK(t.bytes == 4);
    CHECK(t.terminal_count);
    CHECK(r.mem.read8(0x03FFFE) == 0x11);
    CHECK(r.mem.read8(0x03FFFF) == 0x22);
    CHECK(r.mem.read8(0x020000) == 0x33);  // wrapped within the 128 KiB page
    CHECK(r.mem.read8(0x020001) == 0x44);
    CHECK((r.in(0xD0) & 0x0F) == 0x02);  // TC of channel 5 (controller 1, channel 1)
}

TEST_CASE("dma: masks, the cascade and master clear gate transfers", "[dma]") {
    Rig r;
    std::vector<uint8_t> data(4, 0xEE);
    r.program8(2, 0x4000, 4, MODE_SINGLE | MODE_WRITE);
    // Channel 4 still masked (the power-on state): controller 0 is cut off.
    CHECK_FALSE(r.dma.ready(2));
    CHECK(r.dma.transfer(2, data, DmaDirection::ToMemory).bytes == 0);
    CHECK(r.mem.read8(0x4000) == 0);
    r.enable_cascade();
    CHECK(r.dma.ready(2));
    // The cascade channel itself carries nothing.
    CHECK(r.dma.transfer(4, data, DmaDirection::ToMemory).bytes == 0);
    // Write-all-mask, then clear-mask.
    r.out(0x0F, 0x0F);
    CHECK_FALSE(r.dma.ready(2));
    r.out(0x0E, 0);
    CHECK(r.dma.ready(2));
    // Command bit 2 disables the controller.
    r.out(0x08, CMD_DISABLE);
    CHECK_FALSE(r.dma.ready(2));
    r.out(0x08, 0);
    // Master clear masks every channel and resets the flip-flop.
    r.out(0x04, 0x99);  // flip-flop now points at the high byte
    r.out(0x0D, 0);
    CHECK(r.dma.masked(0));
    CHECK(r.dma.masked(2));
    CHECK(r.dma.transfer(2, data, DmaDirection::ToMemory).bytes == 0);
    r.out(0x04, 0x78);  // low byte again
    r.out(0x04, 0x56);
    CHECK((r.dma.physical_address(2) & 0xFFFF) == 0x5678);
    // Software requests show in the status register's high nibble.
    r.out(0x09, 0x04 | 1);
    CHECK((r.in(0x08) & 0xF0) == 0x20);
}
