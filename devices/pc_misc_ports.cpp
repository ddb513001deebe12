#include "devices/pc_misc_ports.hpp"

#include "machine/log.hpp"

namespace amber {

SystemControlPortA::SystemControlPortA(IoBus& io, std::function<void()> reset_system,
                                       std::function<void(bool)> set_a20)
    : io_(io), reset_system_(std::move(reset_system)), set_a20_(std::move(set_a20)) {
    io_.map(kPort, 1, this);
}

SystemControlPortA::~SystemControlPortA() { io_.unmap(this); }

uint32_t SystemControlPortA::io_read(uint16_t, unsigned) { return value_; }

void SystemControlPortA::io_write(uint16_t, uint32_t value, unsigned) {
    const uint8_t old = value_;
    value_ = static_cast<uint8_t>(value);
    if (set_a20_) set_a20_(value_ & kA20);
    // Last: the reset may reset this port too.
    if ((value_ & kFastReset) && !(old & kFastReset) && reset_system_) reset_system_();
}

PostCodePort::PostCodePort(IoBus& io, ChangeCallback on_change, uint16_t port)
    : io_(io), on_change_(std::move(on_change)) {
    io_.map(port, 1, this);
}

PostCodePort::~PostCodePort() { io_.unmap(this); }

void PostCodePort::visit(Archive& ar) {
    ar.field("code", code_);
    ar.field("written", written_);
}

uint32_t PostCodePort::io_read(uint16_t, unsigned) { return code_; }

void PostCodePort::io_write(uint16_t, uint32_t value, unsigned) {
    const uint8_t code = static_cast<uint8_t>(value);
    const bool changed = !written_ || code != code_;
    code_ = code;
    written_ = true;
    if (!changed) return;
    log::get("post")->debug("POST code {:#04x}", code);
    if (on_change_) on_change_(code);
}

}  // namespace amber
