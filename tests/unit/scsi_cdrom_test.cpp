// The CD-ROM command set, checked byte by byte against the SPC/MMC layouts.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <unistd.h>
#include <vector>

#include "devices/scsi_cdrom.hpp"
#include "tests/unit/tape_archive.hpp"

using namespace amber;
using namespace amber::scsi;

namespace {

constexpr uint32_t kSectors = 300;  // 300 sectors = 450 frames with the pregap: lead-out at 00:06:00

// Sector n holds bytes (n * 7 + i) & 0xFF, so any misplaced byte shows.
std::vector<uint8_t> disc_bytes(uint32_t sectors = kSectors) {
    std::vector<uint8_t> d(size_t(sectors) * 2048);
    for (size_t i = 0; i < d.size(); ++i) d[i] = uint8_t(i / 2048 * 7 + i % 2048);
    return d;
}
uint8_t disc_byte(uint64_t lba, size_t offset) { return uint8_t(lba * 7 + offset); }

struct Reply {
    bool ok;
    std::vector<uint8_t> data;
};

// A 12-byte packet from the given leading bytes.
std::vector<uint8_t> packet(std::initializer_list<uint8_t> bytes) {
    std::vector<uint8_t> p(bytes);
    p.resize(12, 0);
    return p;
}

// Runs a command and pulls its whole data-in phase, in `chunk`-byte pieces.
Reply run(ScsiCdrom& cd, std::vector<uint8_t> cdb, std::span<const uint8_t> out = {}, size_t chunk = 4096) {
    auto r = cd.execute(cdb, out);
    Reply reply{r.ok, {}};
    REQUIRE(r.length < (64u << 20));
    reply.data.resize(r.length);
    size_t got = 0;
    while (got < r.length) {
        size_t n = cd.read_data(std::span(reply.data).subspan(got, std::min<size_t>(chunk, r.length - got)));
        if (n == 0) break;
        got += n;
    }
    reply.data.resize(got);
    return reply;
}

// A drive with a disc, past the power-on and medium-changed attentions.
struct Loaded {
    ScsiCdrom cd;
    Loaded(uint32_t sectors = kSectors) {
        cd.insert(BlockImage::in_memory(disc_bytes(sectors), true));
        while (!cd.execute(packet({TEST_UNIT_READY})).ok) {
            REQUIRE(cd.sense().key == UNIT_ATTENTION);
        }
    }
};

Sense failed_with(ScsiCdrom& cd, std::vector<uint8_t> cdb) {
    auto r = cd.execute(cdb);
    CHECK_FALSE(r.ok);
    CHECK(r.length == 0);
    return cd.sense();
}

uint16_t be16(const std::vector<uint8_t>& d, size_t at) { return uint16_t(d.at(at) << 8 | d.at(at + 1)); }
uint32_t be32(const std::vector<uint8_t>& d, size_t at) { return uint32_t(be16(d, at)) << 16 | be16(d, at + 2); }

using amber::test::TapeArchive;

}  // namespace

// ---- sense sequences -------------------------------------------------------

TEST_CASE("cdrom: power on, no disc: unit attention once, then not ready", "[cdrom]") {
    ScsiCdrom cd;
    CHECK_FALSE(cd.has_media());
    CHECK(failed_with(cd, packet({TEST_UNIT_READY})) == kPowerOnReset);
    CHECK(failed_with(cd, packet({TEST_UNIT_READY})) == kNoMediumTrayClosed);
    // REQUEST SENSE reports the failure in fixed format, then forgets it.
    auto s = run(cd, packet({REQUEST_SENSE, 0, 0, 0, 18}));
    REQUIRE(s.ok);
    REQUIRE(s.data.size() == 18);
    CHECK(s.data[0] == 0x70);
    CHECK(s.data[2] == NOT_READY);
    CHECK(s.data[7] == 10);
    CHECK(s.data[12] == 0x3A);
    CHECK(s.data[13] == 0x01);
    CHECK(failed_with(cd, packet({READ_10, 0, 0, 0, 0, 0, 0, 0, 1})).asc == 0x3A);
    CHECK(failed_with(cd, packet({READ_CAPACITY})).key == NOT_READY);
    CHECK(failed_with(cd, packet({READ_TOC, 0, 0, 0, 0, 0, 0, 0, 12})).key == NOT_READY);
}

