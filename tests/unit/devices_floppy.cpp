// The 82077AA floppy controller, driven through its ports the way a BIOS
// and Linux drive it, with the 8237A DMA moving the data into guest memory.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <memory>
#include <vector>

#include "devices/block_image.hpp"
#include "devices/dma8237.hpp"
#include "devices/floppy82077.hpp"
#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"
#include "mmu/phys_memory.hpp"

using namespace amber;
using namespace amber::fdc;

namespace {

constexpr uint16_t DOR = 0x3F2, MSR = 0x3F4, DSR = 0x3F4, FIFO = 0x3F5, DIR = 0x3F7, CCR = 0x3F7;
constexpr uint32_t k144 = 1474560;

uint8_t pattern(uint32_t lba, uint32_t i) { return uint8_t(lba * 31 + i * 7 + (lba >> 8)); }

std::vector<uint8_t> patterned(uint32_t bytes) {
    std::vector<uint8_t> v(bytes);
    for (uint32_t i = 0; i < bytes; ++i) v[i] = pattern(i / 512, i % 512);
    return v;
}

struct Rig {
    IoBus io;
    PhysMemory mem;
    Scheduler sched;
    uint64_t ticks = 0;
    Dma8237 dma{io, mem};
    bool irq = false;
    int irq_edges = 0;
    std::unique_ptr<Floppy82077> fdc;
    BlockImage* image = nullptr;

    explicit Rig(uint32_t image_bytes = k144, bool read_only = false) {
        mem.add_ram(0, 1u << 20);
        fdc = std::make_unique<Floppy82077>(io, sched, [this] { return ticks; }, dma, IrqLine([this](bool level) {
                                                if (level && !irq) ++irq_edges;
                                                irq = level;
                                            }));
        if (image_bytes) insert(0, image_bytes, read_only);
    }
    void insert(unsigned drive, uint32_t bytes, bool read_only = false) {
        auto img = BlockImage::in_memory(patterned(bytes), read_only);
        image = img.get();
        fdc->insert(drive, std::move(img));
    }

    void out(uint16_t p, uint8_t v) { io.write(p, v, 1); }
    uint8_t in(uint16_t p) { return static_cast<uint8_t>(io.read(p, 1)); }
    void advance(uint64_t t) {
        ticks += t;
        sched.run_due(ticks);
    }
    // Lets virtual time pass until the controller interrupts (or gives up).
    void wait_irq() {
        int before = irq_edges;
        for (int i = 0; i < 1000 && irq_edges == before; ++i) advance(100);
        REQUIRE(irq_edges > before);
    }

    // Writes a command the way drivers do: each byte only when RQM says so
    // and DIO says the controller is listening.
    void command(std::initializer_list<uint8_t> bytes) {
        for (uint8_t b : bytes) {
            REQUIRE((in(MSR) & (MSR_RQM | MSR_DIO)) == MSR_RQM);
            out(FIFO, b);
        }
    }
    std::vector<uint8_t> result() {
        std::vector<uint8_t> r;
        while ((in(MSR) & (MSR_RQM | MSR_DIO)) == (MSR_RQM | MSR_DIO) && r.size() < 16) r.push_back(in(FIFO));
        CHECK(in(MSR) == MSR_RQM);  // back in the command phase, nothing busy
        return r;
    }

