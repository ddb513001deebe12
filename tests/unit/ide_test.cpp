// IDE: the channel's registers, the ATA disk's commands (PIO and DMA), errors.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "devices/ata_disk.hpp"
#include "devices/block_image.hpp"
#include "devices/ide_controller.hpp"
#include "devices/pci_host.hpp"
#include "devices/piix3.hpp"
#include "machine/io_bus.hpp"
#include "mmu/phys_memory.hpp"

using namespace amber;
using namespace ata;

namespace {

constexpr uint32_t kSectors = 16 * 63 * 4;  // 4 cylinders

uint8_t pattern(uint64_t sector, unsigned i) { return static_cast<uint8_t>(sector * 7 + i * 3 + (sector >> 8)); }

std::vector<uint8_t> image_bytes(uint32_t sectors) {
    std::vector<uint8_t> d(size_t(sectors) * 512);
    for (uint32_t s = 0; s < sectors; ++s)
        for (unsigned i = 0; i < 512; ++i) d[size_t(s) * 512 + i] = pattern(s, i);
    return d;
}

struct Rig {
    IoBus io;
    PhysMemory mem;
    bool irq14 = false, irq15 = false;
    int irq14_edges = 0;
    IdeController ide{io, mem, IrqLine([this](bool l) {
                          if (l && !irq14) ++irq14_edges;
                          irq14 = l;
                      }),
                      IrqLine([this](bool l) { irq15 = l; })};
    std::unique_ptr<BlockImage> image;
    AtaDisk* disk = nullptr;

    explicit Rig(bool read_only = false, uint32_t sectors = kSectors) {
        mem.add_ram(0, 0x100000);
        image = BlockImage::in_memory(image_bytes(sectors), read_only);
        auto d = std::make_unique<AtaDisk>(*image);
        disk = d.get();
        ide.attach(0, 0, std::move(d));
    }

    uint8_t in8(uint16_t p) { return static_cast<uint8_t>(io.read(p, 1)); }
    uint16_t in16(uint16_t p) { return static_cast<uint16_t>(io.read(p, 2)); }
    void out8(uint16_t p, uint8_t v) { io.write(p, v, 1); }
    uint8_t status() { return in8(0x1F7); }

