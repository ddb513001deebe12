// The Intel PIIX3 south bridge's PCI functions (the i440FX's companion):
//
//  - Piix3Isa, function 0 (8086:7000): the PCI-to-ISA bridge. Its PIRQ route
//    control registers (0x60-0x63) steer the four PCI interrupt lines
//    PIRQA#-D# to ISA IRQs; pirq(n) gives a PCI device the IrqLine for its
//    pin's PIRQ, and the level reaches the ISA IRQ the guest programmed
//    through the board's callback. Lines that share a PIRQ, and PIRQs that
//    share an IRQ, are wired-OR (level triggered, as PCI interrupts are).
//
//  - Piix3Ide, function 1 (8086:7010): the IDE function. The channels stay at
//    the legacy ports (programming interface 80h: legacy mode only, bus-master
//    capable) whatever the command register says; BAR4 (16 I/O ports) holds
//    the bus-master IDE registers and is decoded when I/O space is enabled.
//    The IDE timing registers (0x40-0x47) are plain state; decode enable of
//    both channels is on from power up.
//
// Not modelled: the ISA function's other registers beyond plain storage
// (TOM, XBCS, the APIC and SMI controls), ELCR (ports 0x4D0/0x4D1: the
// interrupt controller's business), USB (function 2).
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "devices/ide_controller.hpp"
#include "devices/irq_line.hpp"
#include "devices/pci_function.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

class Piix3Isa final : public Device, public PciFunction {
public:
    static constexpr uint8_t kPirqRoute = 0x60;
    // Drive ISA IRQ irq (0-15) to level.
    using IsaIrqSink = std::function<void(unsigned irq, bool level)>;

    explicit Piix3Isa(IsaIrqSink sink = {});

    std::string_view name() const override { return "piix3-isa"; }
    void reset() override;
    void visit(Archive& ar) override;

    // A new input on PIRQ n (0 = PIRQA# .. 3 = PIRQD#).
    IrqLine pirq(unsigned n);
    // The ISA IRQ PIRQ n goes to, or -1 when routing is disabled.
    int route(unsigned n) const;

protected:
    void device_config_written(uint8_t offset, unsigned size) override;

private:
    void input_changed(size_t index, bool level);
    void update();

    IsaIrqSink sink_;
    struct Input {
        uint8_t pirq;
        bool level;
    };
    std::vector<Input> inputs_;
    std::array<bool, 16> isa_level_{};  // what the sink was last told
};

class Piix3Ide final : public Device, public PciFunction, public IoHandler {
public:
    static constexpr unsigned kBusMasterBar = 4;

    Piix3Ide(IoBus& io, IdeController& ide);
    ~Piix3Ide() override;

    std::string_view name() const override { return "piix3-ide"; }
    void reset() override;  // the PCI header only; the controller resets itself
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    // Where the bus-master registers are decoded now (0 when they are not).
    uint16_t bus_master_base() const { return mapped_; }

protected:
    void mapping_changed() override;

private:
    IoBus& io_;
    IdeController& ide_;
    uint16_t mapped_ = 0;
};

}  // namespace amber
