// A two-channel IDE controller at the legacy ISA addresses: primary
// 0x1F0-0x1F7 + 0x3F6 (IRQ 14), secondary 0x170-0x177 + 0x376 (IRQ 15).
// The channels do the work (devices/ide_channel.hpp); this class claims the
// ports, owns the channels, and exposes the bus-master registers (16 bytes:
// primary at 0-7, secondary at 8-15) for the PCI function that decodes them
// (Piix3Ide, devices/piix3.hpp).
//
// 0x3F7 and 0x377 are left alone: on a PC they belong to the floppy controller.
#pragma once
#include <array>
#include <memory>

#include "devices/ide_channel.hpp"
#include "devices/irq_line.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

class PhysMemory;

class IdeController final : public Device, public IoHandler {
public:
    static constexpr uint16_t kPrimaryBase = 0x1F0, kPrimaryControl = 0x3F6;
    static constexpr uint16_t kSecondaryBase = 0x170, kSecondaryControl = 0x376;

    IdeController(IoBus& io, PhysMemory& mem, IrqLine primary_irq, IrqLine secondary_irq);
    ~IdeController() override;

    std::string_view name() const override { return "ide"; }
    void reset() override;
    void visit(Archive& ar) override;

    // channel 0 primary, 1 secondary; slot 0 master, 1 slave.
    void attach(unsigned channel, unsigned slot, std::unique_ptr<IdeDevice> dev);
    IdeChannel& channel(unsigned n) { return *channels_[n & 1]; }

    // Bus-master IDE registers, offset 0-15 (any access size).
    uint32_t bm_read(unsigned offset, unsigned size);
    void bm_write(unsigned offset, uint32_t value, unsigned size);

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

private:
    IoBus& io_;
    std::array<std::unique_ptr<IdeChannel>, 2> channels_;
};

}  // namespace amber
