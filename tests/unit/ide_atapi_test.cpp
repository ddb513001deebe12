// The ATAPI packet protocol over an IDE channel, against a small fake command set.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/ata_disk.hpp"
#include "devices/atapi_device.hpp"
#include "devices/ide_controller.hpp"
#include "machine/io_bus.hpp"
#include "mmu/phys_memory.hpp"

using namespace amber;
using namespace ata;

namespace {

// 0x00: no data. 0x12: 37 bytes (odd on purpose). 0x28 READ(10): 2048 bytes per
// block of a pattern. 0x55 MODE SELECT: takes cdb[8] bytes. Others: ILLEGAL REQUEST.
struct FakeTarget final : AtapiTarget {
    std::vector<uint8_t> pending;
    size_t pos = 0;
    uint8_t key = 0;
    std::vector<uint8_t> received;
    int resets = 0;

    static uint8_t pattern(uint64_t i) { return static_cast<uint8_t>(i * 11 + 5); }
    size_t data_out_length(std::span<const uint8_t> cdb) const override { return cdb[0] == 0x55 ? cdb[8] : 0; }
    Result execute(std::span<const uint8_t> cdb, std::span<const uint8_t> out) override {
        pending.clear();
        pos = 0;
        key = 0;
        switch (cdb[0]) {
        case 0x00: return {true, 0};
        case 0x12:
            for (int i = 0; i < 37; ++i) pending.push_back(static_cast<uint8_t>(0x40 + i));
            return {true, pending.size()};
        case 0x28: {
            uint32_t lba = uint32_t(cdb[2]) << 24 | cdb[3] << 16 | cdb[4] << 8 | cdb[5];
            uint32_t n = uint32_t(cdb[7]) << 8 | cdb[8];
            for (uint64_t i = 0; i < uint64_t(n) * 2048; ++i) pending.push_back(pattern(lba * 2048 + i));
            return {true, pending.size()};
        }
        case 0x55: received.assign(out.begin(), out.end()); return {true, 0};
        default: key = 5; return {false, 0};
        }
    }
    size_t read_data(std::span<uint8_t> out) override {
        size_t n = std::min(out.size(), pending.size() - pos);
        std::copy_n(pending.begin() + pos, n, out.begin());
        pos += n;
        return n;
    }
    uint8_t sense_key() const override { return key; }
    void abort_transfer() override { pending.clear(), pos = 0; }
    void reset() override { ++resets; }
    void visit(Archive&) override {}
};

struct AtapiRig {
    IoBus io;
    PhysMemory mem;
    bool irq = false;
    IdeController ide{io, mem, {}, IrqLine([this](bool l) { irq = l; })};
    FakeTarget* target = nullptr;

    AtapiRig() {
        mem.add_ram(0, 0x100000);
        auto t = std::make_unique<FakeTarget>();
        target = t.get();
        ide.attach(1, 0, std::make_unique<AtapiDevice>(std::move(t)));
    }
    uint8_t in8(uint16_t p) { return static_cast<uint8_t>(io.read(p, 1)); }
    void out8(uint16_t p, uint8_t v) { io.write(p, v, 1); }

    void packet(std::vector<uint8_t> cdb, uint16_t limit, bool dma = false) {
        cdb.resize(12);
        out8(0x176, 0xA0);
        out8(0x171, dma ? 1 : 0);
        out8(0x174, uint8_t(limit));
        out8(0x175, uint8_t(limit >> 8));
        out8(0x177, 0xA0);
        REQUIRE((in8(0x376) & (ST_DRQ | ST_BSY)) == ST_DRQ);
        CHECK(in8(0x172) == 0x01);  // CoD: send the command
        for (size_t i = 0; i < 12; i += 2) io.write(0x170, cdb[i] | cdb[i + 1] << 8, 2);
    }
    std::vector<uint8_t> pio_block() {
        size_t n = in8(0x174) | in8(0x175) << 8;
        std::vector<uint8_t> out;
        for (size_t i = 0; i < n; i += 2) {
            uint16_t w = static_cast<uint16_t>(io.read(0x170, 2));
            out.push_back(uint8_t(w));
            if (i + 1 < n) out.push_back(uint8_t(w >> 8));
        }
        return out;
    }
};

}  // namespace

TEST_CASE("ATAPI: signature, IDENTIFY aborted, IDENTIFY PACKET DEVICE", "[ide][atapi]") {
    AtapiRig r;
    r.out8(0x376, CTL_SRST);
    r.out8(0x376, 0);
    CHECK(r.in8(0x174) == 0x14);
    CHECK(r.in8(0x175) == 0xEB);
    r.out8(0x177, 0xEC);
    CHECK(r.irq);
    CHECK(r.in8(0x177) & ST_ERR);
    CHECK(r.in8(0x171) == ER_ABRT);
    CHECK(r.in8(0x174) == 0x14);
    CHECK(r.in8(0x175) == 0xEB);
    r.out8(0x177, 0xA1);
    CHECK(r.irq);
    CHECK(r.in8(0x177) & ST_DRQ);
    std::vector<uint16_t> id;
    for (int i = 0; i < 256; ++i) id.push_back(static_cast<uint16_t>(r.io.read(0x170, 2)));
    CHECK(id[0] == 0x85C0);
    std::string model;
    for (int i = 27; i < 47; ++i) model += {char(id[i] >> 8), char(id[i] & 0xFF)};
    CHECK(model.rfind("AMBER CD-ROM", 0) == 0);
    CHECK_FALSE(r.in8(0x177) & ST_DRQ);
}

