// What sits on a PS/2 port behind the 8042: a device that takes bytes from
// the controller and queues bytes for it. The controller pulls one byte at
// a time, only when its output buffer is empty and the port is enabled, so
// nothing is lost however slowly the guest reads; the device tells the
// controller when it has queued something new.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "machine/archive.hpp"
#include "machine/device.hpp"

namespace amber {

// A variable-length byte queue through the archive's fixed-size fields;
// a loaded queue is cut to `max_size`.
inline void visit_byte_queue(Archive& ar, std::string_view name, std::deque<uint8_t>& q, size_t max_size) {
    uint32_t n = static_cast<uint32_t>(q.size());
    ar.field(std::string(name) + ".size", n);
    if (ar.loading() && n > max_size) n = static_cast<uint32_t>(max_size);
    std::vector<uint8_t> bytes(q.begin(), q.end());
    bytes.resize(n);
    ar.bytes(name, bytes);
    if (ar.loading()) q.assign(bytes.begin(), bytes.end());
}

class PS2Device : public Device {
public:
    // A byte the controller sends to the device (a command or its argument).
    virtual void receive(uint8_t byte) = 0;

    // Whether a byte is waiting for the controller, and taking it.
    bool has_output() {
        if (out_.empty()) refill();
        return !out_.empty();
    }
    uint8_t take_output() {
        if (!has_output()) return 0;
        uint8_t b = out_.front();
        out_.pop_front();
        return b;
    }
    size_t queued() const { return out_.size(); }

    // The controller's "something to read" wire.
    void set_output_notifier(std::function<void()> notify) { notify_ = std::move(notify); }

protected:
    void send(uint8_t byte) {
        out_.push_back(byte);
        notify();
    }
    // For refill(): the controller is already pulling, so no notification.
    void enqueue(uint8_t byte) { out_.push_back(byte); }
    void notify() {
        if (notify_) notify_();
    }
    void clear_output() { out_.clear(); }
    // Called when the queue runs dry: a device may produce more then
    // (the keyboard turns the next host key event into scancodes).
    virtual void refill() {}

    void visit_output(Archive& ar) { visit_byte_queue(ar, "output", out_, kMaxQueue); }

    static constexpr size_t kMaxQueue = 1 << 16;

private:
    std::deque<uint8_t> out_;
    std::function<void()> notify_;
};

}  // namespace amber
