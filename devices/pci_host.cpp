#include "devices/pci_host.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "machine/log.hpp"

namespace amber {

// ---------------------------------------------------------------- PciHost

PciHost::PciHost(IoBus& io) : io_(io) { io_.map(kAddressPort, 8, this); }

PciHost::~PciHost() { io_.unmap(this); }

void PciHost::reset() {
    address_ = 0;
    reset_control_ = 0;
}

void PciHost::visit(Archive& ar) {
    ar.field("config_address", address_);
    ar.field("reset_control", reset_control_);
}

void PciHost::add(uint8_t device, uint8_t function, PciFunction* f) {
    if (device >= 32 || function >= 8 || !f) throw std::invalid_argument("PCI slot must be device < 32, function < 8");
    PciFunction*& slot = slots_[device * 8 + function];
    if (slot) throw std::invalid_argument(fmt::format("PCI slot {:02x}.{} is taken", device, function));
    slot = f;
    bool multi = false;
    for (unsigned fn = 1; fn < 8; ++fn) multi |= slots_[device * 8 + fn] != nullptr;
    if (PciFunction* f0 = slots_[device * 8]) f0->set_multifunction(multi);
}

PciFunction* PciHost::function(uint8_t device, uint8_t function) const {
    return device < 32 && function < 8 ? slots_[device * 8 + function] : nullptr;
}

uint32_t PciHost::config_read(uint8_t device, uint8_t function, uint8_t offset, unsigned size) {
    PciFunction* f = this->function(device, function);
    if (!f) return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    return f->config_read(offset, size);
}

void PciHost::config_write(uint8_t device, uint8_t function, uint8_t offset, uint32_t value, unsigned size) {
    if (PciFunction* f = this->function(device, function)) f->config_write(offset, value, size);
}

PciFunction* PciHost::selected() const {
    if (!(address_ & 0x80000000u) || ((address_ >> 16) & 0xFF) != 0) return nullptr;
    return function(static_cast<uint8_t>((address_ >> 11) & 31), static_cast<uint8_t>((address_ >> 8) & 7));
}

uint32_t PciHost::io_read(uint16_t port, unsigned size) {
    uint32_t ones = size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    if (port >= kDataPort) {
        unsigned lane = port - kDataPort;
        if (lane + size > 4) return ones;  // would run past CONFIG_DATA
        PciFunction* f = selected();
        if (!f) return ones;
        return f->config_read(static_cast<uint8_t>((address_ & 0xFC) + lane), size);
    }
    if (port == kAddressPort && size == 4) return address_;
    if (port == kResetControl && size == 1) return reset_control_;
    return ones;
}

void PciHost::io_write(uint16_t port, uint32_t value, unsigned size) {
    if (port >= kDataPort) {
        unsigned lane = port - kDataPort;
        PciFunction* f = selected();
        if (lane + size > 4 || !f) return;
        f->config_write(static_cast<uint8_t>((address_ & 0xFC) + lane), value, size);
        return;
    }
    if (port == kAddressPort && size == 4) {
        address_ = value & 0x80FFFFFCu;  // reserved bits 30-24 and 1-0 read as zero
        return;
    }
    if (port == kResetControl && size == 1) {
        reset_control_ = static_cast<uint8_t>(value & 0x02);  // bit 2 (reset CPU) is a trigger, not state
        if ((value & 0x04) && reset_cb_) reset_cb_((value & 0x02) != 0);
    }
}

// ---------------------------------------------------------------- I440fxHost

namespace {
constexpr uint32_t kPamBase = 0xC0000;

// PAM register i (0..6) covers: i = 0: 0xF0000, 64 KiB (high nibble only);
// otherwise two 16 KiB segments, low nibble then high nibble.
struct PamSegment {
    uint32_t base, size;
    unsigned reg, shift;
};
constexpr std::array<PamSegment, 13> kSegments = [] {
    std::array<PamSegment, 13> s{};
    s[0] = {0xF0000, 0x10000, 0, 4};
    for (unsigned i = 0; i < 12; ++i) s[i + 1] = {kPamBase + i * 0x4000, 0x4000, 1 + i / 2, (i & 1) * 4};
    return s;
}();
}  // namespace

I440fxHost::I440fxHost(PamSink sink) : PciFunction(0x8086, 0x1237, 0x060000, 0x02), sink_(std::move(sink)) {
    define_reg(pci::COMMAND, 2, 0x0006, 0x0146);  // memory and bus master always on
    define_reg(pci::STATUS, 2, 0x0280, 0, 0x3000);  // medium DEVSEL, fast back-to-back
    define_reg(0x50, 1, 0x00, 0xF0);   // PMCCFG
    define_reg(0x51, 1, 0x01, 0x80);   // DETURBO
    define_reg(0x57, 1, 0x01, 0xFF);   // DRAMC
    define_reg(0x58, 1, 0x10, 0xFF);   // DRAMT
    define_reg(kPam0, 1, 0x00, 0x30);  // PAM0: 0xF0000 segment in bits 4-5
    for (uint8_t r = kPam0 + 1; r <= kPam0 + 6; ++r) define_reg(r, 1, 0x00, 0x33);
    for (uint8_t r = 0x60; r <= 0x67; ++r) define_reg(r, 1, 0x01, 0xFF);  // DRB: row boundaries
    define_reg(kSmram, 1, 0x02, 0x78);  // SMRAM: C_BASE_SEG reads 010b
    applied_.fill(0xFF);                // nothing handed to the sink yet
}

void I440fxHost::reset() {
    reset_config();
    apply_pam(true);
}

void I440fxHost::visit(Archive& ar) {
    visit_config(ar);
    if (ar.loading()) apply_pam(true);
}

uint8_t I440fxHost::pam_route(uint32_t pa) const {
    for (const PamSegment& s : kSegments)
        if (pa >= s.base && pa - s.base < s.size) return (cfg8(static_cast<uint8_t>(kPam0 + s.reg)) >> s.shift) & 3;
    return 0;
}

void I440fxHost::device_config_written(uint8_t offset, unsigned size) {
    if (offset <= kPam0 + 6 && offset + size > kPam0) apply_pam(false);
}

void I440fxHost::apply_pam(bool all) {
    for (const PamSegment& s : kSegments) {
        uint8_t now = (cfg8(static_cast<uint8_t>(kPam0 + s.reg)) >> s.shift) & 3;
        uint8_t before = applied_[s.reg] == 0xFF ? 0xFF : (applied_[s.reg] >> s.shift) & 3;
        if (!all && now == before) continue;
        log::get("pci")->debug("PAM {:#x}+{:#x}: read {}, write {}", s.base, s.size, now & 1 ? "RAM" : "ROM",
                               now & 2 ? "RAM" : "ROM");
        if (sink_) sink_(s.base, s.size, now & 1, now & 2);
    }
    for (unsigned r = 0; r < 7; ++r) applied_[r] = cfg8(static_cast<uint8_t>(kPam0 + r));
}

}  // namespace amber
