// The debug exit port: a guest ends the run by writing its exit status to
// port 0x501, and `amber run` exits with that status. It is how test
// programs and the default guest report a result without a shutdown
// sequence.
//
// Semantics: an 8-bit write of V stops the machine at the end of the
// current instruction with StopReason::GuestExit and exit code V (0..255).
// A 16- or 32-bit write is split by the bus, so its low byte counts. Reads
// return 0xFF, as from an empty bus. (QEMU's isa-debug-exit uses the same
// default port but exits with (V << 1) | 1; Amber passes V through.)
#pragma once
#include <cstdint>

#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

class Machine;

class ExitPort final : public Device, public IoHandler {
public:
    static constexpr uint16_t kDefaultPort = 0x501;

    explicit ExitPort(Machine& machine, uint16_t port = kDefaultPort);
    ~ExitPort() override;

    std::string_view name() const override { return "exit-port"; }

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

private:
    Machine& machine_;
    uint16_t port_;
};

}  // namespace amber