    // Controller reset, the four polling interrupts, SPECIFY, motor on,
    // RECALIBRATE: what a BIOS does before the first read.
    void bios_init(uint8_t specify2 = 0x02) {
        out(DOR, 0x00);
        CHECK(in(MSR) == 0);  // held in reset
        out(DOR, 0x0C);
        wait_irq();
        for (unsigned d = 0; d < 4; ++d) {
            command({0x08});
            CHECK(result() == std::vector<uint8_t>{uint8_t(0xC0 | d), 0});
        }
        CHECK_FALSE(irq);
        command({0x08});
        CHECK(result() == std::vector<uint8_t>{0x80});  // nothing more pending
        command({0x03, 0xAF, specify2});
        out(DOR, 0x1C);  // motor A on, DMA and interrupts enabled, drive 0
        out(CCR, RATE_500K);
        command({0x07, 0x00});
        wait_irq();
        command({0x08});
        CHECK(result() == std::vector<uint8_t>{0x20, 0x00});
        CHECK_FALSE(irq);
    }
    void seek(uint8_t drive_head, uint8_t cyl) {
        command({0x0F, drive_head, cyl});
        wait_irq();
        command({0x08});
        auto r = result();
        REQUIRE(r.size() == 2);
        CHECK(r[0] == uint8_t(0x20 | (drive_head & 7)));
        CHECK(r[1] == cyl);
    }
    // DMA channel 2 for `bytes` bytes at `addr`; mode 0x46 = single, write
    // (device to memory), 0x4A = single, read (memory to device).
    void program_dma(uint32_t addr, uint32_t bytes, uint8_t mode) {
        out(0xD6, 0xC0);  // channel 4: cascade
        out(0xD4, 0x00);  // unmask it
        out(0x0A, 0x06);  // mask channel 2
        out(0x0C, 0x00);
        out(0x0B, mode);
        out(0x04, uint8_t(addr));
        out(0x04, uint8_t(addr >> 8));
        out(0x81, uint8_t(addr >> 16));
        out(0x0C, 0x00);
        out(0x05, uint8_t(bytes - 1));
        out(0x05, uint8_t((bytes - 1) >> 8));
        out(0x0A, 0x02);  // unmask channel 2
    }
    // A 9-byte READ/WRITE DATA command; returns the 7 result bytes.
    std::vector<uint8_t> data_command(uint8_t opcode, uint8_t c, uint8_t h, uint8_t r, uint8_t eot, uint8_t drive = 0) {
        command({opcode, uint8_t(h << 2 | drive), c, h, r, 0x02, eot, 0x1B, 0xFF});
        wait_irq();
        return result();
    }
    std::vector<uint8_t> image_bytes(uint64_t offset, size_t n) {
        std::vector<uint8_t> v(n);
        REQUIRE(image->read(offset, v));
        return v;
    }
    std::vector<uint8_t> memory(uint32_t addr, size_t n) {
        std::vector<uint8_t> v(n);
        mem.read_block(addr, v);
        return v;
    }
};

uint32_t lba_144(unsigned c, unsigned h, unsigned s) { return (c * 2 + h) * 18 + s - 1; }

std::vector<uint8_t> sector_data(uint32_t lba) {
    std::vector<uint8_t> v(512);
    for (uint32_t i = 0; i < 512; ++i) v[i] = pattern(lba, i);
    return v;
}

}  // namespace

TEST_CASE("floppy: a BIOS reads a sector through DMA channel 2", "[floppy]") {
    Rig r;
    r.bios_init();
    r.seek(0x00, 5);
    r.program_dma(0x7C00, 512, 0x46);
    int edges = r.irq_edges;
    r.command({0xE6, 0x00, 5, 0, 3, 0x02, 18, 0x1B, 0xFF});
    // The result is not there at once: the guest must be ready for the interrupt.
    CHECK(r.irq_edges == edges);
    CHECK(r.in(MSR) == MSR_CB);
    CHECK(r.memory(0x7C00, 4) == std::vector<uint8_t>(4, 0));
    r.wait_irq();
    CHECK(r.irq_edges == edges + 1);
    auto res = r.result();
    // ST0 normal, ST1/ST2 clear, then the next sector's ID.
    CHECK(res == std::vector<uint8_t>{0x00, 0x00, 0x00, 5, 0, 4, 2});
    CHECK_FALSE(r.irq);  // reading the result lowered INT
    CHECK(r.memory(0x7C00, 512) == sector_data(lba_144(5, 0, 3)));
    CHECK(r.mem.read8(0x7C00 + 512) == 0);
    CHECK(r.dma.masked(2));  // TC reached
}

