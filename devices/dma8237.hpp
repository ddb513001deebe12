// The ISA DMA of a PC/AT: two Intel 8237A controllers and the page registers.
//
//   controller 0 (8-bit):  channels 0-3, ports 0x00-0x0F, byte addressing,
//                          transfers wrap inside a 64 KiB page
//   controller 1 (16-bit): channels 4-7, ports 0xC0-0xDF (one register every
//                          second port), word addressing, 128 KiB pages;
//                          channel 4 is the cascade input from controller 0
//   page registers:        0x81-0x8F (0x80 is the POST code port, not ours)
//
// Modelled: base/current address and count, the byte-pointer flip-flop,
// mode (single/demand/block, increment/decrement, auto-init, read/write/
// verify), mask registers (single, all, clear), request, command, status
// with its TC and request bits, temporary register and master clear.
//
// Devices pull: one that has data ready calls transfer(), which moves bytes
// between the device's buffer and guest memory at once, following the
// channel's programmed address, count and direction. Single, demand and
// block modes therefore behave alike (the device decides how much it offers).
// Controller 0's channels only reach the bus while channel 4 (the cascade)
// is unmasked, as on the AT. Memory-to-memory transfers (command bit 0) are
// not modelled.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

class PhysMemory;

// Which way the device wants its data to go.
enum class DmaDirection : uint8_t {
    ToMemory,    // device -> memory (an 8237 "write" transfer, e.g. a floppy read)
    FromMemory,  // memory -> device (an 8237 "read" transfer, e.g. a floppy write)
};

struct DmaTransfer {
    size_t bytes = 0;            // bytes moved (a 16-bit channel moves whole words)
    bool terminal_count = false;  // the count ran out: the device must end its transfer
};

namespace dma {
// Mode register fields.
constexpr uint8_t MODE_VERIFY = 0x00, MODE_WRITE = 0x04, MODE_READ = 0x08, MODE_XFER_MASK = 0x0C;
constexpr uint8_t MODE_AUTOINIT = 0x10, MODE_DECREMENT = 0x20;
constexpr uint8_t MODE_DEMAND = 0x00, MODE_SINGLE = 0x40, MODE_BLOCK = 0x80, MODE_CASCADE = 0xC0;
// Command register: bit 2 disables the controller.
constexpr uint8_t CMD_DISABLE = 0x04;
}  // namespace dma

class Dma8237 final : public Device, public IoHandler {
public:
    static constexpr unsigned kChannels = 8;

    Dma8237(IoBus& io, PhysMemory& memory);
    ~Dma8237() override;

    std::string_view name() const override { return "dma8237"; }
    void reset() override;  // master clear of both controllers, page registers zeroed
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    // Moves up to buf.size() bytes on `channel` and stops early at terminal
    // count (then auto-init reloads the channel, or it masks itself). A masked
    // or disabled channel, the cascade channel, a cascade-mode channel or a
    // bad channel number moves nothing. The channel's programmed mode wins over
    // `dir`: a mismatch is logged and the mode is followed (a verify transfer
    // counts bytes without touching memory or the buffer).
    DmaTransfer transfer(unsigned channel, std::span<uint8_t> buf, DmaDirection dir);

    // Would transfer() move anything on this channel right now?
    bool ready(unsigned channel) const;
    // For tests and the debugger.
    uint32_t physical_address(unsigned channel) const;  // where the next byte goes
    uint16_t current_count(unsigned channel) const;     // units (bytes or words) left, minus one
    uint8_t mode(unsigned channel) const { return ctl_[channel / 4 & 1].ch[channel % 4].mode; }
    bool masked(unsigned channel) const { return ctl_[channel / 4 & 1].mask >> (channel % 4) & 1; }

private:
    struct Channel {
        uint16_t base_address = 0, current_address = 0;
        uint16_t base_count = 0, current_count = 0;
        uint8_t mode = 0;  // bits 2-7 of the last mode write
    };
    struct Controller {
        std::array<Channel, 4> ch{};
        uint8_t command = 0;
        uint8_t status = 0;   // bits 0-3: TC reached, bits 4-7: request pending
        uint8_t request = 0;  // software requests (bits 0-3)
        uint8_t mask = 0x0F;
        uint8_t temp = 0;
        bool flip_flop = false;  // false: the next address/count access is the low byte
    };

    uint8_t read_reg(unsigned c, unsigned reg);
    void write_reg(unsigned c, unsigned reg, uint8_t v);
    void master_clear(Controller& c);
    uint8_t page_of(unsigned channel) const;

    IoBus& io_;
    PhysMemory& mem_;

    // ---- modelled state (visit) ----
    std::array<Controller, 2> ctl_{};
    std::array<uint8_t, 16> page_{};  // page_[port - 0x80]; [0] is never used
};

}  // namespace amber
