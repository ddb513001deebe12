#include "devices/ps2_keyboard.hpp"

#include <vector>

#include "machine/log.hpp"

namespace amber {

namespace {
constexpr uint8_t kAck = 0xFA, kResend = 0xFE, kSelfTestPassed = 0xAA, kEcho = 0xEE;
constexpr uint8_t kReleaseBit = 0x80;
}  // namespace

PS2Keyboard::PS2Keyboard() { reset(); }

// A machine reset is not a power cycle: host input already queued stays.
void PS2Keyboard::reset() {
    clear_output();
    set_defaults();
    set_ = 2;
    leds_ = 0;
    scanning_ = true;
    awaiting_ = 0;
    last_sent_ = 0;
}

void PS2Keyboard::set_defaults() { typematic_ = 0x2B; }

void PS2Keyboard::visit(Archive& ar) {
    visit_output(ar);
    visit_byte_queue(ar, "events", events_, kMaxEvents);
    ar.field("set", set_);
    ar.field("leds", leds_);
    ar.field("typematic", typematic_);
    ar.field("scanning", scanning_);
    ar.field("awaiting", awaiting_);
    ar.field("last_sent", last_sent_);
    if (ar.loading()) {
        if (set_ != 1) set_ = 2;
        for (uint8_t& e : events_) e = uint8_t((e & kReleaseBit) | ((e & 0x7F) % ps2::kKeyCount));
    }
}

void PS2Keyboard::reply(uint8_t byte) {
    last_sent_ = byte;
    send(byte);
}

void PS2Keyboard::receive(uint8_t byte) {
    if (awaiting_ && byte < 0x80) return argument(byte);
    awaiting_ = 0;
    command(byte);
}

void PS2Keyboard::command(uint8_t cmd) {
    switch (cmd) {
    case 0xED:  // set LEDs
    case 0xF3:  // set typematic rate and delay
    case 0xF0:  // get or set the scancode set
        awaiting_ = cmd;
        reply(kAck);
        break;
    case 0xEE: reply(kEcho); break;
    case 0xF2:  // identify: an MF2 keyboard
        reply(kAck);
        reply(0xAB);
        reply(0x83);
        break;
    case 0xF4:
        clear_output();
        scanning_ = true;
        reply(kAck);
        break;
    case 0xF5:
        clear_output();
        set_defaults();
        scanning_ = false;
        reply(kAck);
        break;
    case 0xF6:
        set_defaults();
        scanning_ = true;
        reply(kAck);
        break;
    case 0xF7: case 0xF8: case 0xF9: case 0xFA: case 0xFB: case 0xFC: case 0xFD:
        reply(kAck);  // set-3 key types: no set 3 here
        break;
    case 0xFE:
        send(last_sent_);
        break;
    case 0xFF:
        clear_output();
        set_defaults();
        set_ = 2;
        leds_ = 0;
        scanning_ = true;
        reply(kAck);
        reply(kSelfTestPassed);
        break;
    default:
        log::get("kbd")->debug("unknown keyboard command {:#04x}", cmd);
        reply(kResend);
        break;
    }
}

void PS2Keyboard::argument(uint8_t arg) {
    const uint8_t cmd = awaiting_;
    awaiting_ = 0;
    switch (cmd) {
    case 0xED: leds_ = arg & 7; break;
    case 0xF3: typematic_ = arg & 0x7F; break;
    case 0xF0:
        if (arg == 0) {
            reply(kAck);
            reply(set_);
            return;
        }
        if (arg == 1 || arg == 2) set_ = arg;
        else if (arg != 3) return reply(kResend);
        break;
    default: break;
    }
    reply(kAck);  // (its notification also lets held-back key events go)
}

void PS2Keyboard::queue_event(ps2::Key key, bool pressed) {
    if (key >= ps2::Key::Count) return;
    if (events_.size() >= kMaxEvents) {
        log::get("kbd")->warn("host key queue full: key event dropped");
        return;
    }
    const uint8_t event = uint8_t(static_cast<uint8_t>(key) | (pressed ? 0 : kReleaseBit));
    events_.push_back(event);
    if (host_observer_) host_observer_(event);
    notify();
}

void PS2Keyboard::refill() {
    if (!scanning_ || awaiting_) return;
    while (!events_.empty() && queued() == 0) {
        const uint8_t e = events_.front();
        events_.pop_front();
        const auto key = static_cast<ps2::Key>(e & 0x7F);
        for (uint8_t b : ps2::scancodes(key, !(e & kReleaseBit), set_)) {
            last_sent_ = b;
            enqueue(b);
        }
    }
}

bool PS2Keyboard::type_text(std::string_view text) {
    bool all = true;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;  // CR LF is one Enter
        auto stroke = ps2::keystroke_for(text[i]);
        if (!stroke) {
            all = false;
            continue;
        }
        type(*stroke);
    }
    return all;
}

void PS2Keyboard::type(const ps2::Keystroke& k) {
    using ps2::Key;
    if (k.ctrl) press(Key::LeftCtrl);
    if (k.alt) press(Key::LeftAlt);
    if (k.shift) press(Key::LeftShift);
    tap(k.key);
    if (k.shift) release(Key::LeftShift);
    if (k.alt) release(Key::LeftAlt);
    if (k.ctrl) release(Key::LeftCtrl);
}

bool PS2Keyboard::send_keys(std::string_view combos, std::string* error) {
    // Parse everything first, so a typo sends nothing.
    std::vector<std::vector<ps2::Key>> parsed;
    size_t pos = 0;
    while (pos < combos.size()) {
        if (combos[pos] == ' ') {
            ++pos;
            continue;
        }
        size_t end = combos.find(' ', pos);
        if (end == std::string_view::npos) end = combos.size();
        const std::string_view combo = combos.substr(pos, end - pos);
        pos = end;

        std::vector<ps2::Key> keys;
        size_t start = 0;
        while (start < combo.size()) {
            // A separator right at the start of a name is the name itself ("-", "kp-", "kp+").
            size_t sep = combo.find_first_of("-+", start + 1);
            if (sep != std::string_view::npos && combo.substr(start, sep - start) == "kp") sep = combo.find_first_of("-+", sep + 1);
            if (sep == std::string_view::npos) sep = combo.size();
            const std::string_view name = combo.substr(start, sep - start);
            auto key = ps2::key_from_name(name);
            if (!key) {
                if (error) *error = "unknown key '" + std::string(name) + "'";
                return false;
            }
            keys.push_back(*key);
            start = sep + 1;
        }
        parsed.push_back(std::move(keys));
    }
    for (const auto& keys : parsed) {
        for (ps2::Key k : keys) press(k);
        for (auto it = keys.rbegin(); it != keys.rend(); ++it) release(*it);
    }
    return true;
}

}  // namespace amber
