#include "devices/pit8254.hpp"

#include <algorithm>
#include <string>

#include "devices/clock_ratio.hpp"

namespace amber {

namespace {

constexpr uint64_t kNever = Scheduler::kNever;

uint32_t from_bcd(uint16_t v) {
    return (v & 0xF) + ((v >> 4) & 0xF) * 10 + ((v >> 8) & 0xF) * 100 + ((v >> 12) & 0xF) * 1000;
}

uint16_t to_bcd(uint32_t v) {
    return uint16_t((v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12);
}

}  // namespace

Pit8254::Pit8254(IoBus& io, Scheduler& sched, Clock now, IrqLine irq0)
    : io_(io), sched_(sched), now_(std::move(now)), irq0_(std::move(irq0)) {
    edge_event_ = sched_.add_event("pit0", [this](uint64_t t) { on_edge_event(t); });
    io_.map(kBase, 4, this);
    reset();
}

Pit8254::~Pit8254() {
    sched_.cancel(edge_event_);
    io_.unmap(this);
}

uint64_t Pit8254::clock_now() const { return ticks_to_cycles(now_(), sched_.ticks_per_second(), kClockHz); }

void Pit8254::reset() {
    for (unsigned i = 0; i < 3; ++i) {
        Channel& ch = ch_[i];
        bool gate = i == 2 ? ch.gate : true;  // counter 2's gate belongs to port 0x61
        ch = Channel{};
        ch.gate = gate;
        ch.null_until = kNever;
    }
    changed(0, clock_now());
}

void Pit8254::visit(Archive& ar) {
    for (unsigned i = 0; i < 3; ++i) {
        Channel& ch = ch_[i];
        std::string p = "ch" + std::to_string(i) + "_";
        ar.field(p + "control", ch.control);
        ar.field(p + "cr", ch.cr);
        ar.field(p + "cr_low", ch.cr_low);
        ar.field(p + "write_hi", ch.write_hi);
        ar.field(p + "read_hi", ch.read_hi);
        ar.field(p + "latched", ch.latched);
        ar.field(p + "latch_hi", ch.latch_hi);
        ar.field(p + "latch", ch.latch);
        ar.field(p + "status_latched", ch.status_latched);
        ar.field(p + "status", ch.status);
        ar.field(p + "gate", ch.gate);
        ar.field(p + "have_count", ch.have_count);
        ar.field(p + "armed", ch.armed);
        ar.field(p + "running", ch.running);
        ar.field(p + "pre_out", ch.pre_out);
        ar.field(p + "n", ch.n);
        ar.field(p + "load_clock", ch.load_clock);
        ar.field(p + "frozen", ch.frozen);
        ar.field(p + "pending", ch.pending);
        ar.field(p + "pending_n", ch.pending_n);
        ar.field(p + "pending_at", ch.pending_at);
        ar.field(p + "null_until", ch.null_until);
        if (ar.loading()) {
            ch.control &= 0x3F;
            ch.n = std::clamp<uint32_t>(ch.n, 1, 0x10000);
            ch.pending_n = std::clamp<uint32_t>(ch.pending_n, 1, 0x10000);
        }
    }
    ar.field("irq0_level", irq0_level_);
    if (ar.loading()) {
        irq0_.set(irq0_level_);
        changed(0, clock_now());
    }
}

// ---------------------------------------------------------------- counting

void Pit8254::sync(Channel& ch, uint64_t c) {
    if (ch.pending && c >= ch.pending_at) {
        ch.n = ch.pending_n;
        ch.load_clock = ch.pending_at;
        ch.pending = false;
    }
}

// OUT after e clocks of counting from the load.
bool Pit8254::level_at(const Channel& ch, uint64_t e) {
    const uint64_t n = ch.n;
    switch (ch.mode()) {
    case 0:
    case 1: return e >= n;                                   // low until terminal count
    case 2: return n < 2 || e % n != n - 1;                  // low for the clock before reload
    case 3: return n < 2 || e % n < (n + 1) / 2;             // high for the first (bigger) half
    default: return e != n;                                  // 4, 5: one-clock strobe at terminal count
    }
}

bool Pit8254::out_at(const Channel& ch, uint64_t c) {
    if (!ch.armed) return ch.pre_out;
    if (!ch.running) {
        unsigned m = ch.mode();
        return (m == 2 || m == 3) ? true : level_at(ch, ch.frozen);
    }
    if (c < ch.load_clock) return ch.pre_out;
    return level_at(ch, c - ch.load_clock);
}

uint32_t Pit8254::count_at(const Channel& ch, uint64_t c) {
    const uint32_t m = ch.modulus();
    if (!ch.armed) return ch.have_count ? ch.n % m : 0;
    uint64_t e;
    if (!ch.running) e = ch.frozen;
    else if (c < ch.load_clock) return ch.n % m;
    else e = c - ch.load_clock;
    const uint64_t n = ch.n;
    uint64_t v;
    switch (ch.mode()) {
    case 2: v = n - e % n; break;
    case 3: {
        // Counts by two; an odd count spends one extra clock in the high half.
        uint64_t p = e % n;
        if (n % 2 == 0) {
            v = p < n / 2 ? n - 2 * p : n - 2 * (p - n / 2);
        } else {
            uint64_t high = (n + 1) / 2;
            if (p < high) v = p == 0 ? n : n + 1 - 2 * p;
            else v = p == high ? n : n - 1 - 2 * (p - high);
        }
        break;
    }
    default: v = (n + m - e % m) % m; break;  // wraps through zero and keeps counting
    }
    return uint32_t(v % m);
}

// The first clock after c at which OUT changes.
uint64_t Pit8254::next_edge(const Channel& ch, uint64_t c) {
    if (!ch.armed || !ch.running) return kNever;
    uint64_t e;
    if (c < ch.load_clock) {
        if (ch.pre_out != level_at(ch, 0)) return ch.load_clock;
        e = 0;
    } else {
        e = c - ch.load_clock;
    }
    const uint64_t n = ch.n;
    uint64_t next = kNever;
    switch (ch.mode()) {
    case 0:
    case 1:
        if (e < n) next = n;
        break;
    case 2:
        if (n >= 2) next = e % n < n - 1 ? e - e % n + n - 1 : e + 1;
        break;
    case 3:
        if (n >= 2) {
            uint64_t p = e % n, high = (n + 1) / 2;
            next = p < high ? e - p + high : e - p + n;
        }
        break;
    default:
        if (e < n) next = n;
        else if (e == n) next = n + 1;
        break;
    }
    return next == kNever ? kNever : ch.load_clock + next;
}

uint32_t Pit8254::decode_cr(const Channel& ch) const {
    uint32_t v = ch.bcd() ? from_bcd(ch.cr) : ch.cr;
    return v == 0 ? ch.modulus() : v;
}

bool Pit8254::out(unsigned counter) {
    uint64_t c = clock_now();
    Channel& ch = ch_[counter % 3];
    sync(ch, c);
    return out_at(ch, c);
}

// ---------------------------------------------------------------- gate

void Pit8254::set_gate(unsigned counter, bool level) {
    unsigned idx = counter % 3;
    Channel& ch = ch_[idx];
    uint64_t c = clock_now();
    sync(ch, c);
    bool rising = level && !ch.gate;
    bool falling = !level && ch.gate;
    ch.gate = level;
    switch (ch.mode()) {
    case 0:
    case 4:
        // The gate holds the count; counting resumes where it stopped.
        if (falling && ch.armed && ch.running) {
            ch.frozen = c < ch.load_clock ? 0 : c - ch.load_clock;
            ch.running = false;
        } else if (rising && ch.armed && !ch.running) {
            ch.load_clock = c - ch.frozen;
            ch.running = true;
        }
        break;
    case 2:
    case 3:
        // A low gate stops counting with OUT high; a rising gate reloads.
        if (falling && ch.armed) {
            ch.running = false;
            ch.pending = false;
        } else if (rising && ch.have_count) {
            ch.armed = ch.running = true;
            ch.pre_out = true;
            ch.n = decode_cr(ch);
            ch.load_clock = c + 1;
            ch.null_until = std::min(ch.null_until, c + 1);
        }
        break;
    default:
        // Modes 1 and 5: a rising gate (re)starts the count.
        if (rising && ch.have_count) {
            ch.pre_out = out_at(ch, c);
            ch.armed = ch.running = true;
            ch.n = decode_cr(ch);
            ch.load_clock = c + 1;
            ch.null_until = std::min(ch.null_until, c + 1);
        }
        break;
    }
    changed(idx, c);
}

// ---------------------------------------------------------------- ports

uint32_t Pit8254::io_read(uint16_t port, unsigned size) {
    uint32_t v = 0;
    uint64_t c = clock_now();
    for (unsigned i = 0; i < size; ++i) {
        unsigned reg = (port + i - kBase) & 3;
        uint8_t b = reg == 3 ? 0xFF : read_counter(reg, c);  // the control register cannot be read
        v |= uint32_t(b) << (8 * i);
    }
    return v;
}

void Pit8254::io_write(uint16_t port, uint32_t value, unsigned size) {
    uint64_t c = clock_now();
    for (unsigned i = 0; i < size; ++i) {
        unsigned reg = (port + i - kBase) & 3;
        uint8_t b = uint8_t(value >> (8 * i));
        if (reg == 3) write_control(b, c);
        else write_count(reg, b, c);
    }
}

uint8_t Pit8254::status_byte(Channel& ch, uint64_t c) {
    return uint8_t((out_at(ch, c) ? 0x80 : 0) | (c < ch.null_until ? 0x40 : 0) | ch.control);
}

void Pit8254::latch_count(Channel& ch, uint64_t c) {
    if (ch.latched) return;  // a second latch before the first is read is ignored
    uint32_t v = count_at(ch, c);
    ch.latch = ch.bcd() ? to_bcd(v) : uint16_t(v);
    ch.latched = true;
    ch.latch_hi = false;
}

void Pit8254::write_control(uint8_t v, uint64_t c) {
    unsigned sel = v >> 6;
    if (sel == 3) {
        // Read-back: bit 5 clear latches counts, bit 4 clear latches status,
        // bits 1-3 select counters 0-2.
        for (unsigned i = 0; i < 3; ++i) {
            if (!(v & (2u << i))) continue;
            Channel& ch = ch_[i];
            sync(ch, c);
            if (!(v & 0x10) && !ch.status_latched) {
                ch.status = status_byte(ch, c);
                ch.status_latched = true;
            }
            if (!(v & 0x20)) latch_count(ch, c);
        }
        return;
    }
    Channel& ch = ch_[sel];
    sync(ch, c);
    if (((v >> 4) & 3) == 0) {
        latch_count(ch, c);
        return;
    }
    // A control word resets the counter: it waits for a new count, and OUT
    // takes the mode's initial level (low in mode 0, high otherwise).
    bool gate = ch.gate;
    ch = Channel{};
    ch.gate = gate;
    ch.control = v & 0x3F;
    ch.pre_out = ch.mode() != 0;
    ch.null_until = kNever;
    changed(sel, c);
}

void Pit8254::write_count(unsigned idx, uint8_t v, uint64_t c) {
    Channel& ch = ch_[idx];
    sync(ch, c);
    switch (ch.access()) {
    case 1: ch.cr = v; break;
    case 2: ch.cr = uint16_t(v << 8); break;
    default:
        if (!ch.write_hi) {
            ch.cr_low = v;
            ch.write_hi = true;
            if (ch.mode() == 0) {
                // Mode 0: the first byte stops counting and drops OUT at once.
                ch.armed = false;
                ch.pre_out = false;
                changed(idx, c);
            }
            return;
        }
        ch.cr = uint16_t(ch.cr_low | v << 8);
        ch.write_hi = false;
        break;
    }
    load_count(idx, c);
}

void Pit8254::load_count(unsigned idx, uint64_t c) {
    Channel& ch = ch_[idx];
    uint32_t val = decode_cr(ch);
    ch.have_count = true;
    switch (ch.mode()) {
    case 0:
    case 4:
        // Loaded on the next clock; counts while the gate is high.
        ch.pre_out = ch.mode() == 4;
        ch.armed = true;
        ch.n = val;
        ch.running = ch.gate;
        ch.load_clock = c + 1;
        ch.frozen = 0;
        ch.null_until = c + 1;
        break;
    case 2:
    case 3:
        if (ch.armed && ch.running && c >= ch.load_clock) {
            // Counting: the new count waits for the end of the period.
            uint64_t e = c - ch.load_clock;
            ch.pending = true;
            ch.pending_n = val;
            ch.pending_at = ch.load_clock + (e / ch.n + 1) * ch.n;
            ch.null_until = ch.pending_at;
        } else if (ch.armed && ch.running) {
            ch.n = val;  // not loaded yet: it still takes this one
        } else if (!ch.armed && ch.gate) {
            ch.armed = ch.running = true;
            ch.pre_out = true;
            ch.n = val;
            ch.load_clock = c + 1;
            ch.null_until = c + 1;
        } else {
            ch.null_until = kNever;  // the gate's rising edge loads it
        }
        break;
    default:
        ch.null_until = kNever;  // modes 1 and 5 load on the gate trigger
        break;
    }
    changed(idx, c);
}

uint8_t Pit8254::read_counter(unsigned idx, uint64_t c) {
    Channel& ch = ch_[idx];
    sync(ch, c);
    if (ch.status_latched) {
        ch.status_latched = false;
        return ch.status;
    }
    uint16_t v;
    bool* hi_flag;
    if (ch.latched) {
        v = ch.latch;
        hi_flag = &ch.latch_hi;
    } else {
        uint32_t count = count_at(ch, c);
        v = ch.bcd() ? to_bcd(count) : uint16_t(count);
        hi_flag = &ch.read_hi;
    }
    uint8_t b;
    bool done = true;
    switch (ch.access()) {
    case 1: b = uint8_t(v); break;
    case 2: b = uint8_t(v >> 8); break;
    default:
        b = *hi_flag ? uint8_t(v >> 8) : uint8_t(v);
        done = *hi_flag;
        *hi_flag = !*hi_flag;
        break;
    }
    if (ch.latched && done) ch.latched = false;
    return b;
}

// ---------------------------------------------------------------- IRQ 0

void Pit8254::drive_irq0(bool level) {
    if (level == irq0_level_) return;
    irq0_level_ = level;
    irq0_.set(level);
}

void Pit8254::changed(unsigned idx, uint64_t c) {
    if (idx != 0) return;  // only counter 0 is wired to anything that needs an event
    Channel& ch = ch_[0];
    sync(ch, c);
    drive_irq0(out_at(ch, c));
    edge_clock_ = next_edge(ch, c);
    if (edge_clock_ == kNever) sched_.cancel(edge_event_);
    else sched_.schedule(edge_event_, cycles_to_ticks(edge_clock_, sched_.ticks_per_second(), kClockHz));
}

void Pit8254::on_edge_event(uint64_t now_tick) {
    // Play each edge at the PIT clock it belongs to, even when the event
    // runs late, so the interrupt controller sees every rising edge.
    const uint64_t tps = sched_.ticks_per_second();
    Channel& ch = ch_[0];
    uint64_t c = edge_clock_;
    for (int i = 0; i < 8; ++i) {
        sync(ch, c);
        drive_irq0(out_at(ch, c));
        uint64_t next = next_edge(ch, c);
        if (next == kNever) {
            edge_clock_ = kNever;
            return;
        }
        if (cycles_to_ticks(next, tps, kClockHz) > now_tick) {
            edge_clock_ = next;
            sched_.schedule(edge_event_, cycles_to_ticks(next, tps, kClockHz));
            return;
        }
        c = next;
    }
    changed(0, ticks_to_cycles(now_tick, tps, kClockHz));  // far behind: catch up to now
}

}  // namespace amber
