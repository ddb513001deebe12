#include "devices/pci_function.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace amber {

namespace {
bool power_of_two(uint32_t v) { return v && !(v & (v - 1)); }
}  // namespace

PciFunction::PciFunction(uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t revision) {
    put_default(pci::VENDOR_ID, 2, vendor, 0);
    put_default(pci::DEVICE_ID, 2, device, 0);
    // I/O, memory, bus master, parity, SERR, INTx disable: what a PCI 2.3 function lets the guest set.
    put_default(pci::COMMAND, 2, 0, pci::CMD_IO | pci::CMD_MEMORY | pci::CMD_BUS_MASTER | pci::CMD_PARITY |
                                        pci::CMD_SERR | pci::CMD_INTX_DISABLE);
    put_default(pci::STATUS, 2, 0, 0, pci::STATUS_W1C);
    put_default(pci::REVISION, 1, revision, 0);
    put_default(pci::PROG_IF, 3, class_code, 0);
    put_default(pci::CACHE_LINE, 1, 0, 0xFF);
    put_default(pci::LATENCY, 1, 0, 0xFF);
    put_default(pci::INTERRUPT_LINE, 1, 0, 0xFF);  // the BIOS's note of the routed IRQ
}

void PciFunction::put_default(uint8_t offset, unsigned size, uint32_t value, uint32_t wmask, uint32_t w1c) {
    if (offset + size > 256) throw std::invalid_argument(fmt::format("PCI register {:#x}+{} out of range", offset, size));
    for (unsigned i = 0; i < size; ++i) {
        cfg_[offset + i] = power_on_[offset + i] = static_cast<uint8_t>(value >> (8 * i));
        wmask_[offset + i] = static_cast<uint8_t>(wmask >> (8 * i));
        w1c_[offset + i] = static_cast<uint8_t>(w1c >> (8 * i));
    }
}

void PciFunction::set_bar(unsigned index, uint32_t size, BarKind kind, bool prefetchable) {
    if (index >= 6) throw std::invalid_argument("PCI BAR index must be 0..5");
    if (size && (!power_of_two(size) || size < (kind == BarKind::Io ? 4u : 16u)))
        throw std::invalid_argument(fmt::format("PCI BAR size {:#x} is not a power of two of the minimum size", size));
    bars_[index] = {size, kind};
    uint8_t off = static_cast<uint8_t>(pci::BAR0 + 4 * index);
    if (!size) return put_default(off, 4, 0, 0);
    uint32_t type = kind == BarKind::Io ? 1u : (prefetchable ? 8u : 0u);
    uint32_t mask = ~(size - 1) & (kind == BarKind::Io ? ~3u : ~15u);
    put_default(off, 4, type, mask);
}

void PciFunction::set_rom(uint32_t size) {
    if (size && (!power_of_two(size) || size < 2048))
        throw std::invalid_argument(fmt::format("PCI ROM size {:#x} is not a power of two of at least 2 KiB", size));
    rom_size_ = size;
    put_default(pci::ROM_BAR, 4, 0, size ? (~(size - 1) | 1u) : 0);
}

void PciFunction::set_subsystem(uint16_t vendor, uint16_t id) {
    put_default(pci::SUBSYS_VENDOR, 2, vendor, 0);
    put_default(pci::SUBSYS_ID, 2, id, 0);
}

void PciFunction::set_interrupt_pin(uint8_t pin) { put_default(pci::INTERRUPT_PIN, 1, pin, 0); }

void PciFunction::set_multifunction(bool on) {
    uint8_t v = static_cast<uint8_t>((power_on_[pci::HEADER_TYPE] & 0x7F) | (on ? 0x80 : 0));
    cfg_[pci::HEADER_TYPE] = power_on_[pci::HEADER_TYPE] = v;
}

void PciFunction::define_reg(uint8_t offset, unsigned size, uint32_t value, uint32_t write_mask, uint32_t w1c_mask) {
    put_default(offset, size, value, write_mask, w1c_mask);
}

uint16_t PciFunction::cfg16(uint8_t offset) const { return static_cast<uint16_t>(stored(offset, 2)); }
uint32_t PciFunction::cfg32(uint8_t offset) const { return stored(offset, 4); }

uint32_t PciFunction::stored(uint8_t offset, unsigned size) const {
    uint32_t v = 0;
    for (unsigned i = 0; i < size && offset + i < 256; ++i) v |= uint32_t(cfg_[offset + i]) << (8 * i);
    return v;
}

void PciFunction::set_cfg(uint8_t offset, unsigned size, uint32_t value) {
    for (unsigned i = 0; i < size && offset + i < 256; ++i) cfg_[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}

uint32_t PciFunction::config_read(uint8_t offset, unsigned size) {
    if (offset + size > 256) return 0xFFFFFFFFu;
    if (offset + size > pci::DEVICE_SPECIFIC && offset >= pci::DEVICE_SPECIFIC) return device_config_read(offset, size);
    return stored(offset, size);
}

void PciFunction::config_write(uint8_t offset, uint32_t value, unsigned size) {
    if (offset + size > 256) return;
    bool remap = false;
    for (unsigned i = 0; i < size; ++i) {
        unsigned o = offset + i;
        uint8_t b = static_cast<uint8_t>(value >> (8 * i));
        uint8_t old = cfg_[o];
        uint8_t v = static_cast<uint8_t>((old & ~wmask_[o]) | (b & wmask_[o]));
        v = static_cast<uint8_t>(v & ~(b & w1c_[o]));
        cfg_[o] = v;
        bool mapping_reg = (o >= pci::COMMAND && o < pci::COMMAND + 2) || (o >= pci::BAR0 && o < pci::BAR0 + 24) ||
                           (o >= pci::ROM_BAR && o < pci::ROM_BAR + 4);
        if (mapping_reg && v != old) remap = true;
    }
    if (offset + size > pci::DEVICE_SPECIFIC) device_config_written(offset, size);
    if (remap) mapping_changed();
}

std::optional<uint32_t> PciFunction::bar_decoded(unsigned index) const {
    if (index >= 6 || !bars_[index].size) return std::nullopt;
    const Bar& b = bars_[index];
    uint32_t raw = cfg32(static_cast<uint8_t>(pci::BAR0 + 4 * index));
    if (b.kind == BarKind::Io) {
        uint32_t base = raw & ~3u;
        if (!(command() & pci::CMD_IO) || base == 0 || uint64_t(base) + b.size > 0x10000) return std::nullopt;
        return base;
    }
    uint32_t base = raw & ~15u;
    if (!(command() & pci::CMD_MEMORY) || base == 0 || uint64_t(base) + b.size > (uint64_t(1) << 32)) return std::nullopt;
    // All ones (a sizing probe in progress) decodes at the very top: treat as off.
    if (base == (~(b.size - 1) & ~15u)) return std::nullopt;
    return base;
}

std::optional<uint32_t> PciFunction::rom_decoded() const {
    if (!rom_size_) return std::nullopt;
    uint32_t raw = cfg32(pci::ROM_BAR);
    uint32_t base = raw & ~(rom_size_ - 1);
    if (!(raw & 1) || !(command() & pci::CMD_MEMORY) || base == 0 || base == ~(rom_size_ - 1)) return std::nullopt;
    return base;
}

void PciFunction::reset_config() {
    cfg_ = power_on_;
    mapping_changed();
}

void PciFunction::visit_config(Archive& ar) {
    ar.bytes("pci_config", cfg_);
    if (ar.loading()) mapping_changed();
}

}  // namespace amber