TEST_CASE("floppy: multi-track reads continue on side 1 and stop at TC", "[floppy]") {
    Rig r;
    r.bios_init();
    r.seek(0x00, 1);
    r.program_dma(0x10000, 4 * 512, 0x46);
    auto res = r.data_command(0xE6, 1, 0, 17, 18);
    // Sectors 17-18 of side 0, then 1-2 of side 1; next ID is 1/1/3.
    CHECK(res == std::vector<uint8_t>{0x04, 0x00, 0x00, 1, 1, 3, 2});
    CHECK(r.memory(0x10000, 512) == sector_data(lba_144(1, 0, 17)));
    CHECK(r.memory(0x10000 + 512, 512) == sector_data(lba_144(1, 0, 18)));
    CHECK(r.memory(0x10000 + 1024, 512) == sector_data(lba_144(1, 1, 1)));
    CHECK(r.memory(0x10000 + 1536, 512) == sector_data(lba_144(1, 1, 2)));
}

TEST_CASE("floppy: reading past EOT without TC ends with End of Cylinder", "[floppy]") {
    Rig r;
    r.bios_init();
    SECTION("single track") {
        r.program_dma(0x20000, 8 * 512, 0x46);
        auto res = r.data_command(0x66, 0, 0, 17, 18);  // no MT
        CHECK(res == std::vector<uint8_t>{0x40, ST1_EN, 0x00, 1, 0, 1, 2});
        CHECK(r.memory(0x20000 + 512, 512) == sector_data(lba_144(0, 0, 18)));
        CHECK(r.mem.read8(0x20000 + 1024) == 0);
        CHECK_FALSE(r.dma.masked(2));  // the DMA count never ran out
    }
    SECTION("TC on the last sector is a normal end") {
        r.program_dma(0x20000, 2 * 512, 0x46);
        auto res = r.data_command(0x66, 0, 0, 17, 18);
        CHECK(res == std::vector<uint8_t>{0x00, 0x00, 0x00, 1, 0, 1, 2});
    }
    SECTION("multi-track at the end of side 1") {
        r.out(DOR, 0x1C);
        r.program_dma(0x20000, 8 * 512, 0x46);
        auto res = r.data_command(0xE6, 0, 1, 18, 18);
        CHECK(res == std::vector<uint8_t>{0x44, ST1_EN, 0x00, 1, 0, 1, 2});
    }
}

TEST_CASE("floppy: a written sector lands in the image", "[floppy]") {
    Rig r;
    r.bios_init();
    r.seek(0x04, 10);
    std::vector<uint8_t> data(512);
    for (unsigned i = 0; i < 512; ++i) data[i] = uint8_t(0xFF - i);
    r.mem.write_block(0x8000, data);
    r.program_dma(0x8000, 512, 0x4A);
    auto res = r.data_command(0xC5, 10, 1, 7, 18);
    CHECK(res == std::vector<uint8_t>{0x04, 0x00, 0x00, 10, 1, 8, 2});
    CHECK(r.image_bytes(uint64_t(lba_144(10, 1, 7)) * 512, 512) == data);
    // Its neighbours are untouched.
    CHECK(r.image_bytes(uint64_t(lba_144(10, 1, 8)) * 512, 512) == sector_data(lba_144(10, 1, 8)));
    CHECK(r.image_bytes(uint64_t(lba_144(10, 1, 6)) * 512, 512) == sector_data(lba_144(10, 1, 6)));
}

TEST_CASE("floppy: a write-protected disk refuses writes", "[floppy]") {
    Rig r(k144, /*read_only=*/true);
    r.bios_init();
    r.command({0x04, 0x00});
    auto st3 = r.result();
    REQUIRE(st3.size() == 1);
    CHECK((st3[0] & ST3_WP) != 0);
    CHECK((st3[0] & ST3_T0) != 0);
    r.mem.write_block(0x8000, std::vector<uint8_t>(512, 0x42));
    r.program_dma(0x8000, 512, 0x4A);
    auto res = r.data_command(0xC5, 0, 0, 1, 18);
    CHECK(res[0] == 0x40);
    CHECK(res[1] == ST1_NW);
    CHECK(r.image_bytes(0, 512) == sector_data(0));
    CHECK_FALSE(r.dma.masked(2));  // nothing was pulled from memory
    // A writable disk reports no protection.
    Rig w;
    w.bios_init();
    w.command({0x04, 0x00});
    CHECK((w.result()[0] & ST3_WP) == 0);
}