TEST_CASE("cdrom: a new disc reports a medium change once, then is ready", "[cdrom]") {
    ScsiCdrom cd;
    cd.execute(packet({TEST_UNIT_READY}));  // consume the power-on attention
    cd.insert(BlockImage::in_memory(disc_bytes(), true));
    CHECK(cd.has_media());
    // INQUIRY, GET CONFIGURATION and GESN neither report nor consume it.
    CHECK(run(cd, packet({INQUIRY, 0, 0, 0, 36})).ok);
    CHECK(run(cd, packet({GET_CONFIGURATION, 0, 0, 0, 0, 0, 0, 0, 8})).ok);
    auto r = cd.execute(packet({READ_10, 0, 0, 0, 0, 0, 0, 0, 1}));
    CHECK_FALSE(r.ok);
    CHECK(cd.sense() == kMediumChanged);
    auto s = run(cd, packet({REQUEST_SENSE, 0, 0, 0, 18}));
    CHECK(s.data[2] == UNIT_ATTENTION);
    CHECK(s.data[12] == 0x28);
    CHECK(s.data[13] == 0x00);
    CHECK(cd.execute(packet({TEST_UNIT_READY})).ok);
    // After a good command there is nothing to report.
    s = run(cd, packet({REQUEST_SENSE, 0, 0, 0, 18}));
    CHECK(s.data[2] == NO_SENSE);
    CHECK(s.data[12] == 0);
}

TEST_CASE("cdrom: REQUEST SENSE itself reports a pending unit attention", "[cdrom]") {
    ScsiCdrom cd;
    cd.insert(BlockImage::in_memory(disc_bytes(), true));
    auto s = run(cd, packet({REQUEST_SENSE, 0, 0, 0, 252}));
    REQUIRE(s.data.size() == 18);
    CHECK(s.data[2] == UNIT_ATTENTION);
    CHECK(s.data[12] == 0x28);
    CHECK(cd.execute(packet({TEST_UNIT_READY})).ok);
}

TEST_CASE("cdrom: unknown opcodes are illegal requests", "[cdrom]") {
    Loaded l;
    CHECK(failed_with(l.cd, packet({0x47})) == kInvalidOpcode);  // PLAY AUDIO MSF: no audio
    CHECK(failed_with(l.cd, packet({0x2A})) == kInvalidOpcode);  // WRITE(10)
    CHECK(l.cd.execute(packet({TEST_UNIT_READY})).ok);
}

TEST_CASE("cdrom: images that are not whole 2048-byte sectors are refused", "[cdrom]") {
    ScsiCdrom cd;
    CHECK_THROWS_AS(cd.insert(BlockImage::in_memory(std::vector<uint8_t>(3000), true)), ImageError);
    CHECK_FALSE(cd.has_media());
    namespace fs = std::filesystem;
    fs::path p = fs::temp_directory_path() / ("amber_cd_" + std::to_string(::getpid()) + ".iso");
    {
        std::ofstream f(p, std::ios::binary);
        std::vector<char> bytes(2048 + 512, 'x');
        f.write(bytes.data(), std::streamsize(bytes.size()));
    }
    CHECK_THROWS_WITH(ScsiCdrom::open_image(p.string()),
                      "image '" + p.string() + "' is 2560 bytes, not a whole number of 2048-byte sectors");
    fs::resize_file(p, 4096);
    auto img = ScsiCdrom::open_image(p.string());
    CHECK(img->read_only());
    cd.insert(std::move(img));
    CHECK(cd.capacity() == 2);
    fs::remove(p);
}

// ---- identification and capacity ---------------------------------------------

TEST_CASE("cdrom: INQUIRY standard data and vital product data", "[cdrom]") {
    ScsiCdrom cd;
    auto r = run(cd, packet({INQUIRY, 0, 0, 0, 96}));
    REQUIRE(r.ok);
    REQUIRE(r.data.size() == 36);
    CHECK(r.data[0] == 0x05);  // CD/DVD device
    CHECK(r.data[1] == 0x80);  // removable
    CHECK(r.data[3] == 0x02);
    CHECK(r.data[4] == 31);
    CHECK(std::string(r.data.begin() + 8, r.data.begin() + 16) == "AMBER   ");
    CHECK(std::string(r.data.begin() + 16, r.data.begin() + 32) == "CD-ROM          ");
    // Cut to the allocation length.
    CHECK(run(cd, packet({INQUIRY, 0, 0, 0, 5})).data.size() == 5);
    auto vpd = run(cd, packet({INQUIRY, 1, 0x00, 0, 255}));
    REQUIRE(vpd.data.size() == 6);
    CHECK(vpd.data[3] == 2);
    CHECK(vpd.data[4] == 0x00);
    CHECK(vpd.data[5] == 0x80);
    CHECK(failed_with(cd, packet({INQUIRY, 1, 0x83, 0, 255})) == kInvalidFieldInCdb);
    CHECK(failed_with(cd, packet({INQUIRY, 0, 0x80, 0, 255})) == kInvalidFieldInCdb);
}

TEST_CASE("cdrom: READ CAPACITY gives the last block and 2048", "[cdrom]") {
    Loaded l;
    auto r = run(l.cd, packet({READ_CAPACITY}));
    REQUIRE(r.data.size() == 8);
    CHECK(be32(r.data, 0) == kSectors - 1);
    CHECK(be32(r.data, 4) == 2048);
}

// ---- reads ---------------------------------------------------------------------

