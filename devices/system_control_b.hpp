// System control port B (0x61) on the AT: counter 2's gate and speaker
// enable, and read-only status: the DRAM refresh toggle (flips every
// 15.085 us of virtual time) and counter 2's OUT. The parity/IOCHK enable
// bits 2-3 are stored; errors are never reported (bits 6-7 read 0).
#pragma once
#include <cstdint>

#include "devices/pit8254.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"

namespace amber {

class SystemControlB final : public Device, public IoHandler {
public:
    static constexpr uint16_t kPort = 0x61;
    SystemControlB(IoBus& io, const Scheduler& sched, Pit8254::Clock now, Pit8254& pit);
    ~SystemControlB() override;

    std::string_view name() const override { return "system_control_b"; }
    void reset() override;
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    // The speaker sounds counter 2's OUT while both bits 0 and 1 are set.
    bool speaker_enabled() const { return (bits_ & 3) == 3; }

private:
    IoBus& io_;
    const Scheduler& sched_;
    Pit8254::Clock now_;
    Pit8254& pit_;
    uint8_t bits_ = 0;  // bits 0-3 as written
};

}  // namespace amber
