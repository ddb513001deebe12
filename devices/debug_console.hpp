// The Bochs/QEMU debug console: every byte written to port 0xE9 goes
// straight to the host, with no setup and no flow control -- the simplest
// way for firmware or a test program to say something. Reading the port
// returns 0xE9, which is how software detects that the console is there.
// A board may place more than one, at other ports (SeaBIOS prints to 0x402);
// they read 0xE9 too.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "devices/char_backend.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

class DebugConsole final : public Device, public IoHandler {
public:
    static constexpr uint16_t kDefaultPort = 0xE9;

    DebugConsole(IoBus& io, std::unique_ptr<CharBackend> out, uint16_t port = kDefaultPort);
    ~DebugConsole() override;

    // "debugcon" at the default port, "debugcon@0x402" elsewhere.
    std::string_view name() const override { return name_; }
    uint16_t port() const { return port_; }

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    CharBackend& backend() { return *out_; }

private:
    IoBus& io_;
    std::unique_ptr<CharBackend> out_;
    uint16_t port_;
    std::string name_;
};

}  // namespace amber