TEST_CASE("ATAPI: PIO data-in in blocks of the byte count limit", "[ide][atapi]") {
    AtapiRig r;
    SECTION("no data") {
        r.packet({0x00}, 0x200);
        CHECK(r.irq);
        CHECK(r.in8(0x172) == 0x03);  // IO|CoD: completion
        CHECK((r.in8(0x177) & (ST_DRQ | ST_ERR)) == 0);
    }
    SECTION("odd length") {
        r.packet({0x12}, 0x200);
        CHECK(r.irq);
        CHECK(r.in8(0x172) == 0x02);  // IO: data to the host
        CHECK((r.in8(0x177) & ST_DRQ));
        auto d = r.pio_block();
        REQUIRE(d.size() == 37);
        CHECK(d[0] == 0x40);
        CHECK(d[36] == 0x40 + 36);
        CHECK(r.irq);  // completion interrupt
        CHECK(r.in8(0x172) == 0x03);
        CHECK_FALSE(r.in8(0x177) & ST_DRQ);
    }
    SECTION("READ(10) of two blocks with a 1 KiB limit: four DRQ blocks") {
        r.packet({0x28, 0, 0, 0, 0, 3, 0, 0, 2}, 1024);
        std::vector<uint8_t> all;
        for (int b = 0; b < 4; ++b) {
            CHECK(r.irq);
            REQUIRE((r.in8(0x177) & ST_DRQ));
            CHECK((r.in8(0x174) | r.in8(0x175) << 8) == 1024);
            auto d = r.pio_block();
            all.insert(all.end(), d.begin(), d.end());
        }
        CHECK(r.in8(0x172) == 0x03);
        CHECK_FALSE(r.in8(0x177) & ST_DRQ);
        REQUIRE(all.size() == 4096);
        bool same = true;
        for (size_t i = 0; i < all.size(); ++i) same &= all[i] == FakeTarget::pattern(3 * 2048 + i);
        CHECK(same);
    }
    SECTION("CHECK CONDITION puts the sense key in the error register") {
        r.packet({0xEE}, 0x200);
        CHECK(r.irq);
        CHECK(r.in8(0x177) & ST_ERR);
        CHECK(r.in8(0x171) == (0x50 | ER_ABRT));
        CHECK(r.in8(0x172) == 0x03);
    }
}

TEST_CASE("ATAPI: data-out (MODE SELECT) and DMA data-in", "[ide][atapi]") {
    AtapiRig r;
    SECTION("data-out") {
        r.packet({0x55, 0, 0, 0, 0, 0, 0, 0, 6}, 0x200);
        CHECK(r.irq);
        CHECK(r.in8(0x172) == 0x00);  // data to the device
        CHECK((r.in8(0x174) | r.in8(0x175) << 8) == 6);
        for (uint16_t w : {0x0201, 0x0403, 0x0605}) r.io.write(0x170, w, 2);
        CHECK(r.target->received == std::vector<uint8_t>{1, 2, 3, 4, 5, 6});
        CHECK(r.in8(0x172) == 0x03);
    }
    SECTION("DMA") {
        r.mem.write<uint32_t>(0x8000, 0x20000);
        r.mem.write<uint32_t>(0x8004, 0x80000000u | 0x1000);
        r.ide.bm_write(8 + 4, 0x8000, 4);
        r.packet({0x28, 0, 0, 0, 0, 1, 0, 0, 2}, 0xFFFF, true);
        CHECK_FALSE(r.irq);
        r.ide.bm_write(8, 0x09, 1);
        CHECK(r.irq);
        CHECK(r.ide.bm_read(8 + 2, 1) & 0x04);
        CHECK(r.in8(0x172) == 0x03);
        CHECK_FALSE(r.in8(0x177) & (ST_DRQ | ST_ERR));
        std::vector<uint8_t> got(4096);
        r.mem.read_block(0x20000, got);
        bool same = true;
        for (size_t i = 0; i < got.size(); ++i) same &= got[i] == FakeTarget::pattern(2048 + i);
        CHECK(same);
    }
}

TEST_CASE("ATA disk master and ATAPI slave share a channel", "[ide][atapi]") {
    IoBus io;
    PhysMemory mem;
    IdeController ide{io, mem, {}, {}};
    auto img = BlockImage::in_memory(std::vector<uint8_t>(512 * 1008));
    ide.attach(0, 0, std::make_unique<AtaDisk>(*img));
    ide.attach(0, 1, std::make_unique<AtapiDevice>(std::make_unique<FakeTarget>()));
    io.write(0x3F6, CTL_SRST, 1);
    io.write(0x3F6, 0, 1);
    CHECK(io.read(0x1F4, 1) == 0x00);  // master: ATA signature
    io.write(0x1F6, 0xB0, 1);
    CHECK(io.read(0x1F4, 1) == 0x14);  // slave: packet signature
    CHECK(io.read(0x1F5, 1) == 0xEB);
    CHECK(io.read(0x1F7, 1) != 0);
}

TEST_CASE("ATAPI: the disk observer sees each packet, READ(10) with its LBA and length", "[ide][atapi][trace]") {
    AtapiRig r;
    std::vector<DiskRequest> seen;
    r.ide.channel(1).device(0)->set_observer([&](const DiskRequest& q) { seen.push_back(q); }, 2);
    r.packet({0x00}, 0x200);  // TEST UNIT READY
    r.packet({0x28, 0, 0, 1, 0x02, 0x03, 0, 0, 2}, 0x800, true);
    REQUIRE(seen.size() == 2);
    CHECK((seen[0].unit == 2 && seen[0].command == 0x00 && seen[0].lba == 0 && seen[0].count == 0));
    CHECK((seen[1].unit == 2 && seen[1].command == 0x28 && !seen[1].write && seen[1].lba == 0x10203 &&
           seen[1].count == 2));
}
