// Two small ports of a PC board.
//
// SystemControlPortA (0x92, "fast A20 and reset", PS/2 and every chipset
// since): bit 1 drives the A20 gate, and a 0 -> 1 change of bit 0 resets
// the system; the other bits are kept and read back. The A20 callback runs
// on every write (the last writer -- this port or the 8042 -- wins).
//
// PostCodePort (0x80): firmware writes its progress codes here; the last
// one is kept, reads back, and a change is reported, so the frontend can
// name the last POST code when a run ends badly. Linux and DOS programs
// also write here just to wait a moment, hence reports on change only.
#pragma once
#include <cstdint>
#include <functional>

#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

class SystemControlPortA final : public Device, public IoHandler {
public:
    static constexpr uint16_t kPort = 0x92;
    static constexpr uint8_t kFastReset = 0x01, kA20 = 0x02;

    SystemControlPortA(IoBus& io, std::function<void()> reset_system, std::function<void(bool)> set_a20);
    ~SystemControlPortA() override;

    std::string_view name() const override { return "port92"; }
    void reset() override { value_ = 0; }
    void visit(Archive& ar) override { ar.field("value", value_); }

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    uint8_t value() const { return value_; }

private:
    IoBus& io_;
    std::function<void()> reset_system_;
    std::function<void(bool)> set_a20_;
    uint8_t value_ = 0;  // modelled state
};

class PostCodePort final : public Device, public IoHandler {
public:
    static constexpr uint16_t kPort = 0x80;
    using ChangeCallback = std::function<void(uint8_t code)>;

    explicit PostCodePort(IoBus& io, ChangeCallback on_change = {}, uint16_t port = kPort);
    ~PostCodePort() override;

    std::string_view name() const override { return "post-code"; }
    // A reset does not clear the code: the last one before it is the news.
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    uint8_t last_code() const { return code_; }
    bool written() const { return written_; }  // whether any code was written yet
    void set_change_callback(ChangeCallback cb) { on_change_ = std::move(cb); }

private:
    IoBus& io_;
    ChangeCallback on_change_;
    uint8_t code_ = 0;      // modelled state
    bool written_ = false;
};

}  // namespace amber