TEST_CASE("floppy: sector IDs that are not on the track are not found", "[floppy]") {
    Rig r;
    r.bios_init();
    r.program_dma(0x8000, 512, 0x46);
    SECTION("sector 19 on an 18-sector track") {
        auto res = r.data_command(0xE6, 0, 0, 19, 19);
        CHECK(res[0] == 0x40);
        CHECK(res[1] == ST1_ND);
        CHECK(res[5] == 19);
    }
    SECTION("sector 0") {
        auto res = r.data_command(0xE6, 0, 0, 0, 18);
        CHECK(res[0] == 0x40);
        CHECK(res[1] == ST1_ND);
    }
    SECTION("wrong cylinder without implied seek") {
        auto res = r.data_command(0xE6, 3, 0, 1, 18);
        CHECK(res[0] == 0x40);
        CHECK(res[1] == ST1_ND);
        CHECK(res[2] == ST2_WC);
    }
    SECTION("sector size other than 512") {
        r.command({0xE6, 0x00, 0, 0, 1, 0x03, 18, 0x1B, 0xFF});
        r.wait_irq();
        auto res = r.result();
        CHECK(res[1] == ST1_ND);
    }
    CHECK(r.mem.read8(0x8000) == 0);
}

TEST_CASE("floppy: implied seek follows the command's cylinder", "[floppy]") {
    Rig r;
    r.bios_init();
    r.command({0x13, 0x00, 0x40 | 0x20, 0x00});  // CONFIGURE: EIS, FIFO off
    r.program_dma(0x8000, 512, 0x46);
    auto res = r.data_command(0xE6, 42, 1, 5, 18);
    CHECK(res == std::vector<uint8_t>{0x04, 0x00, 0x00, 42, 1, 6, 2});
    CHECK(r.fdc->cylinder(0) == 42);
    CHECK(r.memory(0x8000, 512) == sector_data(lba_144(42, 1, 5)));
}

TEST_CASE("floppy: media change sets DIR bit 7 until a seek with the motor on", "[floppy]") {
    Rig r;
    r.out(DOR, 0x0C);  // out of reset, motor off
    r.wait_irq();
    CHECK((r.in(DIR) & 0x80) != 0);  // a disk was inserted at power on
    r.command({0x0F, 0x00, 3});
    r.wait_irq();
    CHECK((r.in(DIR) & 0x80) != 0);  // motor off: the line stays
    r.out(DOR, 0x1C);
    r.command({0x0F, 0x00, 4});
    r.wait_irq();
    CHECK((r.in(DIR) & 0x80) == 0);
    r.fdc->eject(0);
    CHECK((r.in(DIR) & 0x80) != 0);
    CHECK_FALSE(r.fdc->has_media(0));
    // With no disk, seeks do not clear it.
    r.command({0x0F, 0x00, 5});
    r.wait_irq();
    CHECK((r.in(DIR) & 0x80) != 0);
    r.insert(0, 737280);
    r.command({0x0F, 0x00, 6});
    r.wait_irq();
    CHECK((r.in(DIR) & 0x80) == 0);
    CHECK(r.fdc->cmos_type(0) == 3);
    // The line belongs to the selected drive: drive 1 has none.
    r.out(DOR, 0x1D);
    CHECK((r.in(DIR) & 0x80) == 0);
}