TEST_CASE("cdrom: READ(10) and READ(12) stream sectors in any piece size", "[cdrom]") {
    Loaded l;
    for (size_t chunk : {size_t(1000), size_t(2048), size_t(65534)}) {
        auto r = run(l.cd, packet({READ_10, 0, 0, 0, 0, 10, 0, 0, 3}), {}, chunk);
        REQUIRE(r.ok);
        REQUIRE(r.data.size() == 3 * 2048);
        for (size_t i = 0; i < r.data.size(); ++i) {
            if (r.data[i] != disc_byte(10 + i / 2048, i % 2048)) FAIL("byte " << i << " with pieces of " << chunk);
        }
    }
    auto r = run(l.cd, packet({READ_12, 0, 0, 0, 1, 0x2B, 0, 0, 0, 1}));  // LBA 299, the last one
    REQUIRE(r.data.size() == 2048);
    CHECK(r.data[5] == disc_byte(299, 5));
    // Zero blocks: nothing to transfer, not an error.
    auto z = l.cd.execute(packet({READ_10, 0, 0, 0, 0, 5, 0, 0, 0}));
    CHECK(z.ok);
    CHECK(z.length == 0);
}

TEST_CASE("cdrom: the data-in length is known before any sector is read", "[cdrom]") {
    Loaded l;
    auto r = l.cd.execute(packet({READ_12, 0, 0, 0, 0, 0, 0, 0, 1, 0x2C}));  // 300 sectors
    CHECK(r.ok);
    CHECK(r.length == 300ull * 2048);
    CHECK(l.cd.data_remaining() == r.length);
    std::vector<uint8_t> piece(100);
    CHECK(l.cd.read_data(piece) == 100);
    CHECK(l.cd.data_remaining() == r.length - 100);
    // A new command drops the rest.
    CHECK(l.cd.execute(packet({TEST_UNIT_READY})).ok);
    CHECK(l.cd.data_remaining() == 0);
    CHECK(l.cd.read_data(piece) == 0);
    // So does an abort, which keeps the lock.
    REQUIRE(l.cd.execute(packet({PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, 1})).ok);
    REQUIRE(l.cd.execute(packet({READ_10, 0, 0, 0, 0, 0, 0, 0, 2})).length == 4096);
    l.cd.abort_transfer();
    CHECK(l.cd.data_remaining() == 0);
    CHECK(l.cd.read_data(piece) == 0);
    CHECK(l.cd.removal_prevented());
}

TEST_CASE("cdrom: reads past the end are LBA out of range", "[cdrom]") {
    Loaded l;
    CHECK(failed_with(l.cd, packet({READ_10, 0, 0, 0, 1, 0x2C, 0, 0, 1})) == kLbaOutOfRange);  // LBA 300
    CHECK(failed_with(l.cd, packet({READ_10, 0, 0, 0, 1, 0x2B, 0, 0, 2})) == kLbaOutOfRange);  // 299 + 2
    CHECK(failed_with(l.cd, packet({READ_12, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})) == kLbaOutOfRange);
    CHECK(failed_with(l.cd, packet({SEEK_10, 0, 0, 0, 1, 0x2C})) == kLbaOutOfRange);
    CHECK(l.cd.execute(packet({SEEK_10, 0, 0, 0, 1, 0x2B})).ok);
    auto s = run(l.cd, packet({REQUEST_SENSE, 0, 0, 0, 18}));
    CHECK(s.data[2] == NO_SENSE);
}

TEST_CASE("cdrom: a disc taken out during a read ends it with a medium error", "[cdrom]") {
    Loaded l;
    auto r = l.cd.execute(packet({READ_10, 0, 0, 0, 0, 0, 0, 0, 4}));
    REQUIRE(r.ok);
    std::vector<uint8_t> buf(4 * 2048);
    CHECK(l.cd.read_data(std::span(buf).first(3000)) == 3000);
    l.cd.eject();
    CHECK(l.cd.read_data(std::span(buf).subspan(3000)) == 4096 - 3000);  // the sector already buffered
    CHECK(l.cd.sense() == kUnrecoveredReadError);
    CHECK(l.cd.data_remaining() == 0);
}

