// One IDE channel (cable): up to two devices, the device control register,
// the interrupt wire, and the channel's half of a bus-master IDE controller
// (command, status and PRD table address registers; the DMA engine).
//
// Register traffic follows the ATA cable: command block writes reach both
// devices, reads come from the one selected by the device register's DEV
// bit. With only device 0 present, selecting device 1 reads status 00h (the
// other registers come from device 0); with no device at all every register
// reads FFh. SRST in the device control register resets both devices (status
// reads BSY while it is set); nIEN masks the interrupt.
//
// DMA runs entirely when both sides are ready (the bus master's start bit is
// set and the selected device has a DMA transfer pending), within the port
// write that made them so: the engine walks the PRD table in guest memory
// through PhysMemory's checked accesses (a table or buffer outside RAM reads
// ones and drops writes, as an unclaimed bus would) and moves the data.
#pragma once
#include <array>
#include <cstdint>
#include <memory>

#include "devices/ide_device.hpp"
#include "devices/irq_line.hpp"
#include "machine/archive.hpp"

namespace amber {

class PhysMemory;

namespace bmide {
// Bus-master command register.
constexpr uint8_t CMD_START = 0x01, CMD_TO_MEMORY = 0x08;
// Bus-master status register.
constexpr uint8_t ST_ACTIVE = 0x01, ST_ERROR = 0x02, ST_INTERRUPT = 0x04, ST_DMA0 = 0x20, ST_DMA1 = 0x40, ST_SIMPLEX = 0x80;
}  // namespace bmide

class IdeChannel {
public:
    explicit IdeChannel(PhysMemory& mem, IrqLine irq = {});

    void set_irq(IrqLine irq) { irq_ = std::move(irq); }
    void attach(unsigned slot, std::unique_ptr<IdeDevice> dev);  // slot 0 master, 1 slave
    IdeDevice* device(unsigned slot) const { return slot < 2 ? devs_[slot].get() : nullptr; }

    // Command block (reg 0-7 from the base port) and control block.
    uint32_t read(unsigned reg, unsigned size);
    void write(unsigned reg, uint32_t value, unsigned size);
    uint8_t read_alt_status();
    void write_control(uint8_t v);

    // Bus-master registers, offset 0-7 within this channel's half of BAR4.
    uint8_t bm_read(unsigned offset);
    void bm_write(unsigned offset, uint8_t v);

    bool irq_level() const { return irq_level_; }
    void reset();  // hardware reset: devices, control and bus-master registers
    void visit(Archive& ar);

private:
    IdeDevice* selected() const { return devs_[selected_slot()].get(); }
    unsigned selected_slot() const { return (device_reg_ & ata::DEV_SLAVE) ? 1 : 0; }
    IdeDevice* any_device() const { return devs_[0] ? devs_[0].get() : devs_[1].get(); }
    uint8_t status_of_selected();
    void execute_diagnostic();
    void run_dma();
    void update_irq();

    PhysMemory& mem_;
    IrqLine irq_;
    std::array<std::unique_ptr<IdeDevice>, 2> devs_;
    bool irq_level_ = false;
    // ---- modelled state ----
    uint8_t device_reg_ = 0;  // the last device register write (selection)
    uint8_t control_ = 0;
    uint8_t bm_cmd_ = 0, bm_status_ = 0;
    uint32_t bm_prd_ = 0;
};

}  // namespace amber