TEST_CASE("floppy: formats come from the image size", "[floppy]") {
    struct Case {
        uint32_t bytes;
        uint8_t cmos;
        uint8_t spt;
    };
    for (Case c : {Case{368640, 1, 9}, Case{1228800, 2, 15}, Case{737280, 3, 9}, Case{1474560, 4, 18},
                   Case{2949120, 5, 36}, Case{1720320, 4, 21}, Case{163840, 1, 8}}) {
        Rig r(0);
        CHECK(r.fdc->cmos_type(0) == 0);
        r.insert(0, c.bytes);
        CHECK(r.fdc->cmos_type(0) == c.cmos);
        REQUIRE(r.fdc->format(0));
        CHECK(r.fdc->format(0)->sectors == c.spt);
    }
    Rig r(0);
    auto odd = BlockImage::in_memory(std::vector<uint8_t>(1000 * 512));
    CHECK_THROWS_AS(r.fdc->insert(0, std::move(odd)), ImageError);
    CHECK_THROWS_WITH(r.fdc->insert(1, BlockImage::in_memory(std::vector<uint8_t>(1024))),
                      Catch::Contains("is 1024 bytes, which is no floppy format"));
    CHECK_THROWS_AS(r.fdc->insert(2, BlockImage::in_memory(std::vector<uint8_t>(k144))), ImageError);
    CHECK_FALSE(r.fdc->has_media(1));
}

TEST_CASE("floppy: the data rate must suit the medium (media sensing)", "[floppy]") {
    Rig r(737280);  // 720K: 250 kbit/s
    r.bios_init();  // leaves 500 kbit/s set
    r.command({0x4A, 0x00});
    r.wait_irq();
    auto bad = r.result();
    REQUIRE(bad.size() == 7);
    CHECK(bad[0] == 0x40);
    CHECK(bad[1] == ST1_MA);
    r.out(CCR, RATE_250K);
    r.seek(0x00, 7);
    r.command({0x4A, 0x04});
    r.wait_irq();
    auto id = r.result();
    REQUIRE(id.size() == 7);
    CHECK(id[0] == 0x04);
    CHECK(id[3] == 7);
    CHECK(id[4] == 1);
    CHECK(id[5] >= 1);
    CHECK(id[5] <= 9);
    CHECK(id[6] == 2);
    // FM (MFM bit clear) finds nothing on an MFM disk.
    r.command({0x0A, 0x00});
    r.wait_irq();
    CHECK(r.result()[1] == ST1_MA);
}

TEST_CASE("floppy: non-DMA mode moves data through the FIFO", "[floppy]") {
    Rig r;
    r.bios_init(0x03);  // SPECIFY with ND=1
    SECTION("read") {
        r.command({0x66, 0x00, 0, 0, 2, 0x02, 3, 0x1B, 0xFF});  // no MT
        r.wait_irq();  // the FIFO's data request
        std::vector<uint8_t> got;
        while (r.in(MSR) == (MSR_RQM | MSR_DIO | MSR_NDMA | MSR_CB)) got.push_back(r.in(FIFO));
        REQUIRE(got.size() == 1024);
        CHECK(std::vector<uint8_t>(got.begin(), got.begin() + 512) == sector_data(1));
        CHECK(std::vector<uint8_t>(got.begin() + 512, got.end()) == sector_data(2));
        CHECK(r.irq);  // pulsed for the result phase
        // Without a DMA TC the read ends at EOT with EN, as on real hardware.
        CHECK(r.result() == std::vector<uint8_t>{0x40, ST1_EN, 0x00, 1, 0, 1, 2});
    }
    SECTION("write") {
        r.command({0x45, 0x00, 0, 0, 5, 0x02, 5, 0x1B, 0xFF});
        r.wait_irq();
        unsigned n = 0;
        while (r.in(MSR) == (MSR_RQM | MSR_NDMA | MSR_CB)) r.out(FIFO, uint8_t(n++ ^ 0x5A));
        CHECK(n == 512);
        auto res = r.result();
        CHECK(res[0] == 0x40);
        CHECK(res[1] == ST1_EN);
        auto written = r.image_bytes(4 * 512, 512);
        for (unsigned i = 0; i < 512; ++i) REQUIRE(written[i] == uint8_t(i ^ 0x5A));
    }
}