TEST_CASE("cdrom: READ CD returns user data, sync and header of Mode 1 sectors", "[cdrom]") {
    Loaded l;
    // Expected type any, LBA 2, 2 blocks, user data only.
    auto r = run(l.cd, packet({READ_CD, 0, 0, 0, 0, 2, 0, 0, 2, 0x10}));
    REQUIRE(r.ok);
    REQUIRE(r.data.size() == 2 * 2048);
    CHECK(r.data[2048 + 7] == disc_byte(3, 7));
    // Mode 1 expected, sync + all headers + user data: 2064 bytes a sector.
    r = run(l.cd, packet({READ_CD, 2 << 2, 0, 0, 0, 0, 0, 0, 1, 0xF0}));
    REQUIRE(r.data.size() == 2064);
    CHECK(r.data[0] == 0x00);
    for (int i = 1; i <= 10; ++i) CHECK(r.data[i] == 0xFF);
    CHECK(r.data[11] == 0x00);
    CHECK(r.data[12] == 0x00);  // 00:02:00 in BCD
    CHECK(r.data[13] == 0x02);
    CHECK(r.data[14] == 0x00);
    CHECK(r.data[15] == 0x01);  // Mode 1
    CHECK(r.data[16] == disc_byte(0, 0));
    // Header of LBA 1234 - 150... use LBA 287: 437 frames = 00:05:62 -> BCD 00 05 62.
    r = run(l.cd, packet({READ_CD, 0, 0, 0, 0x01, 0x1F, 0, 0, 1, 0x20}));
    REQUIRE(r.data.size() == 4);
    CHECK(r.data == std::vector<uint8_t>{0x00, 0x05, 0x62, 0x01});
    // Nothing selected: a good command without data.
    auto none = l.cd.execute(packet({READ_CD, 0, 0, 0, 0, 0, 0, 0, 1, 0x00}));
    CHECK(none.ok);
    CHECK(none.length == 0);
    CHECK(failed_with(l.cd, packet({READ_CD, 1 << 2, 0, 0, 0, 0, 0, 0, 1, 0x10})) == kIllegalModeForTrack);
    CHECK(failed_with(l.cd, packet({READ_CD, 0, 0, 0, 0, 0, 0, 0, 1, 0x18})) == kInvalidFieldInCdb);  // EDC/ECC
    CHECK(failed_with(l.cd, packet({READ_CD, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0x01})) == kInvalidFieldInCdb);
    CHECK(failed_with(l.cd, packet({READ_CD, 0, 0, 0, 1, 0x2C, 0, 0, 1, 0x10})) == kLbaOutOfRange);
}

TEST_CASE("cdrom: READ CD MSF addresses by minute, second and frame", "[cdrom]") {
    Loaded l;
    // 00:02:05 .. 00:02:07 (end exclusive): LBAs 5 and 6.
    auto r = run(l.cd, packet({READ_CD_MSF, 0, 0, 0, 2, 5, 0, 2, 7, 0x10}));
    REQUIRE(r.ok);
    REQUIRE(r.data.size() == 2 * 2048);
    CHECK(r.data[1] == disc_byte(5, 1));
    CHECK(r.data[2048 + 1] == disc_byte(6, 1));
    CHECK(failed_with(l.cd, packet({READ_CD_MSF, 0, 0, 0, 2, 7, 0, 2, 5, 0x10})) == kInvalidFieldInCdb);
}

// ---- table of contents and disc information -----------------------------------

TEST_CASE("cdrom: READ TOC format 0, LBA and MSF", "[cdrom]") {
    Loaded l;
    auto r = run(l.cd, packet({READ_TOC, 0, 0, 0, 0, 0, 0, 0, 100}));
    REQUIRE(r.ok);
    const std::vector<uint8_t> lba{0x00, 0x12, 1, 1,                  // length 18, tracks 1..1
                                   0, 0x14, 1, 0, 0, 0, 0, 0,         // track 1, data, LBA 0
                                   0, 0x14, 0xAA, 0, 0, 0, 0x01, 0x2C};  // lead-out at LBA 300
    CHECK(r.data == lba);
    r = run(l.cd, packet({READ_TOC, 0x02, 0, 0, 0, 0, 0, 0, 100}));
    const std::vector<uint8_t> msf{0x00, 0x12, 1, 1,
                                   0, 0x14, 1, 0, 0, 0, 2, 0,          // 00:02:00
                                   0, 0x14, 0xAA, 0, 0, 0, 6, 0};      // 00:06:00
    CHECK(r.data == msf);
    // Starting at the lead-out.
    r = run(l.cd, packet({READ_TOC, 0, 0, 0, 0, 0, 0xAA, 0, 100}));
    CHECK(r.data == std::vector<uint8_t>{0x00, 0x0A, 1, 1, 0, 0x14, 0xAA, 0, 0, 0, 0x01, 0x2C});
    CHECK(failed_with(l.cd, packet({READ_TOC, 0, 0, 0, 0, 0, 2, 0, 100})) == kInvalidFieldInCdb);
    // Cut to the allocation length; the length field still says the whole.
    r = run(l.cd, packet({READ_TOC, 0, 0, 0, 0, 0, 0, 0, 4}));
    CHECK(r.data == std::vector<uint8_t>{0x00, 0x12, 1, 1});
}