    void lba28(uint32_t lba, uint8_t count, bool slave = false) {
        out8(0x1F6, static_cast<uint8_t>(0xE0 | (slave ? 0x10 : 0) | ((lba >> 24) & 0x0F)));
        out8(0x1F2, count);
        out8(0x1F3, uint8_t(lba));
        out8(0x1F4, uint8_t(lba >> 8));
        out8(0x1F5, uint8_t(lba >> 16));
    }
    void lba48(uint64_t lba, uint16_t count) {
        out8(0x1F6, 0x40);
        out8(0x1F2, uint8_t(count >> 8));
        out8(0x1F3, uint8_t(lba >> 24));
        out8(0x1F4, uint8_t(lba >> 32));
        out8(0x1F5, uint8_t(lba >> 40));
        out8(0x1F2, uint8_t(count));
        out8(0x1F3, uint8_t(lba));
        out8(0x1F4, uint8_t(lba >> 8));
        out8(0x1F5, uint8_t(lba >> 16));
    }
    std::vector<uint8_t> read_block(size_t bytes) {
        std::vector<uint8_t> out;
        for (size_t i = 0; i < bytes; i += 2) {
            uint16_t w = in16(0x1F0);
            out.push_back(uint8_t(w));
            out.push_back(uint8_t(w >> 8));
        }
        return out;
    }
    void write_block(const std::vector<uint8_t>& data) {
        for (size_t i = 0; i < data.size(); i += 2) io.write(0x1F0, data[i] | data[i + 1] << 8, 2);
    }
    std::vector<uint8_t> image_sector(uint64_t s) {
        std::vector<uint8_t> out(512);
        image->read(s * 512, out);
        return out;
    }
};

bool sector_matches(const std::vector<uint8_t>& data, size_t offset, uint64_t sector) {
    for (unsigned i = 0; i < 512; ++i)
        if (data[offset + i] != pattern(sector, i)) return false;
    return true;
}

std::string ata_string(const std::vector<uint8_t>& id, unsigned word, unsigned words) {
    std::string s;
    for (unsigned i = 0; i < words; ++i) {
        s += static_cast<char>(id[2 * (word + i) + 1]);
        s += static_cast<char>(id[2 * (word + i)]);
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

uint16_t word(const std::vector<uint8_t>& id, unsigned w) { return static_cast<uint16_t>(id[2 * w] | id[2 * w + 1] << 8); }

}  // namespace

TEST_CASE("IDENTIFY DEVICE describes the disk", "[ide]") {
    Rig r;
    CHECK(r.status() == (ST_DRDY | ST_DSC));
    r.out8(0x1F6, 0xA0);
    r.out8(0x1F7, 0xEC);
    CHECK(r.irq14);
    CHECK(r.in8(0x3F6) & ST_DRQ);
    CHECK(r.irq14);  // alternate status does not acknowledge
    CHECK((r.status() & (ST_DRQ | ST_BSY | ST_ERR)) == ST_DRQ);
    CHECK_FALSE(r.irq14);  // status does
    auto id = r.read_block(512);
    CHECK((r.status() & ST_DRQ) == 0);
    CHECK_FALSE(r.irq14);  // no interrupt at the end of a PIO data-in command
    CHECK(ata_string(id, 27, 20) == "AMBER HARDDISK");
    CHECK(ata_string(id, 10, 10) == "AMBER0000000000001");
    CHECK(word(id, 0) == 0x0040);
    CHECK(word(id, 1) == 4);   // cylinders
    CHECK(word(id, 3) == 16);  // heads
    CHECK(word(id, 6) == 63);  // sectors per track
    CHECK((word(id, 60) | word(id, 61) << 16) == kSectors);
    CHECK((word(id, 100) | uint64_t(word(id, 101)) << 16) == kSectors);
    CHECK(word(id, 102) == 0);
    CHECK(word(id, 49) & 0x0300);        // LBA and DMA
    CHECK(word(id, 83) & (1u << 10));    // LBA48
    CHECK((word(id, 88) & 0x3F) == 0x3F);  // UDMA 0-5
    CHECK((word(id, 63) & 0x07) == 0x07);  // MWDMA 0-2
    CHECK((word(id, 47) & 0xFF) == AtaDisk::kMaxMultiple);
    uint8_t sum = 0;
    for (uint8_t b : id) sum = static_cast<uint8_t>(sum + b);
    CHECK(sum == 0);
    CHECK((word(id, 255) & 0xFF) == 0xA5);
}

TEST_CASE("An absent slave reads status 0; an empty channel reads FF", "[ide]") {
    Rig r;
    r.out8(0x1F6, 0xB0);
    CHECK(r.status() == 0);
    CHECK(r.in8(0x3F6) == 0);
    r.out8(0x1F2, 0x55);  // device 0 keeps the shadow registers
    CHECK(r.in8(0x1F2) == 0x55);
    r.out8(0x1F7, 0xEC);  // nobody to execute it
    CHECK_FALSE(r.irq14);
    CHECK(r.in8(0x177) == 0xFF);
    CHECK(r.in8(0x172) == 0xFF);
}

TEST_CASE("PIO reads in CHS, LBA28 and LBA48", "[ide]") {
    Rig r;
    SECTION("CHS: cylinder 1, head 2, sector 5") {
        r.out8(0x1F6, 0xA2);
        r.out8(0x1F2, 3);
        r.out8(0x1F3, 5);
        r.out8(0x1F4, 1);
        r.out8(0x1F5, 0);
        r.out8(0x1F7, 0x20);
        uint64_t lba = (1 * 16 + 2) * 63 + 4;
        for (unsigned s = 0; s < 3; ++s) {
            CHECK(r.irq14);  // one interrupt per sector
            CHECK((r.status() & (ST_DRQ | ST_ERR)) == ST_DRQ);
            CHECK(sector_matches(r.read_block(512), 0, lba + s));
        }
        CHECK((r.status() & (ST_DRQ | ST_ERR | ST_DRDY)) == ST_DRDY);
    }
    SECTION("LBA28 with 32-bit data reads") {
        r.lba28(1000, 2);
        r.out8(0x1F7, 0x20);
        std::vector<uint8_t> data;
        for (int i = 0; i < 256; ++i) {
            uint32_t v = r.io.read(0x1F0, 4);
            for (int b = 0; b < 4; ++b) data.push_back(uint8_t(v >> (8 * b)));
        }
        CHECK(sector_matches(data, 0, 1000));
        CHECK(sector_matches(data, 512, 1001));
        CHECK_FALSE(r.status() & ST_DRQ);
    }
    SECTION("LBA48 with the HOB bytes") {
        r.lba48(3000, 2);
        r.out8(0x1F7, 0x24);
        REQUIRE((r.status() & (ST_DRQ | ST_ERR)) == ST_DRQ);
        CHECK(sector_matches(r.read_block(512), 0, 3000));
        r.status();
        CHECK(sector_matches(r.read_block(512), 0, 3001));
        // The high bytes read back with HOB set.
        r.out8(0x3F6, CTL_HOB);
        CHECK(r.in8(0x1F3) == 0);
        r.out8(0x3F6, 0);
        CHECK(r.in8(0x1F3) == uint8_t(3001));
        CHECK(r.in8(0x1F4) == uint8_t(3001 >> 8));
    }
    SECTION("LBA48 high bits past the end are IDNF") {
        r.lba48(uint64_t(1) << 32, 1);
        r.out8(0x1F7, 0x24);
        CHECK(r.irq14);
        CHECK(r.status() & ST_ERR);
        CHECK(r.in8(0x1F1) & ER_IDNF);
    }
}

TEST_CASE("PIO writes reach the image", "[ide]") {
    Rig r;
    std::vector<uint8_t> data(1024);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i ^ 0x5A);
    r.lba28(200, 2);
    r.out8(0x1F7, 0x30);
    CHECK_FALSE(r.irq14);  // the first block is requested without an interrupt
    REQUIRE((r.status() & ST_DRQ));
    r.write_block({data.begin(), data.begin() + 512});
    CHECK(r.irq14);
    CHECK(r.status() & ST_DRQ);
    r.write_block({data.begin() + 512, data.end()});
    CHECK(r.irq14);  // written
    CHECK((r.status() & (ST_DRQ | ST_ERR)) == 0);
    CHECK(r.image_sector(200) == std::vector<uint8_t>(data.begin(), data.begin() + 512));
    CHECK(r.image_sector(201) == std::vector<uint8_t>(data.begin() + 512, data.end()));
    CHECK(sector_matches(r.image_sector(202), 0, 202));  // nothing beyond

    SECTION("WRITE SECTORS EXT") {
        r.lba48(300, 1);
        r.out8(0x1F7, 0x34);
        r.write_block(data.size() > 512 ? std::vector<uint8_t>(512, 0xC3) : data);
        CHECK((r.status() & (ST_DRQ | ST_ERR)) == 0);
        CHECK(r.image_sector(300) == std::vector<uint8_t>(512, 0xC3));
    }
    SECTION("FLUSH CACHE and FLUSH CACHE EXT") {
        for (uint8_t cmd : {0xE7, 0xEA}) {
            r.out8(0x1F7, cmd);
            CHECK(r.irq14);
            CHECK((r.status() & (ST_ERR | ST_BSY | ST_DRDY)) == ST_DRDY);
        }
    }
}

TEST_CASE("READ/WRITE MULTIPLE move blocks of the set size", "[ide]") {
    Rig r;
    r.lba28(10, 6);
    r.out8(0x1F7, 0xC4);  // multiple mode is off
    CHECK(r.status() & ST_ERR);
    CHECK(r.in8(0x1F1) == ER_ABRT);
    r.out8(0x1F2, 3);  // not a power of two
    r.out8(0x1F7, 0xC6);
    CHECK(r.status() & ST_ERR);
    r.out8(0x1F2, 4);
    r.out8(0x1F7, 0xC6);
    CHECK_FALSE(r.status() & ST_ERR);
    CHECK(r.disk->multiple() == 4);

    r.irq14_edges = 0;
    r.lba28(10, 6);
    r.out8(0x1F7, 0xC4);
    CHECK(r.irq14_edges == 1);
    r.status();
    auto first = r.read_block(4 * 512);
    CHECK(r.irq14_edges == 2);
    r.status();
    auto second = r.read_block(2 * 512);
    CHECK(r.irq14_edges == 2);
    for (unsigned s = 0; s < 4; ++s) CHECK(sector_matches(first, s * 512, 10 + s));
    for (unsigned s = 0; s < 2; ++s) CHECK(sector_matches(second, s * 512, 14 + s));

    // WRITE MULTIPLE EXT: 5 sectors = blocks of 4 and 1.
    r.lba48(500, 5);
    r.out8(0x1F7, 0x39);
    r.write_block(std::vector<uint8_t>(4 * 512, 0x11));
    CHECK(r.irq14);
    CHECK(r.status() & ST_DRQ);
    r.write_block(std::vector<uint8_t>(512, 0x22));
    CHECK((r.status() & (ST_DRQ | ST_ERR)) == 0);
    CHECK(r.image_sector(503) == std::vector<uint8_t>(512, 0x11));
    CHECK(r.image_sector(504) == std::vector<uint8_t>(512, 0x22));
}

namespace {
// A PRD table at 0x8000: entries (address, bytes), the last one marked EOT.
void prd_table(PhysMemory& mem, std::vector<std::pair<uint32_t, uint32_t>> entries) {
    uint32_t at = 0x8000;
    for (size_t i = 0; i < entries.size(); ++i, at += 8) {
        mem.write<uint32_t>(at, entries[i].first);
        mem.write<uint32_t>(at + 4, (entries[i].second & 0xFFFF) | (i + 1 == entries.size() ? 0x80000000u : 0));
    }
}
}  // namespace

TEST_CASE("DMA through the PIIX3 bus master and a PRD table", "[ide]") {
    Rig r;
    PciHost host(r.io);
    Piix3Ide pide(r.io, r.ide);
    host.add(1, 1, &pide);
    host.config_write(1, 1, 0x20, 0xC000, 4);
    host.config_write(1, 1, 0x04, pci::CMD_IO | pci::CMD_BUS_MASTER, 2);
    REQUIRE(r.io.handler_at(0xC000) == &pide);
    CHECK(r.io.read(0xC002, 1) == bmide::ST_DMA0);  // master present, DMA capable

    SECTION("READ DMA into two buffers") {
        prd_table(r.mem, {{0x20000, 512}, {0x30000, 1024}});
        r.io.write(0xC004, 0x8000, 4);
        r.io.write(0xC000, bmide::CMD_TO_MEMORY, 1);
        r.lba28(40, 3);
        r.out8(0x1F7, 0xC8);
        CHECK_FALSE(r.irq14);  // waits for the bus master
        r.io.write(0xC000, bmide::CMD_TO_MEMORY | bmide::CMD_START, 1);
        CHECK(r.irq14);
        uint8_t bm = static_cast<uint8_t>(r.io.read(0xC002, 1));
        CHECK(bm & bmide::ST_INTERRUPT);
        CHECK_FALSE(bm & bmide::ST_ACTIVE);  // table and transfer ended together
        std::vector<uint8_t> a(512), b(1024);
        r.mem.read_block(0x20000, a);
        r.mem.read_block(0x30000, b);
        CHECK(sector_matches(a, 0, 40));
        CHECK(sector_matches(b, 0, 41));
        CHECK(sector_matches(b, 512, 42));
        r.io.write(0xC000, 0, 1);
        r.io.write(0xC002, bmide::ST_INTERRUPT, 1);  // write one to clear
        CHECK_FALSE(r.io.read(0xC002, 1) & bmide::ST_INTERRUPT);
        CHECK((r.status() & (ST_DRQ | ST_ERR | ST_DRDY)) == ST_DRDY);
        CHECK_FALSE(r.irq14);
    }
    SECTION("WRITE DMA EXT from guest memory, start before the command") {
        std::vector<uint8_t> src(2048);
        for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i * 5 + 3);
        r.mem.write_block(0x40000, src);
        prd_table(r.mem, {{0x40000, 1536}, {0x40600, 512}, {0x50000, 4096}});
        r.io.write(0xC004, 0x8000, 4);
        r.io.write(0xC000, bmide::CMD_START, 1);
        r.lba48(700, 4);
        r.out8(0x1F7, 0x35);
        CHECK(r.irq14);
        uint8_t bm = static_cast<uint8_t>(r.io.read(0xC002, 1));
        CHECK(bm & bmide::ST_INTERRUPT);
        CHECK(bm & bmide::ST_ACTIVE);  // the table was longer than the transfer
        for (unsigned s = 0; s < 4; ++s)
            CHECK(r.image_sector(700 + s) == std::vector<uint8_t>(src.begin() + s * 512, src.begin() + (s + 1) * 512));
        CHECK(sector_matches(r.image_sector(704), 0, 704));
    }
    SECTION("A table that ends early stalls without an interrupt") {
        prd_table(r.mem, {{0x20000, 512}});
        r.io.write(0xC004, 0x8000, 4);
        r.lba28(0, 2);
        r.out8(0x1F7, 0xC8);
        r.io.write(0xC000, bmide::CMD_TO_MEMORY | bmide::CMD_START, 1);
        CHECK_FALSE(r.irq14);
        CHECK_FALSE(r.io.read(0xC002, 1) & (bmide::ST_ACTIVE | bmide::ST_INTERRUPT));
        // The driver gives up and resets the channel.
        r.out8(0x3F6, CTL_SRST);
        r.out8(0x3F6, 0);
        CHECK(r.status() == (ST_DRDY | ST_DSC));
    }
    SECTION("PRD entries and tables outside RAM do not crash") {
        prd_table(r.mem, {{0xFFFFFF00, 0}, {0xF0000000, 512}});  // 64 KiB wrapping the top, then unmapped
        r.io.write(0xC004, 0x8000, 4);
        r.lba28(0, 129);
        r.out8(0x1F7, 0xC8);
        r.io.write(0xC000, bmide::CMD_TO_MEMORY | bmide::CMD_START, 1);
        CHECK(r.irq14);
        CHECK((r.status() & (ST_DRQ | ST_ERR)) == 0);
        // A table pointer into nowhere: entries read as all ones.
        r.io.write(0xC000, 0, 1);
        r.io.write(0xC004, 0xFFFFFFF8, 4);
        r.lba28(0, 1);
        r.out8(0x1F7, 0xCA);
        r.io.write(0xC000, bmide::CMD_START, 1);
        CHECK(r.irq14);
        CHECK((r.status() & (ST_DRQ | ST_ERR)) == 0);
    }
}