TEST_CASE("floppy: FORMAT TRACK fills the sectors named by the DMA'd IDs", "[floppy]") {
    Rig r;
    r.bios_init();
    r.seek(0x04, 2);
    std::vector<uint8_t> ids;
    for (uint8_t s = 1; s <= 18; ++s) ids.insert(ids.end(), {2, 1, s, 2});
    r.mem.write_block(0x9000, ids);
    r.program_dma(0x9000, uint32_t(ids.size()), 0x4A);
    r.command({0x4D, 0x04, 0x02, 18, 0x54, 0xF6});
    r.wait_irq();
    auto res = r.result();
    REQUIRE(res.size() == 7);
    CHECK(res[0] == 0x04);
    CHECK(res[1] == 0x00);
    for (unsigned s = 1; s <= 18; ++s)
        CHECK(r.image_bytes(uint64_t(lba_144(2, 1, s)) * 512, 512) == std::vector<uint8_t>(512, 0xF6));
    CHECK(r.image_bytes(uint64_t(lba_144(2, 0, 18)) * 512, 512) == sector_data(lba_144(2, 0, 18)));
    CHECK(r.image_bytes(uint64_t(lba_144(3, 0, 1)) * 512, 512) == sector_data(lba_144(3, 0, 1)));
}

TEST_CASE("floppy: a masked DMA channel gives an overrun, not a hang", "[floppy]") {
    Rig r;
    r.bios_init();
    r.program_dma(0x8000, 512, 0x46);
    r.out(0x0A, 0x06);  // mask channel 2 again
    auto res = r.data_command(0xE6, 0, 0, 1, 18);
    CHECK(res[0] == 0x40);
    CHECK(res[1] == ST1_OR);
    CHECK(r.mem.read8(0x8000) == 0);
}

TEST_CASE("floppy: DOR bit 3 gates DMA requests but not the interrupt", "[floppy]") {
    Rig r;
    r.out(DOR, 0x04);  // SeaBIOS leaves reset this way, gate closed
    r.wait_irq();
    for (int i = 0; i < 4; ++i) {
        r.command({0x08});
        r.result();
    }
    r.command({0x03, 0xAF, 0x02});
    r.out(DOR, 0x14);
    r.out(CCR, RATE_500K);
    r.command({0x07, 0x00});
    r.wait_irq();
    r.command({0x08});
    CHECK(r.result() == std::vector<uint8_t>{0x20, 0x00});
    r.program_dma(0x8000, 512, 0x46);
    auto res = r.data_command(0xE6, 0, 0, 1, 18);
    CHECK(res[0] == 0x40);
    CHECK(res[1] == ST1_OR);
    CHECK(r.mem.read8(0x8000) == 0);
    r.out(DOR, 0x1C);
    res = r.data_command(0xE6, 0, 0, 1, 18);
    CHECK(res[0] == 0x00);
    CHECK(r.memory(0x8000, 512) == sector_data(0));
}

TEST_CASE("floppy: identification and configuration commands", "[floppy]") {
    Rig r;
    r.bios_init();
    r.command({0x10});
    CHECK(r.result() == std::vector<uint8_t>{0x90});
    r.command({0x18});  // PART ID is an 82078 command: invalid here
    CHECK(r.result() == std::vector<uint8_t>{0x80});
    r.command({0x13});
    CHECK((r.in(MSR) & (MSR_RQM | MSR_DIO)) == MSR_RQM);  // wants more bytes
    r.command({0x00, 0x1A, 0x05});
    r.command({0x12, 0x83});  // perpendicular: OW, GAP, WGATE
    r.command({0x94});
    CHECK(r.result() == std::vector<uint8_t>{0x10});
    r.seek(0x01, 0);  // drive 1 has no medium but the PCN register still follows
    r.seek(0x00, 9);
    r.command({0x0E});
    auto dump = r.result();
    REQUIRE(dump.size() == 10);
    CHECK(dump[0] == 9);
    CHECK(dump[4] == 0xAF);
    CHECK(dump[5] == 0x02);
    CHECK(dump[7] == 0x83);
    CHECK(dump[8] == 0x1A);
    CHECK(dump[9] == 0x05);
    // LOCK keeps CONFIGURE across a reset; UNLOCK lets the reset clear it.
    r.out(DSR, 0x80 | RATE_500K);
    r.wait_irq();
    for (int i = 0; i < 4; ++i) {
        r.command({0x08});
        r.result();
    }
    r.command({0x0E});
    CHECK(r.result()[8] == 0x1A);
    r.command({0x14});
    CHECK(r.result() == std::vector<uint8_t>{0x00});
    r.out(DOR, 0x18);
    r.out(DOR, 0x1C);
    r.wait_irq();
    for (int i = 0; i < 4; ++i) {
        r.command({0x08});
        r.result();
    }
    r.command({0x0E});
    CHECK(r.result()[8] == 0x20);
}

