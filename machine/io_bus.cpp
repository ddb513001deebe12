#include "machine/io_bus.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace amber {

IoBus::IoBus() : ports_(65536, nullptr) {}

void IoBus::map(uint16_t first, uint32_t count, IoHandler* handler) {
    if (uint32_t(first) + count > 65536) throw std::invalid_argument("I/O range past port 0xFFFF");
    for (uint32_t p = first; p < first + count; ++p) {
        if (ports_[p] && ports_[p] != handler)
            throw std::invalid_argument(fmt::format("I/O port {:#x} is claimed twice", p));
        ports_[p] = handler;
    }
}

void IoBus::unmap(IoHandler* handler) {
    for (auto& h : ports_)
        if (h == handler) h = nullptr;
}

uint32_t IoBus::read(uint16_t port, unsigned size) {
    IoHandler* h = ports_[port];
    uint32_t value;
    if (h && ports_[uint16_t(port + size - 1)] == h) {
        value = h->io_read(port, size);
    } else {
        value = 0;
        for (unsigned i = 0; i < size; ++i) {
            IoHandler* b = ports_[uint16_t(port + i)];
            uint32_t byte = b ? (b->io_read(uint16_t(port + i), 1) & 0xFF) : 0xFF;
            value |= byte << (8 * i);
        }
    }
    if (size < 4) value &= (1u << (8 * size)) - 1;
    if (observer_) observer_->io_access(port, size, value, false);
    return value;
}

void IoBus::write(uint16_t port, uint32_t value, unsigned size) {
    if (observer_) observer_->io_access(port, size, value, true);
    IoHandler* h = ports_[port];
    if (h && ports_[uint16_t(port + size - 1)] == h) {
        h->io_write(port, value, size);
        return;
    }
    for (unsigned i = 0; i < size; ++i)
        if (IoHandler* b = ports_[uint16_t(port + i)]) b->io_write(uint16_t(port + i), (value >> (8 * i)) & 0xFF, 1);
}

}  // namespace amber
