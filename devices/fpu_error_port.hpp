// The PC's x87 error reporting for CR0.NE=0 (the AT's way, kept by every
// chipset since): the CPU's FERR# output is latched onto IRQ13, and a write
// to port 0xF0 (any value) clears the latch and asserts IGNNE#, which holds
// until FERR# drops (the handler's FNCLEX). Only a fresh FERR# edge raises
// IRQ13 again, so an error ignored after the 0xF0 write interrupts once.
//
// The CPU does not wait for IGNNE# (see signal_pending_error in
// cpu/ops_x87.cpp), so it is kept here only as state to show and save.
#pragma once
#include <cstdint>

#include "devices/irq_line.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

class FpuErrorPort final : public Device, public IoHandler {
public:
    static constexpr uint16_t kPort = 0xF0;

    FpuErrorPort(IoBus& io, IrqLine irq13);
    ~FpuErrorPort() override;

    std::string_view name() const override { return "fpu-error"; }
    void reset() override;
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    // The CPU's FERR# output (Cpu::set_ferr_output).
    void set_ferr(bool level);

    bool ferr() const { return ferr_; }
    bool irq_latched() const { return irq_; }
    bool ignne() const { return ignne_; }

private:
    IoBus& io_;
    IrqLine irq13_;
    bool ferr_ = false;   // modelled state: FERR# as last driven,
    bool irq_ = false;    // the IRQ13 latch,
    bool ignne_ = false;  // and IGNNE#
};

}  // namespace amber