TEST_CASE("cdrom: READ TOC format 1 (sessions) and 2 (full TOC)", "[cdrom]") {
    Loaded l;
    auto r = run(l.cd, packet({READ_TOC, 0, 1, 0, 0, 0, 0, 0, 12}));
    CHECK(r.data == std::vector<uint8_t>{0x00, 0x0A, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0});
    // The same through the SFF-8020i format bits in the control byte.
    r = run(l.cd, packet({READ_TOC, 0, 0, 0, 0, 0, 0, 0, 12, 0x40}));
    CHECK(r.data == std::vector<uint8_t>{0x00, 0x0A, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0});
    r = run(l.cd, packet({READ_TOC, 0x02, 2, 0, 0, 0, 0, 0, 100}));
    REQUIRE(r.data.size() == 4 + 4 * 11);
    CHECK(be16(r.data, 0) == 46);
    auto entry = [&](int i) { return std::vector<uint8_t>(r.data.begin() + 4 + 11 * i, r.data.begin() + 15 + 11 * i); };
    CHECK(entry(0) == std::vector<uint8_t>{1, 0x14, 0, 0xA0, 0, 0, 0, 0, 1, 0x00, 0});
    CHECK(entry(1) == std::vector<uint8_t>{1, 0x14, 0, 0xA1, 0, 0, 0, 0, 1, 0, 0});
    CHECK(entry(2) == std::vector<uint8_t>{1, 0x14, 0, 0xA2, 0, 0, 0, 0, 0, 6, 0});
    CHECK(entry(3) == std::vector<uint8_t>{1, 0x14, 0, 0x01, 0, 0, 0, 0, 0, 2, 0});
    CHECK(failed_with(l.cd, packet({READ_TOC, 0, 5, 0, 0, 0, 0, 0, 100})) == kInvalidFieldInCdb);
}

TEST_CASE("cdrom: READ SUBCHANNEL current position", "[cdrom]") {
    Loaded l;
    REQUIRE(l.cd.execute(packet({SEEK_10, 0, 0, 0, 0, 77})).ok);
    auto r = run(l.cd, packet({READ_SUBCHANNEL, 0, 0x40, 0x01, 0, 0, 0, 0, 16}));
    REQUIRE(r.ok);
    CHECK(r.data == std::vector<uint8_t>{0, 0x15, 0, 12, 0x01, 0x14, 1, 1, 0, 0, 0, 77, 0, 0, 0, 77});
    r = run(l.cd, packet({READ_SUBCHANNEL, 0x02, 0x40, 0x01, 0, 0, 0, 0, 16}));
    CHECK(r.data == std::vector<uint8_t>{0, 0x15, 0, 12, 0x01, 0x14, 1, 1, 0, 0, 3, 2, 0, 0, 3, 2});  // 227 frames
    // Without SUBQ only the header.
    r = run(l.cd, packet({READ_SUBCHANNEL, 0, 0, 0x01, 0, 0, 0, 0, 16}));
    CHECK(r.data == std::vector<uint8_t>{0, 0x15, 0, 0});
    r = run(l.cd, packet({READ_SUBCHANNEL, 0, 0x40, 0x02, 0, 0, 0, 0, 24}));
    REQUIRE(r.data.size() == 24);
    CHECK(r.data[3] == 20);
    CHECK(r.data[4] == 0x02);
    CHECK((r.data[8] & 0x80) == 0);  // no catalogue number
}

TEST_CASE("cdrom: READ DISC INFORMATION and READ TRACK INFORMATION", "[cdrom]") {
    Loaded l;
    auto r = run(l.cd, packet({READ_DISC_INFORMATION, 0, 0, 0, 0, 0, 0, 0, 34}));
    REQUIRE(r.data.size() == 34);
    CHECK(be16(r.data, 0) == 32);
    CHECK(r.data[2] == 0x0E);  // complete disc, complete session
    CHECK(r.data[3] == 1);
    CHECK(r.data[4] == 1);
    CHECK(r.data[5] == 1);
    CHECK(r.data[6] == 1);
    CHECK(r.data[8] == 0x00);
    CHECK(be32(r.data, 16) == 0xFFFFFFFF);
    CHECK(failed_with(l.cd, packet({READ_DISC_INFORMATION, 1, 0, 0, 0, 0, 0, 0, 34})) == kInvalidFieldInCdb);
    auto t = run(l.cd, packet({READ_TRACK_INFORMATION, 1, 0, 0, 0, 1, 0, 0, 36}));
    REQUIRE(t.data.size() == 36);
    CHECK(be16(t.data, 0) == 34);
    CHECK(t.data[2] == 1);
    CHECK((t.data[5] & 0x0F) == 4);
    CHECK((t.data[6] & 0x0F) == 1);
    CHECK(be32(t.data, 8) == 0);
    CHECK(be32(t.data, 24) == kSectors);
    CHECK(failed_with(l.cd, packet({READ_TRACK_INFORMATION, 1, 0, 0, 0, 2, 0, 0, 36})) == kInvalidFieldInCdb);
}

// ---- configuration and events --------------------------------------------------

