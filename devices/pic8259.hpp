// The PC/AT's pair of Intel 8259A interrupt controllers: the master at
// 0x20-0x21 takes IRQ 0-7, the slave at 0xA0-0xA1 takes IRQ 8-15 and drives
// the master's IR2 (cascade). The PIIX edge/level control registers (ELCR) at
// 0x4D0 (master) and 0x4D1 (slave) choose edge or level triggering per line.
//
// Modelled: ICW1-4, OCW1-3, IRR/ISR/IMR reads, specific and non-specific EOI,
// automatic EOI (and rotate in AEOI), rotation on EOI and set priority,
// special mask mode, special fully nested mode, poll mode, and the spurious
// IR7 vector when a request goes away before the CPU acknowledges it.
//
// Not modelled: 8080/85 call mode and buffered mode (ICW4 bits 0, 2, 3 are
// stored but change nothing). The cascade input of the master is treated
// as level-sensitive whatever the ELCR says (on PIIX that ELCR bit is fixed
// at 0 and the slave's output is a level anyway).
//
// An edge-triggered request is latched on the input's low-to-high transition
// and must stay high until it is acknowledged (as on the real part: the IRR
// bit follows the input going low). A level-triggered request is the input
// level itself.
#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include "cpu/cpu.hpp"
#include "devices/irq_line.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

class Pic8259 final : public Device, public IoHandler, public InterruptSource {
public:
    static constexpr uint16_t kMasterBase = 0x20, kSlaveBase = 0xA0, kElcrBase = 0x4D0;
    static constexpr unsigned kCascadeLine = 2;
    // Told whenever the master's INT output (the CPU's INTR pin) changes.
    using IntrCallback = std::function<void(bool level)>;

    Pic8259(IoBus& io, IntrCallback intr);
    ~Pic8259() override;

    std::string_view name() const override { return "pic8259"; }
    void reset() override;
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    // INTA: the CPU takes the highest-priority request and gets its vector.
    uint8_t acknowledge() override;

    // Request inputs, IRQ 0-15. IRQ 2 is the cascade and cannot be driven.
    void set_irq(unsigned line, bool level);
    IrqLine irq(unsigned line);

    bool intr() const { return intr_; }
    // For tests and the debugger: a chip's registers (0 master, 1 slave).
    uint8_t irr(unsigned chip) const { return chips_[chip & 1].irr; }
    uint8_t isr(unsigned chip) const { return chips_[chip & 1].isr; }
    uint8_t imr(unsigned chip) const { return chips_[chip & 1].imr; }
    uint8_t elcr(unsigned chip) const { return chips_[chip & 1].elcr; }

private:
    struct Chip {
        uint8_t irr = 0, isr = 0, imr = 0;
        uint8_t inputs = 0;       // the request lines' current levels
        uint8_t elcr = 0;         // 1 = level-triggered
        uint8_t lowest = 7;       // the IR with the lowest priority (rotation)
        uint8_t vector_base = 0;  // ICW2 & 0xF8
        uint8_t icw1 = 0, icw3 = 0, icw4 = 0;
        uint8_t init_step = 0;    // 0 ready, 2/3/4 = waiting for that ICW
        bool read_isr = false;    // OCW3 RR/RIS: port 0 reads ISR instead of IRR
        bool poll = false;        // OCW3 P: the next read is a poll
        bool special_mask = false;
        bool rotate_on_aeoi = false;

        uint8_t level_mask() const { return (icw1 & 0x08) ? 0xFF : elcr; }  // ICW1.LTIM: all lines level
        bool auto_eoi() const { return icw4 & 0x02; }
        bool special_fully_nested() const { return icw4 & 0x10; }
        int highest(uint8_t bits) const;  // highest-priority IR among bits, -1 if none
    };

    uint8_t read_port(Chip& c, bool a0, bool master);
    void write_command(Chip& c, uint8_t v);
    void write_data(Chip& c, uint8_t v);
    void write_ocw2(Chip& c, uint8_t v);
    void set_input(Chip& c, unsigned ir, bool level);
    int pending(const Chip& c, bool master) const;  // IR the chip would interrupt for, -1 if none
    void take(Chip& c, unsigned ir);                 // the acknowledge side effects for one IR
    uint8_t poll_byte(Chip& c, bool master);
    void update();  // recompute the cascade and the INTR output

    IoBus& io_;
    IntrCallback intr_cb_;
    bool intr_ = false;
    std::array<Chip, 2> chips_{};  // [0] master, [1] slave
};

}  // namespace amber
