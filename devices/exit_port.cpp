#include "devices/exit_port.hpp"

#include <fmt/format.h>

#include "machine/machine.hpp"

namespace amber {

ExitPort::ExitPort(Machine& machine, uint16_t port) : machine_(machine), port_(port) {
    machine_.io().map(port_, 1, this);
}

ExitPort::~ExitPort() { machine_.io().unmap(this); }

uint32_t ExitPort::io_read(uint16_t, unsigned) { return 0xFF; }

void ExitPort::io_write(uint16_t, uint32_t value, unsigned) {
    int code = static_cast<int>(value & 0xFF);
    machine_.stop(StopReason::GuestExit, code, fmt::format("guest exited with status {}", code));
}

}  // namespace amber
