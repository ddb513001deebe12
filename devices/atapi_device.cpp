#include "devices/atapi_device.hpp"

#include <algorithm>
#include <cstring>

#include "machine/log.hpp"
#include "mmu/endian.hpp"

namespace amber {

using namespace ata;

namespace {
void put_string(std::array<uint16_t, 256>& w, unsigned first, unsigned words, std::string_view s) {
    for (unsigned i = 0; i < words; ++i) {
        char a = 2 * i < s.size() ? s[2 * i] : ' ';
        char b = 2 * i + 1 < s.size() ? s[2 * i + 1] : ' ';
        w[first + i] = static_cast<uint16_t>(uint8_t(a) << 8 | uint8_t(b));
    }
}
}  // namespace

AtapiDevice::AtapiDevice(std::unique_ptr<AtapiTarget> target, std::string model, std::string serial)
    : target_(std::move(target)), model_(std::move(model)), serial_(std::move(serial)) {
    load_signature();
}

void AtapiDevice::load_signature() {
    tf_.count = tf_.lba_low = 1;
    tf_.lba_mid = 0x14;
    tf_.lba_high = 0xEB;
    tf_.device = 0;
    tf_.error = 0x01;
    tf_.status = ST_DRDY | ST_DSC;  // as drives emulated elsewhere do; drivers accept 00h too
    phase_ = Phase::None;
}

std::array<uint16_t, 256> AtapiDevice::identify_data() const {
    std::array<uint16_t, 256> w{};
    w[0] = 0x85C0;  // ATAPI, CD-ROM (05h), removable, DRQ within 50 us, 12-byte packets
    put_string(w, 10, 10, serial_);
    put_string(w, 23, 4, "1.0");
    put_string(w, 27, 20, model_);
    w[49] = 0x0300;  // LBA, DMA
    w[53] = 0x0006;  // words 64-70 and 88 valid
    w[63] = static_cast<uint16_t>(0x0007 | (mwdma_mode_ <= 2 ? 0x0100 << mwdma_mode_ : 0));
    w[64] = 0x0003;
    w[65] = w[66] = w[67] = w[68] = 120;
    w[80] = 0x007E;
    w[82] = 0x4210;  // PACKET and DEVICE RESET feature sets
    w[83] = 0x4000;
    w[84] = 0x4000;
    w[85] = 0x4210;
    w[87] = 0x4000;
    w[88] = static_cast<uint16_t>(0x003F | (udma_mode_ <= 5 ? 0x0100 << udma_mode_ : 0));
    return w;
}

uint32_t AtapiDevice::limit() const {
    uint32_t l = byte_limit_ ? byte_limit_ : 0xFFFE;
    return l == 0xFFFF ? 0xFFFE : l;  // odd limits (other than a last block) are rounded down
}

void AtapiDevice::execute(uint8_t cmd) {
    switch (cmd) {
    case 0xA0: {  // PACKET
        dma_ = tf_.feature & 1;
        byte_limit_ = static_cast<uint16_t>(tf_.lba_mid | tf_.lba_high << 8);
        phase_ = Phase::Packet;
        tf_.count = kCoD;
        set_dma(false);
        return start_out(cdb_.size(), false);
    }
    case 0xA1: {  // IDENTIFY PACKET DEVICE
        auto w = identify_data();
        auto& buf = buffer();
        buf.resize(std::max<size_t>(buf.size(), 512));
        for (unsigned i = 0; i < 256; ++i) store_le<uint16_t>(buf.data() + 2 * i, w[i]);
        phase_ = Phase::Identify;
        set_dma(false);
        return start_in(512, true);
    }
    case 0xEC:  // IDENTIFY DEVICE: abort, showing the packet signature
        fail(ER_ABRT);
        tf_.count = tf_.lba_low = 1;
        tf_.lba_mid = 0x14;
        tf_.lba_high = 0xEB;
        return;
    case 0x08:  // DEVICE RESET
        target_->abort_transfer();
        reset_device();
        return;
    case 0xEF:
        if (tf_.feature == 0x03) {
            uint8_t mode = tf_.count & 7;
            if ((tf_.count & 0xF8) == 0x20 && mode <= 2) mwdma_mode_ = mode, udma_mode_ = 0xFF;
            else if ((tf_.count & 0xF8) == 0x40 && mode <= 5) udma_mode_ = mode, mwdma_mode_ = 0xFF;
            else if ((tf_.count & 0xF8) > 0x08) return fail(ER_ABRT);
        }
        return finish(true);
    case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE6: return finish(true);
    case 0xE5:
        tf_.count = 0xFF;
        return finish(true);
    default:
        log::get("ide")->debug("ATAPI: ATA command {:#04x} aborted", cmd);
        return fail(ER_ABRT);
    }
}

void AtapiDevice::block_done() {
    switch (phase_) {
    case Phase::Identify:
        phase_ = Phase::None;
        return finish(false);
    case Phase::Packet: return packet_received();
    case Phase::DataOut: {
        data_out_.insert(data_out_.end(), buffer().begin(), buffer().begin() + block_);
        if (data_out_.size() < out_needed_) {
            block_ = static_cast<uint32_t>(std::min<uint64_t>(out_needed_ - data_out_.size(), limit()));
            tf_.lba_mid = uint8_t(block_), tf_.lba_high = uint8_t(block_ >> 8);
            return start_out(block_, true);
        }
        return run_command();
    }
    case Phase::DataIn:
        in_left_ -= block_;
        if (in_left_) return next_in_block();
        return done();
    case Phase::None: return;
    }
}

void AtapiDevice::packet_received() {
    std::copy_n(buffer().begin(), cdb_.size(), cdb_.begin());
    out_needed_ = target_->data_out_length(cdb_);
    data_out_.clear();
    if (!out_needed_) return run_command();
    // Data-out phase (PIO only: a parameter list is a few bytes).
    phase_ = Phase::DataOut;
    tf_.count = 0;  // IO = 0, CoD = 0: data to the device
    block_ = static_cast<uint32_t>(std::min<uint64_t>(out_needed_, limit()));
    tf_.lba_mid = uint8_t(block_), tf_.lba_high = uint8_t(block_ >> 8);
    set_dma(false);
    start_out(block_, true);
}

void AtapiDevice::run_command() {
    report_packet();
    AtapiTarget::Result r = target_->execute(cdb_, data_out_);
    data_out_.clear();
    if (!r.ok) return failed();
    in_left_ = r.length;
    if (!in_left_) return done();
    phase_ = Phase::DataIn;
    next_in_block();
}

void AtapiDevice::report_packet() const {
    // The READ/WRITE (10) and (12) forms carry a block address and length;
    // other packets are reported by their opcode alone.
    const uint8_t op = cdb_[0];
    const auto be = [this](unsigned at, unsigned n) {
        uint32_t v = 0;
        for (unsigned i = 0; i < n; ++i) v = v << 8 | cdb_[at + i];
        return v;
    };
    const bool rw10 = op == 0x28 || op == 0x2A, rw12 = op == 0xA8 || op == 0xAA;
    const uint64_t lba = rw10 || rw12 ? be(2, 4) : 0;
    const uint32_t count = rw10 ? be(7, 2) : rw12 ? be(6, 4) : 0;
    report(op == 0x2A || op == 0xAA, lba, count, op);
}

void AtapiDevice::next_in_block() {
    uint64_t chunk = dma_ ? kDmaChunk : limit();
    block_ = static_cast<uint32_t>(std::min<uint64_t>(in_left_, chunk));
    auto& buf = buffer();
    if (buf.size() < block_) buf.resize(block_);
    size_t got = target_->read_data(std::span<uint8_t>(buf.data(), block_));
    if (got < block_) return failed();
    tf_.count = kIo;
    tf_.lba_mid = uint8_t(block_), tf_.lba_high = uint8_t(block_ >> 8);
    set_dma(dma_);
    start_in(block_, !dma_);  // PIO: an interrupt per DRQ block; DMA: one at the end
}

void AtapiDevice::done() {
    phase_ = Phase::None;
    tf_.count = kIo | kCoD;
    finish(true);
}

void AtapiDevice::failed() {
    phase_ = Phase::None;
    target_->abort_transfer();
    tf_.count = kIo | kCoD;
    fail(static_cast<uint8_t>(target_->sense_key() << 4 | ER_ABRT));
}

void AtapiDevice::visit_device(Archive& ar) {
    uint8_t phase = static_cast<uint8_t>(phase_);
    ar.field("phase", phase);
    if (ar.loading()) phase_ = phase <= uint8_t(Phase::DataIn) ? static_cast<Phase>(phase) : Phase::None;
    ar.field("packet_dma", dma_);
    ar.field("byte_limit", byte_limit_);
    ar.bytes("cdb", cdb_);
    ar.field("out_needed", out_needed_);
    ar.field("in_left", in_left_);
    ar.field("block", block_);
    ar.field("udma_mode", udma_mode_);
    ar.field("mwdma_mode", mwdma_mode_);
    uint64_t out_size = data_out_.size();
    ar.field("data_out_size", out_size);
    if (ar.loading()) data_out_.assign(std::min<uint64_t>(out_size, 0x10000), 0);
    ar.bytes("data_out", data_out_);
    if (ar.loading()) {
        out_needed_ = std::min<uint64_t>(out_needed_, 0x10000);
        block_ = std::min<uint32_t>(block_, kDmaChunk);
    }
    target_->visit(ar);
}

}  // namespace amber
