#include "devices/ata_disk.hpp"

#include <algorithm>
#include <cstring>

#include "machine/log.hpp"
#include "mmu/endian.hpp"

namespace amber {

using namespace ata;

namespace {
constexpr uint32_t kSector = 512;

// ATA strings: space padded, two characters per word, first one in the high byte.
void put_string(std::array<uint16_t, 256>& w, unsigned first, unsigned words, std::string_view s) {
    for (unsigned i = 0; i < words; ++i) {
        char a = 2 * i < s.size() ? s[2 * i] : ' ';
        char b = 2 * i + 1 < s.size() ? s[2 * i + 1] : ' ';
        w[first + i] = static_cast<uint16_t>(uint8_t(a) << 8 | uint8_t(b));
    }
}
}  // namespace

AtaDisk::AtaDisk(BlockImage& image, std::string serial)
    : image_(image), serial_(std::move(serial)), sectors_(image.size() / kSector), heads_(16), spt_(63) {
    cyls_ = static_cast<uint16_t>(std::clamp<uint64_t>(sectors_ / (16 * 63), 1, 16383));
    cur_heads_ = heads_;
    cur_spt_ = spt_;
    load_signature();
}

void AtaDisk::load_signature() {
    tf_.count = tf_.lba_low = 1;
    tf_.lba_mid = tf_.lba_high = 0;
    tf_.device = 0;
    tf_.error = 0x01;  // diagnostics passed
    tf_.status = ST_DRDY | ST_DSC;
    op_ = Op::None;
}

std::array<uint16_t, 256> AtaDisk::identify_data() const {
    std::array<uint16_t, 256> w{};
    uint32_t lba28 = static_cast<uint32_t>(std::min<uint64_t>(sectors_, 0x0FFFFFFF));
    uint32_t cur_capacity = static_cast<uint32_t>(
        std::min<uint64_t>(uint64_t(cyls_) * cur_heads_ * cur_spt_, std::min<uint64_t>(sectors_, 0xFFFFFFFF)));
    w[0] = 0x0040;  // fixed disk
    w[1] = cyls_;
    w[3] = heads_;
    w[6] = spt_;
    put_string(w, 10, 10, serial_);
    put_string(w, 23, 4, "1.0");
    put_string(w, 27, 20, "AMBER HARDDISK");
    w[47] = 0x8000 | kMaxMultiple;
    w[49] = 0x0300;  // LBA and DMA supported
    w[51] = 0x0200;  // PIO timing mode 2 (obsolete field)
    w[53] = 0x0007;  // words 54-58, 64-70 and 88 are valid
    w[54] = cyls_;
    w[55] = cur_heads_;
    w[56] = cur_spt_;
    w[57] = static_cast<uint16_t>(cur_capacity);
    w[58] = static_cast<uint16_t>(cur_capacity >> 16);
    w[59] = static_cast<uint16_t>(multiple_ ? 0x0100 | multiple_ : 0);
    w[60] = static_cast<uint16_t>(lba28);
    w[61] = static_cast<uint16_t>(lba28 >> 16);
    w[63] = static_cast<uint16_t>(0x0007 | (mwdma_mode_ <= 2 ? 0x0100 << mwdma_mode_ : 0));
    w[64] = 0x0003;  // PIO modes 3 and 4
    w[65] = w[66] = w[67] = w[68] = 120;  // minimum cycle times, ns
    w[80] = 0x007E;  // ATA-1 .. ATA/ATAPI-6
    w[81] = 0x0000;
    w[82] = 0x4020;  // write cache supported (bit 14 shall be one)
    w[83] = 0x7400;  // FLUSH CACHE (EXT), 48-bit addresses; bit 14 shall be one
    w[84] = 0x4000;
    w[85] = static_cast<uint16_t>(0x4000 | (write_cache_ ? 0x0020 : 0));
    w[86] = 0x3400;
    w[87] = 0x4000;
    w[88] = static_cast<uint16_t>(0x003F | (udma_mode_ <= 5 ? 0x0100 << udma_mode_ : 0));
    w[93] = 0x6001;  // hardware reset result: device 0, 80-conductor cable detected
    for (unsigned i = 0; i < 4; ++i) w[100 + i] = static_cast<uint16_t>(sectors_ >> (16 * i));
    // Integrity word: signature A5h, then a checksum making the 512 bytes sum to zero.
    w[255] = 0x00A5;
    uint8_t sum = 0;
    for (unsigned i = 0; i < 256; ++i) sum = static_cast<uint8_t>(sum + (w[i] & 0xFF) + (w[i] >> 8));
    w[255] = static_cast<uint16_t>(0x00A5 | uint8_t(-sum) << 8);
    return w;
}

void AtaDisk::identify() {
    auto w = identify_data();
    auto& buf = buffer();
    buf.resize(std::max<size_t>(buf.size(), kSector));
    for (unsigned i = 0; i < 256; ++i) store_le<uint16_t>(buf.data() + 2 * i, w[i]);
    op_ = Op::Identify;
    set_dma(false);
    start_in(kSector, true);
}

bool AtaDisk::address(bool lba48, uint64_t& lba, uint32_t& count) {
    if (lba48) {
        lba = uint64_t(tf_.lba_low) | uint64_t(tf_.lba_mid) << 8 | uint64_t(tf_.lba_high) << 16 |
              uint64_t(tf_.hob_lba_low) << 24 | uint64_t(tf_.hob_lba_mid) << 32 | uint64_t(tf_.hob_lba_high) << 40;
        count = uint32_t(tf_.count) | uint32_t(tf_.hob_count) << 8;
        if (!count) count = 65536;
    } else {
        count = tf_.count ? tf_.count : 256;
        if (tf_.device & DEV_LBA) {
            lba = uint64_t(tf_.lba_low) | uint64_t(tf_.lba_mid) << 8 | uint64_t(tf_.lba_high) << 16 |
                  uint64_t(tf_.device & 0x0F) << 24;
        } else {
            uint32_t cyl = tf_.lba_mid | uint32_t(tf_.lba_high) << 8;
            uint32_t head = tf_.device & 0x0F, sector = tf_.lba_low;
            if (sector == 0 || sector > cur_spt_ || head >= cur_heads_ || cyl >= cyls_) return false;
            lba = (uint64_t(cyl) * cur_heads_ + head) * cur_spt_ + sector - 1;
        }
    }
    return lba < sectors_ && count <= sectors_ - lba;
}

// Where the command stopped (an error's sector, or the last one moved).
void AtaDisk::set_address(uint64_t lba, bool lba48) {
    if (lba48) {
        tf_.lba_low = uint8_t(lba), tf_.lba_mid = uint8_t(lba >> 8), tf_.lba_high = uint8_t(lba >> 16);
        tf_.hob_lba_low = uint8_t(lba >> 24), tf_.hob_lba_mid = uint8_t(lba >> 32), tf_.hob_lba_high = uint8_t(lba >> 40);
    } else if (tf_.device & DEV_LBA) {
        tf_.lba_low = uint8_t(lba), tf_.lba_mid = uint8_t(lba >> 8), tf_.lba_high = uint8_t(lba >> 16);
        tf_.device = static_cast<uint8_t>((tf_.device & 0xF0) | ((lba >> 24) & 0x0F));
    } else if (cur_spt_ && cur_heads_) {
        uint64_t track = lba / cur_spt_;
        uint64_t cyl = track / cur_heads_;
        tf_.lba_low = static_cast<uint8_t>(lba % cur_spt_ + 1);
        tf_.lba_mid = uint8_t(cyl), tf_.lba_high = uint8_t(cyl >> 8);
        tf_.device = static_cast<uint8_t>((tf_.device & 0xF0) | (track % cur_heads_));
    }
}

void AtaDisk::begin_rw(bool write, bool lba48, unsigned block_sectors, bool dma) {
    uint64_t lba = 0;
    uint32_t count = 0;
    if (!address(lba48, lba, count)) {
        log::get("ide")->debug("ATA {} out of range", write ? "write" : "read");
        return fail(ER_IDNF | ER_ABRT);
    }
    report(write, lba, count, current_command());
    if (write && image_.read_only()) {
        log::get("ide")->debug("ATA write to the read-only image {}", image_.path());
        return fail(ER_ABRT);
    }
    op_ = write ? Op::Write : Op::Read;
    lba48_ = lba48;
    dma_ = dma;
    lba_ = lba;
    remaining_ = count;
    per_block_ = dma ? kDmaChunk : block_sectors;
    set_dma(dma);
    if (write) {
        block_ = std::min<uint32_t>(per_block_, remaining_);
        start_out(size_t(block_) * kSector, false);  // the host writes the first block unprompted
    } else {
        next_block();
    }
}

void AtaDisk::next_block() {
    block_ = std::min<uint32_t>(per_block_, remaining_);
    auto& buf = buffer();
    size_t bytes = size_t(block_) * kSector;
    if (buf.size() < bytes) buf.resize(bytes);
    if (!image_.read(lba_ * kSector, std::span<uint8_t>(buf.data(), bytes))) {
        set_address(lba_, lba48_);
        op_ = Op::None;
        return fail(ER_UNC);
    }
    set_dma(dma_);
    start_in(bytes, !dma_);  // PIO: an interrupt per block; DMA: one at the end
}

void AtaDisk::block_done() {
    switch (op_) {
    case Op::Identify:
        op_ = Op::None;
        return finish(false);
    case Op::Read:
        lba_ += block_;
        remaining_ -= block_;
        if (remaining_) return next_block();
        op_ = Op::None;
        set_address(lba_ - 1, lba48_);
        return finish(dma_);  // PIO data-in ends without an interrupt
    case Op::Write: {
        auto& buf = buffer();
        if (!image_.write(lba_ * kSector, std::span<const uint8_t>(buf.data(), size_t(block_) * kSector))) {
            set_address(lba_, lba48_);
            op_ = Op::None;
            return fail(image_.read_only() ? ER_ABRT : ER_UNC);
        }
        lba_ += block_;
        remaining_ -= block_;
        if (remaining_) {
            block_ = std::min<uint32_t>(per_block_, remaining_);
            set_dma(dma_);
            return start_out(size_t(block_) * kSector, !dma_);
        }
        op_ = Op::None;
        set_address(lba_ - 1, lba48_);
        if (!write_cache_ && !image_.flush()) return fail(ER_UNC);
        return finish(true);
    }
    case Op::None: return;
    }
}

void AtaDisk::set_features() {
    switch (tf_.feature) {
    case 0x02: write_cache_ = true; break;
    case 0x82:
        write_cache_ = false;
        image_.flush();
        break;
    case 0x03: {  // set transfer mode from the count register
        uint8_t mode = tf_.count & 7;
        switch (tf_.count & 0xF8) {
        case 0x00:
            if (mode > 1) return fail(ER_ABRT);
            pio_mode_ = 4;
            break;
        case 0x08:
            if (mode > 4) return fail(ER_ABRT);
            pio_mode_ = mode;
            break;
        case 0x20:
            if (mode > 2) return fail(ER_ABRT);
            mwdma_mode_ = mode, udma_mode_ = 0xFF;
            break;
        case 0x40:
            if (mode > 5) return fail(ER_ABRT);
            udma_mode_ = mode, mwdma_mode_ = 0xFF;
            break;
        default: return fail(ER_ABRT);
        }
        break;
    }
    case 0x55: case 0xAA: case 0x66: case 0xCC: break;  // look-ahead, revert to defaults: nothing to model
    default: return fail(ER_ABRT);
    }
    finish(true);
}

void AtaDisk::execute(uint8_t cmd) {
    const unsigned mult = multiple_;
    switch (cmd) {
    case 0xEC: return identify();
    case 0x20: case 0x21: return begin_rw(false, false, 1, false);
    case 0x24: return begin_rw(false, true, 1, false);
    case 0x30: case 0x31: return begin_rw(true, false, 1, false);
    case 0x34: return begin_rw(true, true, 1, false);
    case 0xC4: case 0x29: case 0xC5: case 0x39:
        if (!mult) return fail(ER_ABRT);  // multiple mode is off
        return begin_rw(cmd == 0xC5 || cmd == 0x39, cmd == 0x29 || cmd == 0x39, mult, false);
    case 0xC8: case 0xC9: return begin_rw(false, false, 1, true);
    case 0x25: return begin_rw(false, true, 1, true);
    case 0xCA: case 0xCB: return begin_rw(true, false, 1, true);
    case 0x35: return begin_rw(true, true, 1, true);
    case 0x40: case 0x41: case 0x42: {  // READ VERIFY: check the range, move nothing
        uint64_t lba;
        uint32_t count;
        if (!address(cmd == 0x42, lba, count)) return fail(ER_IDNF | ER_ABRT);
        set_address(lba + count - 1, cmd == 0x42);
        return finish(true);
    }
    case 0xC6: {  // SET MULTIPLE MODE
        uint8_t n = tf_.count;
        if (n > kMaxMultiple || (n & (n - 1))) return fail(ER_ABRT);
        multiple_ = n;
        return finish(true);
    }
    case 0xE7: case 0xEA:
        if (!image_.flush()) return fail(ER_ABRT);
        return finish(true);
    case 0xEF: return set_features();
    case 0x91:  // INITIALIZE DEVICE PARAMETERS: the CHS translation the BIOS wants
        if (tf_.count == 0) return fail(ER_ABRT);
        cur_spt_ = tf_.count;
        cur_heads_ = static_cast<uint16_t>((tf_.device & 0x0F) + 1);
        return finish(true);
    case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE6:  // standby/idle/sleep: always ready
    case 0x94: case 0x95: case 0x96: case 0x97: case 0x99:
        return finish(true);
    case 0xE5: case 0x98:  // CHECK POWER MODE: active or idle
        tf_.count = 0xFF;
        return finish(true);
    default:
        if ((cmd & 0xF0) == 0x10 || (cmd & 0xF0) == 0x70) return finish(true);  // RECALIBRATE, SEEK
        log::get("ide")->debug("ATA command {:#04x} not supported: aborted", cmd);
        return fail(ER_ABRT);
    }
}

void AtaDisk::visit_device(Archive& ar) {
    ar.field("cur_heads", cur_heads_);
    ar.field("cur_spt", cur_spt_);
    ar.field("multiple", multiple_);
    ar.field("write_cache", write_cache_);
    ar.field("pio_mode", pio_mode_);
    ar.field("mwdma_mode", mwdma_mode_);
    ar.field("udma_mode", udma_mode_);
    uint8_t op = static_cast<uint8_t>(op_);
    ar.field("op", op);
    if (ar.loading()) op_ = op <= uint8_t(Op::Write) ? static_cast<Op>(op) : Op::None;
    ar.field("lba48", lba48_);
    ar.field("dma", dma_);
    ar.field("lba", lba_);
    ar.field("remaining", remaining_);
    ar.field("block", block_);
    uint32_t per = per_block_;
    ar.field("per_block", per);
    if (ar.loading()) {
        per_block_ = std::clamp<uint32_t>(per, 1, kDmaChunk);
        block_ = std::min<uint32_t>(block_, per_block_);
    }
}

}  // namespace amber