TEST_CASE("cdrom: GET CONFIGURATION lists the CD-ROM profile and features", "[cdrom]") {
    Loaded l;
    auto r = run(l.cd, packet({GET_CONFIGURATION, 0, 0, 0, 0, 0, 0, 0x04, 0}));
    REQUIRE(r.ok);
    CHECK(be32(r.data, 0) == r.data.size() - 4);
    CHECK(be16(r.data, 6) == 0x0008);  // current profile: CD-ROM
    // Walk the descriptors: codes ascending, lengths consistent.
    std::vector<uint16_t> codes;
    size_t pos = 8;
    while (pos + 4 <= r.data.size()) {
        codes.push_back(be16(r.data, pos));
        pos += 4 + r.data[pos + 3];
    }
    CHECK(pos == r.data.size());
    CHECK(codes == std::vector<uint16_t>{0x0000, 0x0001, 0x0002, 0x0003, 0x0010, 0x001D, 0x001E});
    // Profile list: persistent and current, one descriptor 0x0008 marked current.
    CHECK(std::vector<uint8_t>(r.data.begin() + 8, r.data.begin() + 16) ==
          std::vector<uint8_t>{0x00, 0x00, 0x03, 0x04, 0x00, 0x08, 0x01, 0x00});
    // Core: ATAPI physical interface.
    CHECK(be16(r.data, 16) == 0x0001);
    CHECK(be32(r.data, 20) == 2);
    // Only one feature (RT 2): removable medium, tray loader, eject, lock.
    auto one = run(l.cd, packet({GET_CONFIGURATION, 2, 0x00, 0x03, 0, 0, 0, 0, 64}));
    REQUIRE(one.data.size() == 16);
    CHECK(be16(one.data, 8) == 0x0003);
    CHECK((one.data[10] & 0x03) == 0x03);
    CHECK(one.data[11] == 4);
    CHECK(one.data[12] >> 5 == 1);
    CHECK((one.data[12] & 0x09) == 0x09);
    CHECK(failed_with(l.cd, packet({GET_CONFIGURATION, 3})) == kInvalidFieldInCdb);
}

TEST_CASE("cdrom: GET CONFIGURATION without a disc has no current profile", "[cdrom]") {
    ScsiCdrom cd;
    auto r = run(cd, packet({GET_CONFIGURATION, 1, 0, 0, 0, 0, 0, 0x04, 0}));  // current features only
    REQUIRE(r.ok);
    CHECK(be16(r.data, 6) == 0);
    CHECK(r.data[14] == 0);  // profile 0x0008 not current
    std::vector<uint16_t> codes;
    for (size_t pos = 8; pos + 4 <= r.data.size(); pos += 4 + r.data[pos + 3]) codes.push_back(be16(r.data, pos));
    CHECK(codes == std::vector<uint16_t>{0x0000, 0x0001, 0x0002, 0x0003});
}

TEST_CASE("cdrom: GET EVENT STATUS NOTIFICATION reports media events once", "[cdrom]") {
    ScsiCdrom cd;
    auto gesn = [&] { return run(cd, packet({GET_EVENT_STATUS_NOTIFICATION, 1, 0, 0, 0x10, 0, 0, 0, 8})); };
    auto r = gesn();
    CHECK(r.data == std::vector<uint8_t>{0, 6, 0x04, 0x10, 0, 0, 0, 0});  // no change, no disc
    cd.insert(BlockImage::in_memory(disc_bytes(), true));
    r = gesn();
    CHECK(r.data == std::vector<uint8_t>{0, 6, 0x04, 0x10, 2, 0x02, 0, 0});  // new media, present
    r = gesn();
    CHECK(r.data[4] == 0);
    // GESN did not consume the unit attention.
    CHECK(failed_with(cd, packet({TEST_UNIT_READY})) == kMediumChanged);
    REQUIRE(cd.execute(packet({START_STOP_UNIT, 0, 0, 0, 0x02})).ok);  // eject
    r = gesn();
    CHECK(r.data == std::vector<uint8_t>{0, 6, 0x04, 0x10, 3, 0x01, 0, 0});  // removal, tray open
    // Classes this drive does not have: "no event available".
    r = run(cd, packet({GET_EVENT_STATUS_NOTIFICATION, 1, 0, 0, 0x02, 0, 0, 0, 8}));
    CHECK(r.data == std::vector<uint8_t>{0, 2, 0x80, 0x10});
    CHECK(failed_with(cd, packet({GET_EVENT_STATUS_NOTIFICATION, 0, 0, 0, 0x10, 0, 0, 0, 8})) == kInvalidFieldInCdb);
}

// ---- mode pages ------------------------------------------------------------------

TEST_CASE("cdrom: MODE SENSE(10) capabilities page", "[cdrom]") {
    Loaded l;
    auto r = run(l.cd, packet({MODE_SENSE_10, 0, 0x2A, 0, 0, 0, 0, 0, 255}));
    REQUIRE(r.ok);
    REQUIRE(r.data.size() == 8 + 22);
    CHECK(be16(r.data, 0) == 28);
    CHECK(r.data[2] == 0x01);        // medium: 120 mm data disc
    CHECK(be16(r.data, 6) == 0);     // no block descriptors
    CHECK(r.data[8] == 0x2A);
    CHECK(r.data[9] == 0x14);
    CHECK((r.data[10] & 0x08) == 0);  // a CD-ROM: no DVD
    CHECK((r.data[11] & 0x01) == 0);  // cannot write
    CHECK(r.data[14] >> 5 == 1);     // tray
    CHECK((r.data[14] & 0x09) == 0x09);  // eject, lock
    CHECK((r.data[14] & 0x02) == 0);     // not locked
    CHECK(be16(r.data, 16) == ScsiCdrom::kMaxReadSpeed);
    CHECK(be16(r.data, 22) == ScsiCdrom::kMaxReadSpeed);
    // SET CD SPEED and PREVENT show in it.
    REQUIRE(l.cd.execute(packet({SET_CD_SPEED, 0, 0x02, 0xC1})).ok);  // 705 kB/s (4x)
    REQUIRE(l.cd.execute(packet({PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, 1})).ok);
    r = run(l.cd, packet({MODE_SENSE_10, 0, 0x2A, 0, 0, 0, 0, 0, 255}));
    CHECK(be16(r.data, 22) == 705);
    CHECK(r.data[14] & 0x02);
    REQUIRE(l.cd.execute(packet({SET_CD_SPEED, 0, 0xFF, 0xFF})).ok);
    r = run(l.cd, packet({MODE_SENSE_10, 0, 0x2A, 0, 0, 0, 0, 0, 255}));
    CHECK(be16(r.data, 22) == ScsiCdrom::kMaxReadSpeed);
}

