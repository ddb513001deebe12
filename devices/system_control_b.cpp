#include "devices/system_control_b.hpp"

namespace amber {

namespace {
constexpr uint64_t kRefreshPeriodNs = 15'085;  // one DRAM refresh request
}

SystemControlB::SystemControlB(IoBus& io, const Scheduler& sched, Pit8254::Clock now, Pit8254& pit)
    : io_(io), sched_(sched), now_(std::move(now)), pit_(pit) {
    io_.map(kPort, 1, this);
    reset();
}

SystemControlB::~SystemControlB() { io_.unmap(this); }

void SystemControlB::reset() {
    bits_ = 0;
    pit_.set_gate(2, false);
}

void SystemControlB::visit(Archive& ar) {
    ar.field("bits", bits_);
    if (ar.loading()) bits_ &= 0x0F;
}

uint32_t SystemControlB::io_read(uint16_t, unsigned) {
    bool refresh = (sched_.ticks_to_ns(now_()) / kRefreshPeriodNs) & 1;
    return uint32_t(bits_ | (refresh ? 0x10 : 0) | (pit_.out(2) ? 0x20 : 0));
}

void SystemControlB::io_write(uint16_t, uint32_t value, unsigned) {
    bits_ = uint8_t(value & 0x0F);
    pit_.set_gate(2, bits_ & 1);
}

}  // namespace amber
