// The Motorola MC146818 real-time clock with its 128 bytes of CMOS RAM, at
// ports 0x70 (index; bit 7 masks NMI) and 0x71 (data). Bytes 0x00-0x0D are the
// clock (time, alarm, registers A-D); 0x0E-0x7F are battery-backed RAM the
// BIOS fills (see cmos_layout.hpp for the PC's layout).
//
// Time is virtual: the clock starts at a Unix time given to the constructor
// and advances with the scheduler's ticks, never with the host clock. The
// clock registers hold raw bytes as the chip does (BCD or binary, 12- or
// 24-hour, as register B said when they were written), and are brought up to
// date lazily, second by second, whenever they are looked at. Events are
// scheduled only while an interrupt needs them (periodic, alarm or
// update-ended enabled).
//
// Modelled: registers A-D, the divider (only the 32.768 kHz setting runs;
// leaving divider reset starts the first update half a second later),
// BCD/binary and 12/24-hour, SET (no updates; clears UIE), UIP during the
// 244 us before each update, the periodic rate from register A, alarm with
// don't-care bytes, update-ended, IRQF and the flags in register C cleared on
// read, VRT in register D. The day-of-week byte is advanced but not checked.
//
// Not modelled: daylight-saving (DSE) and the square-wave output (SQWE is
// stored only); the update itself takes no time.
#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include "devices/irq_line.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"

namespace amber {

namespace rtc {
constexpr uint8_t SECONDS = 0x00, SECONDS_ALARM = 0x01, MINUTES = 0x02, MINUTES_ALARM = 0x03;
constexpr uint8_t HOURS = 0x04, HOURS_ALARM = 0x05, DAY_OF_WEEK = 0x06, DAY_OF_MONTH = 0x07;
constexpr uint8_t MONTH = 0x08, YEAR = 0x09, REG_A = 0x0A, REG_B = 0x0B, REG_C = 0x0C, REG_D = 0x0D;
constexpr uint8_t A_UIP = 0x80, A_DV_MASK = 0x70, A_DV_32K = 0x20, A_RS_MASK = 0x0F;
constexpr uint8_t B_SET = 0x80, B_PIE = 0x40, B_AIE = 0x20, B_UIE = 0x10, B_SQWE = 0x08;
constexpr uint8_t B_BINARY = 0x04, B_24H = 0x02, B_DSE = 0x01;
constexpr uint8_t C_IRQF = 0x80, C_PF = 0x40, C_AF = 0x20, C_UF = 0x10;
constexpr uint8_t D_VRT = 0x80;
}  // namespace rtc

class RtcCmos final : public Device, public IoHandler {
public:
    static constexpr uint16_t kIndexPort = 0x70, kDataPort = 0x71;
    static constexpr uint8_t kCenturyIndex = 0x32;
    using Clock = std::function<uint64_t()>;  // the current virtual tick

    // start_unix_seconds: the wall-clock time at the tick `now()` returns
    // during construction. The century byte (0x32) is set from it too.
    RtcCmos(IoBus& io, Scheduler& sched, Clock now, int64_t start_unix_seconds, IrqLine irq8 = {});
    ~RtcCmos() override;

    std::string_view name() const override { return "rtc_cmos"; }
    // The chip's RESET pin: interrupt enables and flags clear; time and RAM stay.
    void reset() override;
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    // Byte access for the board and the debugger: no side effects on read
    // (register C keeps its flags); writes to 0x00-0x0D act as a guest
    // write would, the rest are stored as they are. Indices wrap at 128.
    uint8_t nvram(uint8_t index);
    void set_nvram(uint8_t index, uint8_t v);

    bool nmi_masked() const { return nmi_masked_; }
    bool irq_level() const { return irq_level_; }

private:
    uint8_t read_register(uint8_t index, uint64_t t);
    void write_register(uint8_t index, uint8_t v, uint64_t t);

    bool divider_running() const { return (cmos_[rtc::REG_A] & rtc::A_DV_MASK) == rtc::A_DV_32K; }
    uint64_t periodic_hz() const;  // 0: periodic interrupt off
    uint64_t periodic_edges(uint64_t t) const;
    uint64_t updates_by(uint64_t t) const;  // update boundaries since the chain started
    uint64_t update_tick(uint64_t k) const;
    bool update_in_progress(uint64_t t) const;

    void sync(uint64_t t);              // run the updates and periodic edges due by t
    void advance_one_second();
    void advance_seconds(uint64_t n);   // without alarm checks
    bool alarm_matches() const;
    void update_irq();
    void reschedule(uint64_t t);

    IoBus& io_;
    Scheduler& sched_;
    Clock now_;
    IrqLine irq8_;
    Scheduler::EventId update_event_, periodic_event_;

    // ---- modelled state (visit) ----
    std::array<uint8_t, 128> cmos_{};
    uint8_t index_ = 0;
    bool nmi_masked_ = false;
    uint64_t chain_origin_ = 0;   // tick the divider chain counts from (updates at origin + k s)
    uint64_t updates_done_ = 0;   // update boundaries already applied
    uint64_t periodic_seen_ = 0;  // periodic edges already reflected in PF
    bool irq_level_ = false;
};

}  // namespace amber