TEST_CASE("floppy: recalibrating a drive that is not there is an equipment check", "[floppy]") {
    Rig r;
    r.bios_init();
    r.command({0x07, 0x01});
    r.wait_irq();
    r.command({0x08});
    auto res = r.result();
    REQUIRE(res.size() == 2);
    CHECK(res[0] == (0x40 | 0x20 | 0x10 | 0x01));
    // Reading from it finds no disk.
    r.program_dma(0x8000, 512, 0x46);
    auto rd = r.data_command(0xE6, 0, 0, 1, 18, 1);
    CHECK(rd[0] == 0x41);
    CHECK(rd[1] == ST1_MA);
}

TEST_CASE("floppy: ports are the 82077's and not 0x3F6", "[floppy]") {
    Rig r;
    CHECK(r.io.handler_at(0x3F6) == nullptr);
    for (uint16_t p : {0x3F0, 0x3F1, 0x3F2, 0x3F3, 0x3F4, 0x3F5, 0x3F7})
        CHECK(r.io.handler_at(p) == r.fdc.get());
}

namespace {

// Keeps every visited value in order, then hands them back when loading.
class ValueTape final : public Archive {
public:
    bool loading() const override { return loading_; }
    void field(std::string_view, uint8_t& v) override { io(v); }
    void field(std::string_view, uint16_t& v) override { io(v); }
    void field(std::string_view, uint32_t& v) override { io(v); }
    void field(std::string_view, uint64_t& v) override { io(v); }
    void bytes(std::string_view, std::span<uint8_t> data) override {
        for (uint8_t& b : data) io(b);
    }
    void start_loading() {
        loading_ = true;
        pos_ = 0;
    }

private:
    template <typename T> void io(T& v) {
        if (loading_) v = static_cast<T>(values_.at(pos_++));
        else values_.push_back(v);
    }
    std::vector<uint64_t> values_;
    size_t pos_ = 0;
    bool loading_ = false;
};

}  // namespace

TEST_CASE("floppy: state saved in the middle of a PIO read carries on after loading", "[floppy]") {
    Rig a;
    a.bios_init(0x03);
    a.seek(0x00, 4);
    a.command({0x66, 0x00, 4, 0, 9, 0x02, 10, 0x1B, 0xFF});
    a.wait_irq();
    std::vector<uint8_t> got;
    for (int i = 0; i < 700; ++i) got.push_back(a.in(FIFO));

    ValueTape tape;
    a.fdc->visit(tape);
    a.dma.visit(tape);
    Rig b;
    tape.start_loading();
    b.fdc->visit(tape);
    b.dma.visit(tape);

    CHECK(b.in(MSR) == (MSR_RQM | MSR_DIO | MSR_NDMA | MSR_CB));
    CHECK(b.fdc->cylinder(0) == 4);
    while (b.in(MSR) == (MSR_RQM | MSR_DIO | MSR_NDMA | MSR_CB)) got.push_back(b.in(FIFO));
    REQUIRE(got.size() == 1024);
    CHECK(std::vector<uint8_t>(got.begin(), got.begin() + 512) == sector_data(lba_144(4, 0, 9)));
    CHECK(std::vector<uint8_t>(got.begin() + 512, got.end()) == sector_data(lba_144(4, 0, 10)));
    CHECK(b.result() == std::vector<uint8_t>{0x40, ST1_EN, 0x00, 5, 0, 1, 2});
}

