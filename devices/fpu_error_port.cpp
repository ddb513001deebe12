#include "devices/fpu_error_port.hpp"

#include "machine/archive.hpp"
#include "machine/log.hpp"

namespace amber {

FpuErrorPort::FpuErrorPort(IoBus& io, IrqLine irq13) : io_(io), irq13_(std::move(irq13)) { io_.map(kPort, 1, this); }

FpuErrorPort::~FpuErrorPort() { io_.unmap(this); }

void FpuErrorPort::reset() {
    ferr_ = ignne_ = false;
    if (irq_) irq13_.lower();
    irq_ = false;
}

void FpuErrorPort::visit(Archive& ar) {
    ar.field("ferr", ferr_);
    ar.field("irq", irq_);
    ar.field("ignne", ignne_);
}

// Write-only on the PC; reads float.
uint32_t FpuErrorPort::io_read(uint16_t, unsigned) { return 0xFF; }

void FpuErrorPort::io_write(uint16_t, uint32_t, unsigned) {
    log::get("fpu")->debug("port 0xF0: IRQ13 cleared, IGNNE# {}", ferr_ ? "asserted" : "not asserted");
    ignne_ = ferr_;
    if (irq_) irq13_.lower();
    irq_ = false;
}

void FpuErrorPort::set_ferr(bool level) {
    if (level == ferr_) return;
    ferr_ = level;
    if (level) {
        log::get("fpu")->debug("FERR# asserted: IRQ13");
        irq_ = true;
        irq13_.raise();
    } else {
        ignne_ = false;
    }
}

}  // namespace amber
