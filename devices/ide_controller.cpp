#include "devices/ide_controller.hpp"

namespace amber {

IdeController::IdeController(IoBus& io, PhysMemory& mem, IrqLine primary_irq, IrqLine secondary_irq) : io_(io) {
    channels_[0] = std::make_unique<IdeChannel>(mem, std::move(primary_irq));
    channels_[1] = std::make_unique<IdeChannel>(mem, std::move(secondary_irq));
    io_.map(kPrimaryBase, 8, this);
    io_.map(kPrimaryControl, 1, this);
    io_.map(kSecondaryBase, 8, this);
    io_.map(kSecondaryControl, 1, this);
}

IdeController::~IdeController() { io_.unmap(this); }

void IdeController::reset() {
    for (auto& c : channels_) c->reset();
}

void IdeController::visit(Archive& ar) {
    for (auto& c : channels_) c->visit(ar);
}

void IdeController::attach(unsigned channel, unsigned slot, std::unique_ptr<IdeDevice> dev) {
    channels_[channel & 1]->attach(slot, std::move(dev));
}

uint32_t IdeController::bm_read(unsigned offset, unsigned size) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
        unsigned o = (offset + i) & 15;
        v |= uint32_t(channels_[o >> 3]->bm_read(o & 7)) << (8 * i);
    }
    return v;
}

void IdeController::bm_write(unsigned offset, uint32_t value, unsigned size) {
    // Bytes in ascending order: a dword write to the PRD address lands whole
    // before anything else; the command byte is never in the same dword.
    for (unsigned i = 0; i < size; ++i) {
        unsigned o = (offset + i) & 15;
        channels_[o >> 3]->bm_write(o & 7, static_cast<uint8_t>(value >> (8 * i)));
    }
}

uint32_t IdeController::io_read(uint16_t port, unsigned size) {
    if (port == kPrimaryControl || port == kSecondaryControl) {
        uint8_t v = channels_[port == kSecondaryControl]->read_alt_status();
        return size == 1 ? v : (v | 0xFFFFFF00u) & (size == 2 ? 0xFFFFu : 0xFFFFFFFFu);
    }
    IdeChannel& c = *channels_[port < kPrimaryBase ? 1 : 0];
    unsigned reg = port & 7;
    if (reg == 0 || size == 1) return c.read(reg, size);
    // A word or dword at a byte register: one byte access per port, as the ISA bus would split it.
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
        unsigned r = reg + i;
        uint32_t b = r < 8 ? c.read(r, 1) : 0xFF;
        v |= b << (8 * i);
    }
    return v;
}

void IdeController::io_write(uint16_t port, uint32_t value, unsigned size) {
    if (port == kPrimaryControl || port == kSecondaryControl) {
        channels_[port == kSecondaryControl]->write_control(static_cast<uint8_t>(value));
        return;
    }
    IdeChannel& c = *channels_[port < kPrimaryBase ? 1 : 0];
    unsigned reg = port & 7;
    if (reg == 0 || size == 1) return c.write(reg, value, size);
    for (unsigned i = 0; i < size && reg + i < 8; ++i) c.write(reg + i, (value >> (8 * i)) & 0xFF, 1);
}

}  // namespace amber