TEST_CASE("cdrom: MODE SENSE(6) all pages, page control and errors", "[cdrom]") {
    ScsiCdrom cd;  // no disc: mode sense still works
    cd.execute(packet({TEST_UNIT_READY}));
    auto r = run(cd, packet({MODE_SENSE_6, 0, 0x3F, 0, 255}));
    REQUIRE(r.ok);
    REQUIRE(r.data.size() == 4 + 12 + 8 + 16 + 22);
    CHECK(r.data[0] == r.data.size() - 1);
    CHECK(r.data[1] == 0x70);  // no disc, door closed
    CHECK(r.data[3] == 0);
    // Pages in order, each with its length.
    CHECK(r.data[4] == 0x01);
    CHECK(r.data[5] == 0x0A);
    CHECK(r.data[16] == 0x0D);
    CHECK(r.data[17] == 0x06);
    CHECK(be16(r.data, 20) == 60);
    CHECK(be16(r.data, 22) == 75);
    CHECK(r.data[24] == 0x0E);
    CHECK(r.data[25] == 0x0E);
    CHECK(r.data[32] == 0x01);  // port 0: channel 0
    CHECK(r.data[33] == 0xFF);
    CHECK(r.data[40] == 0x2A);
    // Changeable values: only the audio page has any.
    auto ch = run(cd, packet({MODE_SENSE_6, 0, 0x40 | 0x0D, 0, 255}));
    CHECK(std::vector<uint8_t>(ch.data.begin() + 4, ch.data.end()) == std::vector<uint8_t>{0x0D, 6, 0, 0, 0, 0, 0, 0});
    ch = run(cd, packet({MODE_SENSE_6, 0, 0x40 | 0x0E, 0, 255}));
    CHECK(ch.data[4 + 9] == 0xFF);
    CHECK(failed_with(cd, packet({MODE_SENSE_6, 0, 0xC0 | 0x2A, 0, 255})) == kSavingNotSupported);
    CHECK(failed_with(cd, packet({MODE_SENSE_6, 0, 0x05, 0, 255})) == kInvalidFieldInCdb);
    CHECK(failed_with(cd, packet({MODE_SENSE_10, 0, 0x2A, 1, 0, 0, 0, 0, 255})) == kInvalidFieldInCdb);
}

