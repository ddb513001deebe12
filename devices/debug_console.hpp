// The Bochs/QEMU debug console: every byte written to port 0xE9 goes
// straight to the host, with no setup and no flow control -- the simplest
// way for firmware or a test program to say something. Reading the port
// returns 0xE9, which is how software detects that the console is there.
#pragma once
#include <cstdint>
#include <memory>

#include "devices/char_backend.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

class DebugConsole final : public Device, public IoHandler {
public:
    static constexpr uint16_t kDefaultPort = 0xE9;

    DebugConsole(IoBus& io, std::unique_ptr<CharBackend> out, uint16_t port = kDefaultPort);
    ~DebugConsole() override;

    std::string_view name() const override { return "debugcon"; }

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    CharBackend& backend() { return *out_; }

private:
    IoBus& io_;
    std::unique_ptr<CharBackend> out_;
    uint16_t port_;
};

}  // namespace amber
