// A PS/2 (MF2) keyboard: the device behind the 8042's first port.
//
// Commands from the host, each answered with ACK (FA) unless said:
//   FF reset (FA, then AA after the self test)   F2 identify (FA AB 83)
//   F0 n get (n=0: FA then the set) / set scancode set 1 or 2 (set 3 is
//        acknowledged but not adopted, so drivers that check fall back)
//   ED n LEDs   F3 n typematic rate/delay   EE echo (EE, no ACK)
//   F4 enable scanning   F5 disable and restore defaults   F6 defaults
//   F7..FD set-3 key types (acknowledged, ignored)   FE resend last byte
//   anything else: FE
// Reset, enable and disable also drop what the keyboard had not sent yet.
// While a command waits for its argument, a byte from 0x80 up is taken as
// a new command instead (arguments are all below 0x80).
//
// Host input: press()/release() queue key events; they are turned into
// scancodes of the current set only when the keyboard sends them, and they
// wait (instead of being dropped) while scanning is disabled or a command
// is waiting for its argument, so input typed before the guest's driver is
// ready still arrives. No typematic repeat: automation says what it holds.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "devices/ps2_device.hpp"
#include "devices/ps2_keys.hpp"

namespace amber {

class PS2Keyboard final : public PS2Device {
public:
    PS2Keyboard();

    std::string_view name() const override { return "ps2-keyboard"; }
    void reset() override;
    void visit(Archive& ar) override;
    void receive(uint8_t byte) override;

    // ---- host input ----
    void press(ps2::Key key) { queue_event(key, true); }
    void release(ps2::Key key) { queue_event(key, false); }
    void tap(ps2::Key key) { press(key), release(key); }
    // A key tapped with its modifiers held around it (Ctrl, Alt, Shift).
    void type(const ps2::Keystroke& k);
    // ASCII text as a US keyboard types it (Shift held where needed; ESC is
    // Esc, ^A..^Z are Ctrl+letter). Characters with no key are skipped;
    // returns false if there were any.
    bool type_text(std::string_view text);
    // Space-separated key combinations, "ctrl-alt-delete", "shift-f10 enter":
    // the keys of a combination are pressed in order and released in
    // reverse. '-' or '+' joins keys ("kp-" and "-" still name keys). On an
    // unknown key nothing is sent and `error` (if given) says which.
    bool send_keys(std::string_view combos, std::string* error = nullptr);

    // ---- what the guest set ----
    unsigned scancode_set() const { return set_; }
    uint8_t leds() const { return leds_; }  // bit 0 Scroll, 1 Num, 2 Caps Lock
    uint8_t typematic() const { return typematic_; }
    bool scanning() const { return scanning_; }
    size_t pending_events() const { return events_.size(); }

    // ---- trace recording and replay ----
    // A host key event as queued: the key's index, bit 7 set for a release.
    // The observer sees every event queued from the host side.
    void set_host_observer(std::function<void(uint8_t event)> obs) { host_observer_ = std::move(obs); }
    // Queues a recorded event again (ignored when it names no key).
    void queue_recorded(uint8_t event) {
        queue_event(static_cast<ps2::Key>(event & 0x7F), (event & 0x80) == 0);
    }

private:
    void queue_event(ps2::Key key, bool pressed);
    void refill() override;
    void reply(uint8_t byte);  // send and remember for resend
    void set_defaults();
    void command(uint8_t cmd);
    void argument(uint8_t arg);

    static constexpr size_t kMaxEvents = 1 << 16;

    // ---- modelled state (visit) ----
    std::deque<uint8_t> events_;  // host key events: key index, bit 7 = release
    uint8_t set_ = 2;
    uint8_t leds_ = 0;
    uint8_t typematic_ = 0x2B;  // 10.9 characters/s after 500 ms
    bool scanning_ = true;
    uint8_t awaiting_ = 0;      // command whose argument comes next (0: none)
    uint8_t last_sent_ = 0;     // for FE (resend)

    std::function<void(uint8_t)> host_observer_;  // not modelled state
};

}  // namespace amber
