// A PS/2 mouse with the IntelliMouse wheel extensions: the device behind
// the 8042's auxiliary port.
//
// Commands, each answered with ACK (FA) first:
//   FF reset (AA 00 follow)   F6 defaults   F5/F4 disable/enable reporting
//   F3 n sample rate: the rates 200,100,80 in a row turn on the wheel
//        (id 3, 4-byte packets), then 200,200,80 the five-button mode (id 4)
//   F2 identify (the id)   E8 n resolution   E6/E7 scaling 1:1 / 2:1
//   E9 status (3 bytes)   EA stream mode   F0 remote mode   EB read data
//   EE wrap mode (echo every byte but EC and FF)   EC leave wrap mode
//   FE resend the last packet or byte   anything else: FE (no ACK)
//
// Host input: move(dx, dy, buttons, wheel) with dy positive = up. In stream
// mode with reporting on, a packet goes out at once (a large move becomes
// several packets, so no motion is lost); otherwise motion adds up for the
// next read-data command.
#pragma once
#include <cstdint>
#include <string_view>

#include "devices/ps2_device.hpp"

namespace amber {

class PS2Mouse final : public PS2Device {
public:
    // Button bits for move().
    static constexpr uint8_t kLeft = 1, kRight = 2, kMiddle = 4, kButton4 = 8, kButton5 = 16;

    PS2Mouse();

    std::string_view name() const override { return "ps2-mouse"; }
    void reset() override;
    void visit(Archive& ar) override;
    void receive(uint8_t byte) override;

    void move(int dx, int dy, uint8_t buttons, int wheel = 0);
    void set_buttons(uint8_t buttons) { move(0, 0, buttons); }

    uint8_t id() const { return id_; }
    bool reporting() const { return reporting_; }
    uint8_t sample_rate() const { return rate_; }
    uint8_t resolution() const { return resolution_; }

private:
    void set_defaults();
    void command(uint8_t cmd);
    void argument(uint8_t arg);
    void set_rate(uint8_t rate);
    void send_packet();  // from the accumulated motion
    void reply(uint8_t byte);

    static constexpr size_t kMaxQueued = 4096;  // bytes; beyond it motion waits in the counters

    // ---- modelled state (visit) ----
    uint8_t id_ = 0;            // 0 plain, 3 wheel, 4 wheel + 5 buttons
    uint8_t rate_ = 100;        // samples per second
    uint8_t resolution_ = 2;    // 4 counts/mm
    bool scaling_2to1_ = false;
    bool reporting_ = false;
    bool remote_ = false;
    bool wrap_ = false;
    uint8_t awaiting_ = 0;      // command whose argument comes next
    uint8_t buttons_ = 0;
    int32_t dx_ = 0, dy_ = 0, dz_ = 0;  // motion not yet sent
    uint8_t rates_[3] = {};     // the last three sample rates, newest last
    uint8_t last_[4] = {};      // the last packet (or single byte) sent, for resend
    uint8_t last_len_ = 0;
};

}  // namespace amber
