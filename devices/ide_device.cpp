#include "devices/ide_device.hpp"

#include <algorithm>
#include <cstring>

namespace amber {

using namespace ata;

void IdeDevice::write_reg(unsigned reg, uint8_t v) {
    auto shift = [v](uint8_t& cur, uint8_t& hob) {
        hob = cur;
        cur = v;
    };
    switch (reg) {
    case REG_FEATURE: shift(tf_.feature, tf_.hob_feature); break;
    case REG_COUNT: shift(tf_.count, tf_.hob_count); break;
    case REG_LBA_LOW: shift(tf_.lba_low, tf_.hob_lba_low); break;
    case REG_LBA_MID: shift(tf_.lba_mid, tf_.hob_lba_mid); break;
    case REG_LBA_HIGH: shift(tf_.lba_high, tf_.hob_lba_high); break;
    case REG_DEVICE: tf_.device = v; break;
    default: break;
    }
}

uint8_t IdeDevice::read_reg(unsigned reg, bool hob) const {
    switch (reg) {
    case REG_ERROR: return hob ? tf_.hob_feature : tf_.error;  // HOB of the error register is undefined
    case REG_COUNT: return hob ? tf_.hob_count : tf_.count;
    case REG_LBA_LOW: return hob ? tf_.hob_lba_low : tf_.lba_low;
    case REG_LBA_MID: return hob ? tf_.hob_lba_mid : tf_.lba_mid;
    case REG_LBA_HIGH: return hob ? tf_.hob_lba_high : tf_.lba_high;
    case REG_DEVICE: return tf_.device;
    case REG_STATUS: return tf_.status;
    default: return 0xFF;
    }
}

void IdeDevice::command(uint8_t cmd) {
    // A new command ends whatever transfer was going on.
    active_ = false;
    dma_ = false;
    intrq_ = false;
    tf_.error = 0;
    tf_.status = static_cast<uint8_t>(tf_.status & ~(ST_ERR | ST_DRQ));
    current_command_ = cmd;
    execute(cmd);
}

void IdeDevice::reset_device() {
    active_ = dma_ = intrq_ = false;
    pos_ = len_ = 0;
    tf_ = TaskFile{};
    load_signature();
}

void IdeDevice::start_in(size_t bytes, bool irq) {
    if (buf_.size() < bytes) buf_.resize(bytes);
    pos_ = 0;
    len_ = bytes;
    to_host_ = true;
    active_ = true;
    tf_.status = static_cast<uint8_t>((tf_.status & ~(ST_BSY | ST_ERR)) | ST_DRDY | ST_DSC | (dma_ ? 0 : ST_DRQ));
    if (irq) intrq_ = true;
}

void IdeDevice::start_out(size_t bytes, bool irq) {
    if (buf_.size() < bytes) buf_.resize(bytes);
    pos_ = 0;
    len_ = bytes;
    to_host_ = false;
    active_ = true;
    tf_.status = static_cast<uint8_t>((tf_.status & ~(ST_BSY | ST_ERR)) | ST_DRDY | ST_DSC | (dma_ ? 0 : ST_DRQ));
    if (irq) intrq_ = true;
}

void IdeDevice::finish(bool irq) {
    active_ = false;
    dma_ = false;
    tf_.status = static_cast<uint8_t>((tf_.status & ~(ST_BSY | ST_DRQ | ST_ERR | ST_DF)) | ST_DRDY | ST_DSC);
    if (irq) intrq_ = true;
}

void IdeDevice::fail(uint8_t error, bool irq) {
    active_ = false;
    dma_ = false;
    tf_.error = error;
    tf_.status = static_cast<uint8_t>((tf_.status & ~(ST_BSY | ST_DRQ)) | ST_DRDY | ST_ERR);
    if (irq) intrq_ = true;
}

void IdeDevice::data_moved() {
    if (pos_ < len_) return;
    active_ = false;
    tf_.status = static_cast<uint8_t>(tf_.status & ~ST_DRQ);
    block_done();
}

uint16_t IdeDevice::read_data() {
    if (!active_ || dma_ || !to_host_) return 0xFFFF;
    uint16_t v = static_cast<uint16_t>(buf_[pos_] | (pos_ + 1 < len_ ? buf_[pos_ + 1] << 8 : 0));
    pos_ = std::min(pos_ + 2, len_);
    data_moved();
    return v;
}

void IdeDevice::write_data(uint16_t v) {
    if (!active_ || dma_ || to_host_) return;
    buf_[pos_] = static_cast<uint8_t>(v);
    if (pos_ + 1 < len_) buf_[pos_ + 1] = static_cast<uint8_t>(v >> 8);
    pos_ = std::min(pos_ + 2, len_);
    data_moved();
}

size_t IdeDevice::dma_read(std::span<uint8_t> out) {
    if (!active_ || !dma_ || !to_host_) return 0;
    size_t n = std::min(out.size(), len_ - pos_);
    std::memcpy(out.data(), buf_.data() + pos_, n);
    pos_ += n;
    data_moved();
    return n;
}

size_t IdeDevice::dma_write(std::span<const uint8_t> in) {
    if (!active_ || !dma_ || to_host_) return 0;
    size_t n = std::min(in.size(), len_ - pos_);
    std::memcpy(buf_.data() + pos_, in.data(), n);
    pos_ += n;
    data_moved();
    return n;
}

void IdeDevice::visit(Archive& ar) {
    ar.field("feature", tf_.feature);
    ar.field("count", tf_.count);
    ar.field("lba_low", tf_.lba_low);
    ar.field("lba_mid", tf_.lba_mid);
    ar.field("lba_high", tf_.lba_high);
    ar.field("hob_feature", tf_.hob_feature);
    ar.field("hob_count", tf_.hob_count);
    ar.field("hob_lba_low", tf_.hob_lba_low);
    ar.field("hob_lba_mid", tf_.hob_lba_mid);
    ar.field("hob_lba_high", tf_.hob_lba_high);
    ar.field("device", tf_.device);
    ar.field("status", tf_.status);
    ar.field("error", tf_.error);
    uint64_t pos = pos_, len = len_, size = buf_.size();
    ar.field("buffer_size", size);
    ar.field("pos", pos);
    ar.field("len", len);
    if (ar.loading()) {
        buf_.assign(std::min<uint64_t>(size, 1u << 25), 0);
        len_ = std::min<uint64_t>(len, buf_.size());
        pos_ = std::min<uint64_t>(pos, len_);
    }
    ar.bytes("buffer", buf_);
    ar.field("active", active_);
    ar.field("to_host", to_host_);
    ar.field("dma", dma_);
    ar.field("intrq", intrq_);
    visit_device(ar);
}

}  // namespace amber