TEST_CASE("dma: state survives a save and load", "[dma]") {
    Rig a;
    a.program_dma(0x12345, 300, 0x46);
    a.out(0x0C, 0);
    a.out(0x04, 0x45);  // flip-flop now on the high byte
    ValueTape tape;
    a.dma.visit(tape);
    Rig b;
    tape.start_loading();
    b.dma.visit(tape);
    CHECK(b.dma.physical_address(2) == 0x012345);
    CHECK(b.dma.current_count(2) == 299);
    CHECK(b.dma.mode(2) == 0x44);
    CHECK_FALSE(b.dma.masked(2));
    CHECK_FALSE(b.dma.masked(4));
    CHECK(b.in(0x04) == 0x23);  // the high byte: the flip-flop came along
}

TEST_CASE("floppy: ejecting in the middle of a PIO read ends the command safely", "[floppy]") {
    Rig r;
    r.bios_init(0x03);
    r.command({0x66, 0x00, 0, 0, 1, 0x02, 3, 0x1B, 0xFF});
    r.wait_irq();
    for (int i = 0; i < 100; ++i) r.in(FIFO);
    r.fdc->eject(0);
    int guard = 0;
    while (r.in(MSR) == (MSR_RQM | MSR_DIO | MSR_NDMA | MSR_CB) && guard++ < 2000) r.in(FIFO);
    auto res = r.result();
    REQUIRE(res.size() == 7);
    CHECK(res[0] == 0x40);
    CHECK(res[1] == ST1_MA);
}

TEST_CASE("floppy: READ TRACK starts at the first sector whatever R says", "[floppy]") {
    Rig r;
    r.bios_init();
    r.seek(0x00, 3);
    r.program_dma(0x8000, 3 * 512, 0x46);
    auto res = r.data_command(0x42, 3, 0, 7, 18);
    CHECK(res == std::vector<uint8_t>{0x00, 0x00, 0x00, 3, 0, 4, 2});
    for (unsigned s = 1; s <= 3; ++s)
        CHECK(r.memory(0x8000 + (s - 1) * 512, 512) == sector_data(lba_144(3, 0, s)));
}

TEST_CASE("floppy: relative seeks step from the present cylinder", "[floppy]") {
    Rig r;
    r.bios_init();
    r.seek(0x00, 10);
    r.command({0xCF, 0x00, 5});  // relative, inwards
    r.wait_irq();
    r.command({0x08});
    CHECK(r.result() == std::vector<uint8_t>{0x20, 15});
    r.command({0x8F, 0x00, 20});  // relative, outwards past track 0
    r.wait_irq();
    r.command({0x08});
    CHECK(r.result() == std::vector<uint8_t>{0x20, 0});
    CHECK(r.fdc->cylinder(0) == 0);
    // The drive's head stops a few cylinders past the medium's last one.
    r.seek(0x00, 200);
    CHECK(r.fdc->cylinder(0) == 83);
    r.command({0x04, 0x00});
    CHECK((r.result()[0] & ST3_T0) == 0);
}

TEST_CASE("floppy: the disk observer sees each data command with its sector ID", "[floppy][trace]") {
    Rig r;
    std::vector<DiskRequest> seen;
    r.fdc->set_observer([&](const DiskRequest& q) { seen.push_back(q); });
    r.bios_init();
    r.seek(0x00, 5);
    CHECK(seen.empty());  // seeks and recalibrates are not data requests
    r.program_dma(0x7C00, 512, 0x46);
    r.command({0xE6, 0x00, 5, 0, 3, 0x02, 18, 0x1B, 0xFF});
    r.wait_irq();
    (void)r.result();
    r.program_dma(0x8000, 512, 0x4A);
    r.command({0xC5, 0x04, 5, 1, 7, 0x02, 7, 0x1B, 0xFF});  // WRITE DATA, head 1, sector 7 only
    r.wait_irq();
    (void)r.result();
    REQUIRE(seen.size() == 2);
    CHECK((seen[0].unit == 4 && seen[0].command == 0x06 && !seen[0].write && seen[0].lba == (5u << 16 | 0 << 8 | 3) &&
           seen[0].count == 16));
    CHECK((seen[1].unit == 4 && seen[1].command == 0x05 && seen[1].write && seen[1].lba == (5u << 16 | 1 << 8 | 7) &&
           seen[1].count == 1));
}
