#include "devices/ps2_mouse.hpp"

#include <algorithm>

#include "machine/log.hpp"

namespace amber {

namespace {
constexpr uint8_t kAck = 0xFA, kResend = 0xFE;

// 2:1 scaling as the mouse applies it to each report in stream mode.
int scale_2to1(int d) {
    static constexpr int kSmall[] = {0, 1, 1, 3, 6, 9};
    const int mag = d < 0 ? -d : d;
    const int s = mag <= 5 ? kSmall[mag] : 2 * mag;
    return d < 0 ? -s : s;
}

// Take at most what one packet field can carry off a motion counter.
int take(int32_t& counter, int lo, int hi) {
    const int part = std::clamp<int32_t>(counter, lo, hi);
    counter -= part;
    return part;
}
}  // namespace

PS2Mouse::PS2Mouse() { reset(); }

void PS2Mouse::reset() {
    clear_output();
    set_defaults();
    id_ = 0;
    wrap_ = false;
    awaiting_ = 0;
    buttons_ = 0;
    std::fill(std::begin(rates_), std::end(rates_), 0);
    last_len_ = 0;
}

void PS2Mouse::set_defaults() {
    rate_ = 100;
    resolution_ = 2;
    scaling_2to1_ = false;
    reporting_ = false;
    remote_ = false;  // stream mode
    dx_ = dy_ = dz_ = 0;
}

void PS2Mouse::visit(Archive& ar) {
    visit_output(ar);
    ar.field("id", id_);
    ar.field("rate", rate_);
    ar.field("resolution", resolution_);
    ar.field("scaling_2to1", scaling_2to1_);
    ar.field("reporting", reporting_);
    ar.field("remote", remote_);
    ar.field("wrap", wrap_);
    ar.field("awaiting", awaiting_);
    ar.field("buttons", buttons_);
    for (auto [name, counter] : {std::pair{"dx", &dx_}, std::pair{"dy", &dy_}, std::pair{"dz", &dz_}}) {
        uint32_t v = static_cast<uint32_t>(*counter);
        ar.field(name, v);
        *counter = static_cast<int32_t>(v);
    }
    ar.bytes("rates", rates_);
    ar.bytes("last_packet", last_);
    ar.field("last_len", last_len_);
    if (ar.loading()) last_len_ = std::min<uint8_t>(last_len_, sizeof last_);
}

void PS2Mouse::reply(uint8_t byte) {
    last_[0] = byte;
    last_len_ = 1;
    send(byte);
}

void PS2Mouse::receive(uint8_t byte) {
    if (awaiting_) return argument(byte);
    if (wrap_ && byte != 0xEC && byte != 0xFF) return reply(byte);
    command(byte);
}

void PS2Mouse::command(uint8_t cmd) {
    switch (cmd) {
    case 0xE6: scaling_2to1_ = false; reply(kAck); break;
    case 0xE7: scaling_2to1_ = true; reply(kAck); break;
    case 0xE8:  // resolution
    case 0xF3:  // sample rate
        awaiting_ = cmd;
        reply(kAck);
        break;
    case 0xE9: {
        const uint8_t status = (remote_ ? 0x40 : 0) | (reporting_ ? 0x20 : 0) | (scaling_2to1_ ? 0x10 : 0) |
                               (buttons_ & kLeft ? 4 : 0) | (buttons_ & kMiddle ? 2 : 0) | (buttons_ & kRight ? 1 : 0);
        send(kAck);
        send(status);
        send(resolution_);
        send(rate_);
        break;
    }
    case 0xEA: remote_ = false; dx_ = dy_ = dz_ = 0; reply(kAck); break;
    case 0xEB:  // read data: one packet now, whatever the mode
        send(kAck);
        send_packet();
        break;
    case 0xEC: wrap_ = false; dx_ = dy_ = dz_ = 0; reply(kAck); break;
    case 0xEE: wrap_ = true; dx_ = dy_ = dz_ = 0; reply(kAck); break;
    case 0xF0: remote_ = true; dx_ = dy_ = dz_ = 0; reply(kAck); break;
    case 0xF2:
        send(kAck);
        reply(id_);
        break;
    case 0xF4: reporting_ = true; dx_ = dy_ = dz_ = 0; reply(kAck); break;
    case 0xF5: reporting_ = false; dx_ = dy_ = dz_ = 0; reply(kAck); break;
    case 0xF6: set_defaults(); reply(kAck); break;
    case 0xFE:
        for (unsigned i = 0; i < last_len_; ++i) send(last_[i]);
        break;
    case 0xFF:
        reset();
        send(kAck);
        send(0xAA);
        reply(0x00);
        break;
    default:
        log::get("mouse")->debug("unknown mouse command {:#04x}", cmd);
        reply(kResend);
        break;
    }
}

void PS2Mouse::argument(uint8_t arg) {
    const uint8_t cmd = awaiting_;
    awaiting_ = 0;
    if (cmd == 0xE8) resolution_ = arg & 3;
    else set_rate(arg);
    reply(kAck);
}

void PS2Mouse::set_rate(uint8_t rate) {
    rate_ = rate;
    rates_[0] = rates_[1];
    rates_[1] = rates_[2];
    rates_[2] = rate;
    // The IntelliMouse "knock" sequences.
    if (rates_[0] == 200 && rates_[1] == 100 && rates_[2] == 80 && id_ == 0) id_ = 3;
    else if (rates_[0] == 200 && rates_[1] == 200 && rates_[2] == 80 && id_ == 3) id_ = 4;
}

void PS2Mouse::move(int dx, int dy, uint8_t buttons, int wheel) {
    // Saturate rather than wrap if the host sends something absurd.
    auto add = [](int32_t& c, int d) { c = static_cast<int32_t>(std::clamp<int64_t>(int64_t(c) + d, -(1 << 24), 1 << 24)); };
    add(dx_, dx);
    add(dy_, dy);
    add(dz_, wheel);
    const bool buttons_changed = (buttons & 0x1F) != buttons_;
    buttons_ = buttons & 0x1F;
    if (!reporting_ || remote_ || wrap_) return;
    if (id_ == 0) dz_ = 0;  // a plain mouse has no wheel to report
    // A button change alone is news; motion goes out until all of it is sent.
    bool more = buttons_changed || dx_ || dy_ || dz_;
    while (more) {
        if (queued() >= kMaxQueued) return;  // the guest is not reading: motion waits
        send_packet();
        more = dx_ || dy_ || dz_;
    }
}

void PS2Mouse::send_packet() {
    int x = take(dx_, -256, 255);
    int y = take(dy_, -256, 255);
    const int z = take(dz_, -8, 7);
    if (scaling_2to1_ && !remote_) x = scale_2to1(x), y = scale_2to1(y);
    const bool x_over = x < -256 || x > 255, y_over = y < -256 || y > 255;
    x = std::clamp(x, -256, 255);
    y = std::clamp(y, -256, 255);

    uint8_t p[4];
    p[0] = uint8_t(0x08 | (buttons_ & (kLeft | kRight | kMiddle)) | (x < 0 ? 0x10 : 0) | (y < 0 ? 0x20 : 0) |
                   (x_over ? 0x40 : 0) | (y_over ? 0x80 : 0));
    p[1] = uint8_t(x);
    p[2] = uint8_t(y);
    uint8_t len = 3;
    if (id_ == 3) p[len++] = uint8_t(z);
    else if (id_ == 4) p[len++] = uint8_t((z & 0x0F) | (buttons_ & kButton4 ? 0x10 : 0) | (buttons_ & kButton5 ? 0x20 : 0));
    std::copy(p, p + len, last_);
    last_len_ = len;
    for (unsigned i = 0; i < len; ++i) send(p[i]);
}

}  // namespace amber
