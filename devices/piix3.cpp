#include "devices/piix3.hpp"

#include "machine/log.hpp"

namespace amber {

// ---------------------------------------------------------------- ISA bridge

Piix3Isa::Piix3Isa(IsaIrqSink sink) : PciFunction(0x8086, 0x7000, 0x060100, 0x00), sink_(std::move(sink)) {
    define_reg(pci::COMMAND, 2, 0x0007, 0x0008);  // I/O, memory and bus master hardwired on
    define_reg(pci::STATUS, 2, 0x0200, 0, 0x7800);
    define_reg(0x4C, 1, 0x4D, 0xFF);  // IORT
    define_reg(0x4E, 2, 0x0003, 0xFFFF);  // XBCS
    for (uint8_t r = kPirqRoute; r < kPirqRoute + 4; ++r) define_reg(r, 1, 0x80, 0x8F);  // routing off
    define_reg(0x69, 1, 0x02, 0xFE);  // TOM
    define_reg(0x6A, 2, 0x0000, 0xFFFF);  // MSTAT
    define_reg(0x70, 2, 0x8080, 0xFFFF);  // MBIRQ0/1: off
    define_reg(0x76, 2, 0x0C0C, 0xFFFF);  // MBDMA0/1
    define_reg(0x80, 1, 0x00, 0xFF);  // APICBASE
    define_reg(0xA0, 32, 0, 0);       // SMI and power management: read as zero
}

void Piix3Isa::reset() {
    reset_config();
    update();
}

void Piix3Isa::visit(Archive& ar) {
    visit_config(ar);
    if (ar.loading()) update();
}

IrqLine Piix3Isa::pirq(unsigned n) {
    size_t index = inputs_.size();
    inputs_.push_back({static_cast<uint8_t>(n & 3), false});
    return IrqLine([this, index](bool level) { input_changed(index, level); });
}

int Piix3Isa::route(unsigned n) const {
    uint8_t r = cfg8(static_cast<uint8_t>(kPirqRoute + (n & 3)));
    if (r & 0x80) return -1;
    unsigned irq = r & 0x0F;
    // IRQ 0-2, 8 and 13 are reserved as PIRQ targets.
    if (irq < 3 || irq == 8 || irq == 13) return -1;
    return static_cast<int>(irq);
}

void Piix3Isa::device_config_written(uint8_t offset, unsigned size) {
    if (offset < kPirqRoute + 4 && offset + size > kPirqRoute) update();
}

void Piix3Isa::input_changed(size_t index, bool level) {
    if (index >= inputs_.size() || inputs_[index].level == level) return;
    inputs_[index].level = level;
    update();
}

void Piix3Isa::update() {
    std::array<bool, 16> level{};
    for (const Input& in : inputs_) {
        int irq = route(in.pirq);
        if (in.level && irq >= 0) level[static_cast<unsigned>(irq)] = true;
    }
    for (unsigned irq = 0; irq < 16; ++irq) {
        if (level[irq] == isa_level_[irq]) continue;
        isa_level_[irq] = level[irq];
        if (sink_) sink_(irq, level[irq]);
    }
}

// ---------------------------------------------------------------- IDE

Piix3Ide::Piix3Ide(IoBus& io, IdeController& ide) : PciFunction(0x8086, 0x7010, 0x010180, 0x00), io_(io), ide_(ide) {
    set_bar(kBusMasterBar, 16, BarKind::Io);
    define_reg(pci::STATUS, 2, 0x0280, 0, 0x3800);
    define_reg(0x40, 2, 0x8000, 0xF3FF);  // IDETIM primary: decode enabled
    define_reg(0x42, 2, 0x8000, 0xF3FF);  // IDETIM secondary
    define_reg(0x44, 1, 0x00, 0xFF);      // SIDETIM
}

Piix3Ide::~Piix3Ide() {
    if (mapped_) io_.unmap(this);
}

void Piix3Ide::reset() { reset_config(); }

void Piix3Ide::visit(Archive& ar) { visit_config(ar); }

void Piix3Ide::mapping_changed() {
    auto base = bar_decoded(kBusMasterBar);
    uint16_t want = base ? static_cast<uint16_t>(*base) : 0;
    if (want == mapped_) return;
    if (mapped_) io_.unmap(this);
    mapped_ = want;
    if (mapped_) {
        io_.map(mapped_, 16, this);
        log::get("ide")->debug("bus-master IDE registers at {:#x}", mapped_);
    }
}

uint32_t Piix3Ide::io_read(uint16_t port, unsigned size) {
    return ide_.bm_read(static_cast<unsigned>(port - mapped_), size);
}

void Piix3Ide::io_write(uint16_t port, uint32_t value, unsigned size) {
    ide_.bm_write(static_cast<unsigned>(port - mapped_), value, size);
}

}  // namespace amber
