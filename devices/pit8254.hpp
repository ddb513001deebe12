// The Intel 8254 programmable interval timer at 0x40-0x43: three 16-bit
// down-counters clocked at 1.193182 MHz. On the PC, counter 0 drives IRQ 0,
// counter 1 once paced DRAM refresh, counter 2 feeds the speaker (its gate
// and output live in system control port B, 0x61).
//
// Nothing runs per instruction: each counter remembers the PIT clock at which
// its count was loaded, and the count and OUT are computed from the elapsed
// clocks when read. Counter 0 schedules an event for its next OUT edge and
// drives IRQ 0 with it. The PIT clock is derived from virtual time
// (ticks_per_second), so a guest sees the same counts on every host.
//
// Modelled: modes 0-5, binary and BCD counting, LSB/MSB/LSB-then-MSB access,
// counter latch, read-back (count and status, null count), gate inputs
// (level gating in modes 0, 2, 3, 4; triggers in 1, 2, 3, 5), a new count
// taking effect at the next reload in modes 2 and 3.
//
// Simplified: in mode 3 a new count takes effect at the end of the current
// full period (the datasheet says the current half-cycle); a count is loaded
// one clock after it is written, as on the chip, and reads in that clock
// return the new count.
#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include "devices/irq_line.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"

namespace amber {

class Pit8254 final : public Device, public IoHandler {
public:
    static constexpr uint16_t kBase = 0x40;
    static constexpr uint64_t kClockHz = 1'193'182;
    using Clock = std::function<uint64_t()>;  // the current virtual tick

    Pit8254(IoBus& io, Scheduler& sched, Clock now, IrqLine irq0 = {});
    ~Pit8254() override;

    std::string_view name() const override { return "pit8254"; }
    void reset() override;
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    // Gate inputs (counters 0 and 1 are tied high on the PC; counter 2's
    // gate is port 0x61 bit 0).
    void set_gate(unsigned counter, bool level);
    bool gate(unsigned counter) const { return ch_[counter % 3].gate; }
    // OUT of a counter now.
    bool out(unsigned counter);
    // The PIT clocks elapsed since tick 0.
    uint64_t clock_now() const;

private:
    struct Channel {
        uint8_t control = 0x30;  // RW1 RW0 M2 M1 M0 BCD of the last control word
        uint16_t cr = 0;         // count register, as written
        uint8_t cr_low = 0;      // LSB of a two-byte write in progress
        bool write_hi = false;   // the next write is the MSB
        bool read_hi = false;    // the next (unlatched) read is the MSB
        bool latched = false;    // counter latch holds a count
        bool latch_hi = false;
        uint16_t latch = 0;
        bool status_latched = false;
        uint8_t status = 0;
        bool gate = true;
        bool have_count = false;  // a count was written since the control word
        bool armed = false;       // the counting element holds a count
        bool running = false;     // counting (not held by a low gate)
        bool pre_out = false;     // OUT until load_clock (or while not armed)
        uint32_t n = 0x10000;     // the count in effect (1..65536)
        uint64_t load_clock = 0;  // PIT clock at which the count was loaded
        uint64_t frozen = 0;      // elapsed clocks while held by the gate
        bool pending = false;     // modes 2/3: a new count waits for the reload
        uint32_t pending_n = 0;
        uint64_t pending_at = 0;
        uint64_t null_until = 0;  // status "null count" until this clock

        unsigned mode() const {
            unsigned m = (control >> 1) & 7;
            return m >= 6 ? m - 4 : m;
        }
        unsigned access() const { return (control >> 4) & 3; }
        bool bcd() const { return control & 1; }
        uint32_t modulus() const { return bcd() ? 10000 : 0x10000; }
    };

    void write_control(uint8_t v, uint64_t c);
    void write_count(unsigned idx, uint8_t v, uint64_t c);
    void load_count(unsigned idx, uint64_t c);
    uint8_t read_counter(unsigned idx, uint64_t c);
    void latch_count(Channel& ch, uint64_t c);
    uint8_t status_byte(Channel& ch, uint64_t c);

    static void sync(Channel& ch, uint64_t c);  // apply a pending count that is due
    static bool level_at(const Channel& ch, uint64_t e);
    static bool out_at(const Channel& ch, uint64_t c);
    static uint32_t count_at(const Channel& ch, uint64_t c);
    static uint64_t next_edge(const Channel& ch, uint64_t c);  // kNever if none
    uint32_t decode_cr(const Channel& ch) const;

    void changed(unsigned idx, uint64_t c);  // counter 0: drive IRQ 0 and schedule its next edge
    void drive_irq0(bool level);
    void on_edge_event(uint64_t now_tick);

    IoBus& io_;
    Scheduler& sched_;
    Clock now_;
    IrqLine irq0_;
    Scheduler::EventId edge_event_;
    uint64_t edge_clock_ = 0;  // the PIT clock the scheduled event stands for
    bool irq0_level_ = false;
    std::array<Channel, 3> ch_{};
};

}  // namespace amber