TEST_CASE("Errors: unknown commands, bad addresses, read-only images", "[ide]") {
    SECTION("unknown command") {
        Rig r;
        r.out8(0x1F7, 0xFF);
        CHECK(r.irq14);
        CHECK((r.status() & (ST_ERR | ST_DRQ | ST_DRDY)) == (ST_ERR | ST_DRDY));
        CHECK(r.in8(0x1F1) == ER_ABRT);
        r.out8(0x1F7, 0xE5);  // the next command clears the error
        CHECK_FALSE(r.status() & ST_ERR);
        CHECK(r.in8(0x1F2) == 0xFF);  // CHECK POWER MODE: active
    }
    SECTION("LBA28 past the end") {
        Rig r;
        r.lba28(kSectors - 1, 2);
        r.out8(0x1F7, 0x20);
        CHECK(r.status() & ST_ERR);
        CHECK(r.in8(0x1F1) & ER_IDNF);
        r.lba28(kSectors, 1);
        r.out8(0x1F7, 0xC8);
        CHECK(r.status() & ST_ERR);
        r.lba28(kSectors, 1);
        r.out8(0x1F7, 0x40);  // READ VERIFY checks the range too
        CHECK(r.in8(0x1F1) & ER_IDNF);
        r.lba28(kSectors - 1, 1);
        r.out8(0x1F7, 0x40);
        CHECK_FALSE(r.status() & ST_ERR);
    }
    SECTION("CHS outside the geometry") {
        Rig r;
        r.out8(0x1F6, 0xA0);
        r.out8(0x1F2, 1);
        r.out8(0x1F3, 0);  // sector numbers start at 1
        r.out8(0x1F4, 0);
        r.out8(0x1F5, 0);
        r.out8(0x1F7, 0x20);
        CHECK(r.in8(0x1F1) & ER_IDNF);
        r.out8(0x1F3, 64);
        r.out8(0x1F7, 0x20);
        CHECK(r.in8(0x1F1) & ER_IDNF);
        r.out8(0x1F3, 1);
        r.out8(0x1F4, 4);  // cylinder 4 of 4
        r.out8(0x1F7, 0x20);
        CHECK(r.in8(0x1F1) & ER_IDNF);
    }
    SECTION("read-only image") {
        Rig r(true);
        r.lba28(5, 1);
        r.out8(0x1F7, 0x30);
        CHECK(r.irq14);
        CHECK(r.status() & ST_ERR);
        CHECK(r.in8(0x1F1) == ER_ABRT);
        CHECK_FALSE(r.status() & ST_DRQ);
        r.write_block(std::vector<uint8_t>(512, 0));  // ignored: no transfer
        CHECK(sector_matches(r.image_sector(5), 0, 5));
        r.lba28(5, 1);
        r.out8(0x1F7, 0x20);  // reads still work
        CHECK(sector_matches(r.read_block(512), 0, 5));
    }
}