TEST_CASE("cdrom: MODE SELECT keeps the audio control page", "[cdrom]") {
    Loaded l;
    std::vector<uint8_t> params(8 + 16, 0);  // MODE SELECT(10) header + page 0x0E
    params[8] = 0x0E;
    params[9] = 0x0E;
    params[16] = 0x02, params[17] = 0x80;  // port 0: right channel, half volume
    params[18] = 0x01, params[19] = 0x40;
    auto cdb = packet({MODE_SELECT_10, 0x10, 0, 0, 0, 0, 0, 0, uint8_t(params.size())});
    CHECK(l.cd.data_out_length(cdb) == params.size());
    CHECK(l.cd.data_out_length(packet({MODE_SELECT_6, 0x10, 0, 0, 20})) == 20);
    CHECK(l.cd.data_out_length(packet({READ_10})) == 0);
    REQUIRE(run(l.cd, cdb, params).ok);
    auto r = run(l.cd, packet({MODE_SENSE_10, 0, 0x0E, 0, 0, 0, 0, 0, 255}));
    REQUIRE(r.data.size() == 8 + 16);
    CHECK(std::vector<uint8_t>(r.data.begin() + 16, r.data.end()) ==
          std::vector<uint8_t>{0x02, 0x80, 0x01, 0x40, 0, 0, 0, 0});
    // Defaults are unchanged.
    r = run(l.cd, packet({MODE_SENSE_10, 0, 0x80 | 0x0E, 0, 0, 0, 0, 0, 255}));
    CHECK(r.data[16] == 0x01);
    // Other pages are accepted and ignored; a page running past the list is not.
    std::vector<uint8_t> other{0, 0, 0, 0, 0x01, 0x0A, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(run(l.cd, packet({MODE_SELECT_6, 0x10, 0, 0, uint8_t(other.size())}), other).ok);
    other[5] = 0x20;
    auto bad = l.cd.execute(packet({MODE_SELECT_6, 0x10, 0, 0, uint8_t(other.size())}), other);
    CHECK_FALSE(bad.ok);
    CHECK(l.cd.sense() == kInvalidFieldInParameterList);
    CHECK(failed_with(l.cd, packet({MODE_SELECT_6, 0x11, 0, 0, 0})) == kInvalidFieldInCdb);  // SP
}

// ---- tray and lock --------------------------------------------------------------

TEST_CASE("cdrom: eject is refused while removal is prevented", "[cdrom]") {
    Loaded l;
    REQUIRE(l.cd.execute(packet({PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, 1})).ok);
    CHECK(l.cd.removal_prevented());
    CHECK(failed_with(l.cd, packet({START_STOP_UNIT, 0, 0, 0, 0x02})) == kMediumRemovalPrevented);
    CHECK(l.cd.has_media());
    CHECK_FALSE(l.cd.tray_open());
    // The button is refused too, but the guest hears about it.
    CHECK_FALSE(l.cd.press_eject_button());
    auto r = run(l.cd, packet({GET_EVENT_STATUS_NOTIFICATION, 1, 0, 0, 0x10, 0, 0, 0, 8}));
    CHECK(r.data[4] == 1);  // eject request
    CHECK(l.cd.has_media());
    REQUIRE(l.cd.execute(packet({PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, 0})).ok);
    REQUIRE(l.cd.execute(packet({START_STOP_UNIT, 0, 0, 0, 0x02})).ok);
    CHECK(l.cd.tray_open());
    CHECK_FALSE(l.cd.has_media());
    CHECK(failed_with(l.cd, packet({TEST_UNIT_READY})) == kNoMediumTrayOpen);
    auto m = run(l.cd, packet({MECHANISM_STATUS, 0, 0, 0, 0, 0, 0, 0, 0, 8}));
    REQUIRE(m.data.size() == 8);
    CHECK(m.data[1] & 0x10);  // door open
    CHECK(m.data[5] == 0);    // no changer slots
    auto ms = run(l.cd, packet({MODE_SENSE_6, 0, 0x01, 0, 255}));
    CHECK(ms.data[1] == 0x71);
    // Load: the same disc comes back, announced as a medium change.
    REQUIRE(l.cd.execute(packet({START_STOP_UNIT, 0, 0, 0, 0x03})).ok);
    CHECK(l.cd.has_media());
    CHECK(failed_with(l.cd, packet({TEST_UNIT_READY})) == kMediumChanged);
    CHECK(l.cd.execute(packet({TEST_UNIT_READY})).ok);
    auto d = run(l.cd, packet({READ_10, 0, 0, 0, 0, 9, 0, 0, 1}));
    CHECK(d.data.at(3) == disc_byte(9, 3));
}

TEST_CASE("cdrom: host-side eject takes the disc regardless of the lock", "[cdrom]") {
    Loaded l;
    REQUIRE(l.cd.execute(packet({PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, 1})).ok);
    l.cd.eject();
    CHECK_FALSE(l.cd.has_media());
    CHECK(l.cd.capacity() == 0);
    CHECK(failed_with(l.cd, packet({TEST_UNIT_READY})) == kNoMediumTrayClosed);
    // A power-on reset drops the lock.
    l.cd.reset();
    CHECK_FALSE(l.cd.removal_prevented());
    CHECK(failed_with(l.cd, packet({TEST_UNIT_READY})) == kPowerOnReset);
}

TEST_CASE("cdrom: state saved between two pieces of a read resumes there", "[cdrom]") {
    Loaded a;
    REQUIRE(a.cd.execute(packet({SET_CD_SPEED, 0, 0x05, 0x82})).ok);
    REQUIRE(a.cd.execute(packet({READ_10, 0, 0, 0, 0, 20, 0, 0, 2})).ok);
    std::vector<uint8_t> first(1500);
    REQUIRE(a.cd.read_data(first) == first.size());
    TapeArchive tape;
    a.cd.visit(tape);
    HashArchive ha;
    a.cd.visit(ha);

    Loaded b;
    tape.rewind_for_loading();
    b.cd.visit(tape);
    HashArchive hb;
    b.cd.visit(hb);
    CHECK(ha.digest() == hb.digest());
    CHECK(b.cd.data_remaining() == 2 * 2048 - 1500);
    std::vector<uint8_t> rest(2 * 2048 - 1500);
    REQUIRE(b.cd.read_data(rest) == rest.size());
    for (size_t i = 0; i < rest.size(); ++i) {
        size_t at = 1500 + i;
        if (rest[i] != disc_byte(20 + at / 2048, at % 2048)) FAIL("byte " << at);
    }
    auto r = run(b.cd, packet({MODE_SENSE_10, 0, 0x2A, 0, 0, 0, 0, 0, 255}));
    CHECK(be16(r.data, 22) == 0x0582);
}
