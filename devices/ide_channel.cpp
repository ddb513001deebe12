#include "devices/ide_channel.hpp"

#include <algorithm>
#include <vector>

#include "machine/log.hpp"
#include "mmu/phys_memory.hpp"

namespace amber {

using namespace ata;

namespace {
constexpr uint8_t kExecuteDiagnostic = 0x90;
constexpr unsigned kMaxPrdEntries = 0x10000 / 8;  // a PRD table may not cross a 64 KiB boundary
}  // namespace

IdeChannel::IdeChannel(PhysMemory& mem, IrqLine irq) : mem_(mem), irq_(std::move(irq)) {}

void IdeChannel::attach(unsigned slot, std::unique_ptr<IdeDevice> dev) {
    if (slot < 2) devs_[slot] = std::move(dev);
    bm_status_ = static_cast<uint8_t>((bm_status_ & ~(bmide::ST_DMA0 | bmide::ST_DMA1)) |
                                      (devs_[0] ? bmide::ST_DMA0 : 0) | (devs_[1] ? bmide::ST_DMA1 : 0));
}

void IdeChannel::reset() {
    for (auto& d : devs_)
        if (d) d->reset_device();
    device_reg_ = 0;
    control_ = 0;
    bm_cmd_ = 0;
    bm_status_ = static_cast<uint8_t>((devs_[0] ? bmide::ST_DMA0 : 0) | (devs_[1] ? bmide::ST_DMA1 : 0));
    bm_prd_ = 0;
    update_irq();
}

uint8_t IdeChannel::status_of_selected() {
    if (!any_device()) return 0xFF;
    if (control_ & CTL_SRST) return ST_BSY;
    IdeDevice* d = selected();
    return d ? d->read_reg(REG_STATUS, false) : 0x00;  // device 0 answers 00h for an absent device 1
}

uint32_t IdeChannel::read(unsigned reg, unsigned size) {
    if (reg == REG_DATA) {
        IdeDevice* d = selected();
        if (!d || (control_ & CTL_SRST)) return size == 4 ? 0xFFFFFFFFu : (size == 2 ? 0xFFFFu : 0xFFu);
        uint32_t v = d->read_data();
        if (size == 4) v |= uint32_t(d->read_data()) << 16;
        if (size == 1) v &= 0xFF;
        update_irq();
        run_dma();
        return v;
    }
    uint32_t v;
    if (reg == REG_STATUS) {
        v = status_of_selected();
        if (IdeDevice* d = selected()) d->clear_intrq();  // reading status acknowledges the interrupt
        update_irq();
    } else {
        IdeDevice* d = selected() ? selected() : any_device();
        v = d ? d->read_reg(reg, control_ & CTL_HOB) : 0xFF;
    }
    // A wider access to a byte register repeats it on the bus; keep the low byte meaningful.
    return size == 1 ? v : (v | 0xFFFFFF00u) & (size == 2 ? 0xFFFFu : 0xFFFFFFFFu);
}

void IdeChannel::write(unsigned reg, uint32_t value, unsigned size) {
    uint8_t v = static_cast<uint8_t>(value);
    if (reg == REG_DATA) {
        IdeDevice* d = selected();
        if (!d || (control_ & CTL_SRST)) return;
        d->write_data(static_cast<uint16_t>(value));
        if (size == 4) d->write_data(static_cast<uint16_t>(value >> 16));
        update_irq();
        run_dma();
        return;
    }
    control_ = static_cast<uint8_t>(control_ & ~CTL_HOB);  // any command block write clears HOB
    if (reg == REG_COMMAND) {
        if (control_ & CTL_SRST) return;
        if (v == kExecuteDiagnostic) {
            execute_diagnostic();
        } else if (IdeDevice* d = selected()) {
            log::get("ide")->trace("command {:#04x} to device {}", v, selected_slot());
            d->command(v);
            run_dma();
        }
        update_irq();
        return;
    }
    if (reg == REG_DEVICE) device_reg_ = v;
    for (auto& d : devs_)
        if (d) d->write_reg(reg, v);
    update_irq();  // the selection may have changed which device drives INTRQ
}

uint8_t IdeChannel::read_alt_status() { return status_of_selected(); }

void IdeChannel::write_control(uint8_t v) {
    bool was_reset = control_ & CTL_SRST;
    control_ = v;
    if (was_reset && !(v & CTL_SRST)) {  // end of a software reset
        for (auto& d : devs_)
            if (d) d->reset_device();
        device_reg_ = 0;
    }
    update_irq();
}

void IdeChannel::execute_diagnostic() {
    // Both devices run their diagnostics and load their signatures; device 0
    // reports for the pair (error 01h: both passed) and interrupts.
    if (devs_[1]) devs_[1]->diagnose(false);
    if (devs_[0]) devs_[0]->diagnose(true);
    device_reg_ = 0;
}

uint8_t IdeChannel::bm_read(unsigned offset) {
    switch (offset & 7) {
    case 0: return bm_cmd_;
    case 2: return bm_status_;
    case 4: case 5: case 6: case 7: return static_cast<uint8_t>(bm_prd_ >> (8 * (offset - 4)));
    default: return 0;
    }
}

void IdeChannel::bm_write(unsigned offset, uint8_t v) {
    switch (offset & 7) {
    case 0: {
        bool was_started = bm_cmd_ & bmide::CMD_START;
        bm_cmd_ = static_cast<uint8_t>(v & (bmide::CMD_START | bmide::CMD_TO_MEMORY));
        if (!was_started && (bm_cmd_ & bmide::CMD_START)) {
            bm_status_ |= bmide::ST_ACTIVE;
            run_dma();
        } else if (!(bm_cmd_ & bmide::CMD_START)) {
            bm_status_ = static_cast<uint8_t>(bm_status_ & ~bmide::ST_ACTIVE);  // stopping aborts the transfer
        }
        break;
    }
    case 2:
        bm_status_ = static_cast<uint8_t>((bm_status_ & ~(bmide::ST_DMA0 | bmide::ST_DMA1)) |
                                          (v & (bmide::ST_DMA0 | bmide::ST_DMA1)));
        bm_status_ = static_cast<uint8_t>(bm_status_ & ~(v & (bmide::ST_ERROR | bmide::ST_INTERRUPT)));
        break;
    case 4: case 5: case 6: case 7: {
        unsigned shift = 8 * ((offset & 7) - 4);
        bm_prd_ = (bm_prd_ & ~(0xFFu << shift)) | (uint32_t(v) << shift);
        bm_prd_ &= ~3u;
        break;
    }
    default: break;
    }
}

void IdeChannel::run_dma() {
    if (!(bm_cmd_ & bmide::CMD_START) || !(bm_status_ & bmide::ST_ACTIVE)) return;
    IdeDevice* d = selected();
    if (!d || !d->dma_pending()) return;
    const bool to_memory = d->dma_to_memory();
    std::vector<uint8_t> tmp;
    uint32_t prd = bm_prd_;
    for (unsigned entry = 0; entry < kMaxPrdEntries; ++entry, prd += 8) {
        uint32_t base = mem_.read<uint32_t>(prd) & ~1u;
        uint32_t ctl = mem_.read<uint32_t>(prd + 4);
        uint32_t len = ctl & 0xFFFE;
        if (len == 0) len = 0x10000;
        bool eot = ctl & 0x80000000u;
        tmp.resize(len);
        const uint64_t room = (uint64_t(1) << 32) - base;  // a buffer does not wrap past 4 GiB: the rest is lost
        size_t moved = 0;
        if (to_memory) {
            while (moved < len && d->dma_pending()) {
                size_t n = d->dma_read(std::span<uint8_t>(tmp.data() + moved, len - moved));
                if (!n) break;
                moved += n;
            }
            mem_.write_block(base, std::span<const uint8_t>(tmp.data(), std::min<uint64_t>(moved, room)));
        } else {
            std::fill(tmp.begin(), tmp.end(), 0xFF);
            mem_.read_block(base, std::span<uint8_t>(tmp.data(), std::min<uint64_t>(len, room)));
            while (moved < len && d->dma_pending()) {
                size_t n = d->dma_write(std::span<const uint8_t>(tmp.data() + moved, len - moved));
                if (!n) break;
                moved += n;
            }
        }
        if (!d->dma_pending()) {  // the device is done (or failed): it raised its interrupt
            if (eot && moved == len) bm_status_ = static_cast<uint8_t>(bm_status_ & ~bmide::ST_ACTIVE);
            break;
        }
        if (eot) {  // table ended before the device: the transfer stalls
            log::get("ide")->debug("PRD table at {:#x} ended before the device's transfer", bm_prd_);
            bm_status_ = static_cast<uint8_t>(bm_status_ & ~bmide::ST_ACTIVE);
            break;
        }
    }
    update_irq();
}

void IdeChannel::update_irq() {
    IdeDevice* d = selected();
    bool level = d && d->intrq() && !(control_ & CTL_NIEN) && !(control_ & CTL_SRST);
    if (level && !irq_level_) bm_status_ |= bmide::ST_INTERRUPT;
    if (level != irq_level_) {
        irq_level_ = level;
        irq_.set(level);
    }
}

void IdeChannel::visit(Archive& ar) {
    ar.field("device_reg", device_reg_);
    ar.field("control", control_);
    ar.field("bm_cmd", bm_cmd_);
    ar.field("bm_status", bm_status_);
    ar.field("bm_prd", bm_prd_);
    for (auto& d : devs_)
        if (d) d->visit(ar);
    if (ar.loading()) update_irq();
}

}  // namespace amber