TEST_CASE("Software reset, diagnostics, nIEN and device settings", "[ide]") {
    Rig r;
    SECTION("SRST loads the ATA signature") {
        r.lba28(0x123456, 9);
        r.out8(0x3F6, CTL_SRST);
        CHECK(r.in8(0x3F6) & ST_BSY);
        r.out8(0x3F6, 0);
        CHECK(r.status() == (ST_DRDY | ST_DSC));
        CHECK(r.in8(0x1F1) == 0x01);
        CHECK(r.in8(0x1F2) == 0x01);
        CHECK(r.in8(0x1F3) == 0x01);
        CHECK(r.in8(0x1F4) == 0x00);
        CHECK(r.in8(0x1F5) == 0x00);
        CHECK(r.in8(0x1F6) == 0x00);
    }
    SECTION("EXECUTE DEVICE DIAGNOSTIC") {
        r.out8(0x1F6, 0xB0);
        r.out8(0x1F7, 0x90);
        CHECK(r.irq14);
        CHECK(r.in8(0x1F1) == 0x01);
        CHECK(r.in8(0x1F6) == 0x00);  // device 0 selected again
    }
    SECTION("nIEN masks the interrupt line") {
        r.out8(0x3F6, CTL_NIEN);
        r.out8(0x1F7, 0xEC);
        CHECK_FALSE(r.irq14);
        CHECK(r.in8(0x3F6) & ST_DRQ);
        r.out8(0x3F6, 0);
        CHECK(r.irq14);  // the device still requests
    }
    SECTION("SET FEATURES: transfer mode and write cache") {
        r.out8(0x1F1, 0x03);
        r.out8(0x1F2, 0x45);  // UDMA 5
        r.out8(0x1F7, 0xEF);
        CHECK_FALSE(r.status() & ST_ERR);
        r.out8(0x1F1, 0x82);
        r.out8(0x1F7, 0xEF);
        CHECK_FALSE(r.disk->write_cache());
        auto id = r.disk->identify_data();
        CHECK(id[88] == (0x003F | 0x2000));
        CHECK((id[63] & 0xFF00) == 0);
        CHECK((id[85] & 0x20) == 0);
        r.out8(0x1F1, 0x03);
        r.out8(0x1F2, 0x46);  // UDMA 6: not supported
        r.out8(0x1F7, 0xEF);
        CHECK(r.status() & ST_ERR);
        r.out8(0x1F1, 0x77);  // unknown feature
        r.out8(0x1F7, 0xEF);
        CHECK(r.in8(0x1F1) == ER_ABRT);
        // A write with the cache off still completes (and is flushed).
        r.lba28(1, 1);
        r.out8(0x1F7, 0x30);
        r.write_block(std::vector<uint8_t>(512, 0xEE));
        CHECK_FALSE(r.status() & ST_ERR);
        CHECK(r.image_sector(1) == std::vector<uint8_t>(512, 0xEE));
    }
    SECTION("INITIALIZE DEVICE PARAMETERS changes the CHS translation") {
        r.out8(0x1F6, 0xA0 | 3);  // 4 heads
        r.out8(0x1F2, 17);        // 17 sectors per track
        r.out8(0x1F7, 0x91);
        CHECK_FALSE(r.status() & ST_ERR);
        r.out8(0x1F6, 0xA1);  // head 1
        r.out8(0x1F2, 1);
        r.out8(0x1F3, 2);  // sector 2
        r.out8(0x1F4, 2);  // cylinder 2
        r.out8(0x1F5, 0);
        r.out8(0x1F7, 0x20);
        CHECK(sector_matches(r.read_block(512), 0, (2 * 4 + 1) * 17 + 1));
        CHECK(r.disk->identify_data()[55] == 4);
    }
    SECTION("RECALIBRATE, SEEK, IDLE, STANDBY complete") {
        for (uint8_t cmd : {0x10, 0x70, 0xE3, 0xE2, 0xE1, 0xE0}) {
            r.out8(0x1F7, cmd);
            CHECK(r.irq14);
            CHECK((r.status() & (ST_ERR | ST_DRDY)) == ST_DRDY);
        }
    }
}

TEST_CASE("The secondary channel at 0x170 uses IRQ 15", "[ide]") {
    Rig r;
    auto img = BlockImage::in_memory(image_bytes(2048));
    r.ide.attach(1, 1, std::make_unique<AtaDisk>(*img));
    r.io.write(0x176, 0xF0, 1);  // slave, LBA
    r.io.write(0x172, 1, 1);
    r.io.write(0x173, 77, 1);
    r.io.write(0x174, 0, 1);
    r.io.write(0x175, 0, 1);
    r.io.write(0x177, 0x20, 1);
    CHECK(r.irq15);
    CHECK_FALSE(r.irq14);
    std::vector<uint8_t> d;
    for (int i = 0; i < 256; ++i) {
        uint16_t w = static_cast<uint16_t>(r.io.read(0x170, 2));
        d.push_back(uint8_t(w));
        d.push_back(uint8_t(w >> 8));
    }
    CHECK(sector_matches(d, 0, 77));
    r.io.write(0x176, 0xE0, 1);  // master absent: status 0
    CHECK(r.io.read(0x177, 1) == 0);
}

TEST_CASE("IDE and PCI state is visible to visit() (trace hashes)", "[ide][pci]") {
    Rig r;
    auto hash = [](Device& d) {
        HashArchive h;
        d.visit(h);
        return h.digest();
    };
    uint64_t before = hash(r.ide);
    r.lba28(3, 1);
    CHECK(hash(r.ide) != before);
    r.out8(0x1F7, 0x20);
    uint64_t mid = hash(r.ide);
    r.read_block(512);
    CHECK(hash(r.ide) != mid);

    PciHost host(r.io);
    Piix3Ide pide(r.io, r.ide);
    host.add(1, 1, &pide);
    uint64_t cfg = hash(pide);
    host.config_write(1, 1, 0x40, 0xA307, 2);
    CHECK(hash(pide) != cfg);
}

TEST_CASE("The disk observer sees each read and write with its address", "[ide][trace]") {
    Rig r;
    std::vector<DiskRequest> seen;
    r.disk->set_observer([&](const DiskRequest& q) { seen.push_back(q); }, 0);
    r.lba28(100, 3);
    r.out8(0x1F7, 0x20);  // READ SECTORS
    (void)r.read_block(3 * 512);
    r.lba48(1000, 2);
    r.out8(0x1F7, 0x34);  // WRITE SECTORS EXT
    r.out8(0x1F7, 0xEC);  // IDENTIFY: not a data request
    r.lba28(kSectors, 1);  // past the end: refused, not reported
    r.out8(0x1F7, 0x20);
    REQUIRE(seen.size() == 2);
    CHECK((seen[0].unit == 0 && seen[0].command == 0x20 && !seen[0].write && seen[0].lba == 100 && seen[0].count == 3));
    CHECK((seen[1].command == 0x34 && seen[1].write && seen[1].lba == 1000 && seen[1].count == 2));
}
