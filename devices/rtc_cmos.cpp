#include "devices/rtc_cmos.hpp"

#include "devices/clock_ratio.hpp"

namespace amber {

using namespace rtc;

namespace {

constexpr uint64_t kNever = Scheduler::kNever;
constexpr uint64_t kSecondsPerDay = 86'400;
constexpr uint64_t kUipNs = 244'000;  // UIP rises this long before an update

uint8_t to_bcd(unsigned v) { return uint8_t((v / 10 % 10) << 4 | v % 10); }
unsigned from_bcd(uint8_t v) { return (v >> 4) * 10 + (v & 0xF); }

// The chip only knows two-digit years: every fourth one is a leap year.
unsigned days_in_month(unsigned month, unsigned year) {
    static constexpr uint8_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 31;
    return kDays[month - 1] + (month == 2 && year % 4 == 0);
}

struct CivilTime {
    int64_t year;
    unsigned month, day, hour, minute, second, weekday;  // weekday 1 = Sunday
};

// Proleptic Gregorian calendar from days since 1970-01-01 (era arithmetic,
// exact for negative days too).
CivilTime civil_from_unix(int64_t secs) {
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    CivilTime c{};
    c.hour = unsigned(sod / 3600);
    c.minute = unsigned(sod / 60 % 60);
    c.second = unsigned(sod % 60);
    c.weekday = unsigned(((days + 4) % 7 + 7) % 7) + 1;  // 1970-01-01 was a Thursday
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    c.day = unsigned(doy - (153 * mp + 2) / 5 + 1);
    c.month = unsigned(mp < 10 ? mp + 3 : mp - 9);
    c.year = yoe + era * 400 + (c.month <= 2);
    return c;
}

}  // namespace

RtcCmos::RtcCmos(IoBus& io, Scheduler& sched, Clock now, int64_t start_unix_seconds, IrqLine irq8)
    : io_(io), sched_(sched), now_(std::move(now)), irq8_(std::move(irq8)) {
    update_event_ = sched_.add_event("rtc-update", [this](uint64_t t) {
        sync(t);
        reschedule(t);
    });
    periodic_event_ = sched_.add_event("rtc-periodic", [this](uint64_t t) {
        sync(t);
        reschedule(t);
    });
    io_.map(kIndexPort, 2, this);

    CivilTime c = civil_from_unix(start_unix_seconds);
    cmos_[SECONDS] = to_bcd(c.second);
    cmos_[MINUTES] = to_bcd(c.minute);
    cmos_[HOURS] = to_bcd(c.hour);
    cmos_[DAY_OF_WEEK] = to_bcd(c.weekday);
    cmos_[DAY_OF_MONTH] = to_bcd(c.day);
    cmos_[MONTH] = to_bcd(c.month);
    int64_t year = c.year < 0 ? 0 : c.year;
    cmos_[YEAR] = to_bcd(unsigned(year % 100));
    cmos_[kCenturyIndex] = to_bcd(unsigned(year / 100 % 100));
    cmos_[REG_A] = A_DV_32K | 0x06;  // 32.768 kHz, 1024 Hz periodic rate
    cmos_[REG_B] = B_24H;
    cmos_[REG_D] = D_VRT;
    chain_origin_ = now_();  // the start second begins now
    reset();
}

RtcCmos::~RtcCmos() {
    sched_.cancel(update_event_);
    sched_.cancel(periodic_event_);
    io_.unmap(this);
}

void RtcCmos::reset() {
    uint64_t t = now_();
    sync(t);
    cmos_[REG_B] &= uint8_t(~(B_PIE | B_AIE | B_UIE | B_SQWE));
    cmos_[REG_C] = 0;
    nmi_masked_ = false;
    index_ = 0;
    update_irq();
    reschedule(t);
}

void RtcCmos::visit(Archive& ar) {
    ar.bytes("cmos", cmos_);
    ar.field("index", index_);
    ar.field("nmi_masked", nmi_masked_);
    ar.field("chain_origin", chain_origin_);
    ar.field("updates_done", updates_done_);
    ar.field("periodic_seen", periodic_seen_);
    ar.field("irq_level", irq_level_);
    if (ar.loading()) {
        index_ &= 0x7F;
        irq8_.set(irq_level_);
        update_irq();
        reschedule(now_());
    }
}

// ---------------------------------------------------------------- timing

uint64_t RtcCmos::updates_by(uint64_t t) const {
    return t < chain_origin_ ? 0 : (t - chain_origin_) / sched_.ticks_per_second();
}

uint64_t RtcCmos::update_tick(uint64_t k) const { return chain_origin_ + k * sched_.ticks_per_second(); }

uint64_t RtcCmos::periodic_hz() const {
    unsigned rs = cmos_[REG_A] & A_RS_MASK;
    if (rs == 0 || !divider_running()) return 0;
    if (rs <= 2) rs += 7;  // rates 1 and 2 repeat 8 and 9 at 32.768 kHz
    return 32768u >> (rs - 1);
}

uint64_t RtcCmos::periodic_edges(uint64_t t) const {
    uint64_t hz = periodic_hz();
    if (!hz || t < chain_origin_) return 0;
    return ticks_to_cycles(t - chain_origin_, sched_.ticks_per_second(), hz);
}

bool RtcCmos::update_in_progress(uint64_t t) const {
    if (!divider_running() || (cmos_[REG_B] & B_SET)) return false;
    uint64_t next = update_tick(updates_by(t) + 1);
    return next - t <= sched_.ns_to_ticks(kUipNs);
}

void RtcCmos::sync(uint64_t t) {
    if (!divider_running()) return;
    uint64_t k = updates_by(t);
    if (k > updates_done_) {
        uint64_t missed = k - updates_done_;
        updates_done_ = k;
        if (!(cmos_[REG_B] & B_SET)) {
            // An alarm that can match at all matches within a day, so only
            // the last day of a long gap is walked second by second.
            if (missed > kSecondsPerDay) {
                advance_seconds(missed - kSecondsPerDay);
                missed = kSecondsPerDay;
            }
            for (uint64_t i = 0; i < missed; ++i) {
                advance_one_second();
                if (alarm_matches()) cmos_[REG_C] |= C_AF;
            }
            cmos_[REG_C] |= C_UF;
        }
    }
    uint64_t edges = periodic_edges(t);
    if (edges > periodic_seen_) {
        periodic_seen_ = edges;
        cmos_[REG_C] |= C_PF;
    }
    update_irq();
}

void RtcCmos::update_irq() {
    uint8_t active = cmos_[REG_C] & cmos_[REG_B] & (C_PF | C_AF | C_UF);
    if (active) cmos_[REG_C] |= C_IRQF;
    else cmos_[REG_C] &= uint8_t(~C_IRQF);
    bool level = active != 0;
    if (level != irq_level_) {
        irq_level_ = level;
        irq8_.set(level);
    }
}

void RtcCmos::reschedule(uint64_t t) {
    uint8_t b = cmos_[REG_B];
    bool running = divider_running();
    if (running && !(b & B_SET) && (b & (B_UIE | B_AIE)))
        sched_.schedule(update_event_, update_tick(updates_by(t) + 1));
    else
        sched_.cancel(update_event_);
    uint64_t hz = periodic_hz();
    if (hz && (b & B_PIE)) {
        uint64_t next = periodic_edges(t) + 1;
        sched_.schedule(periodic_event_, chain_origin_ + cycles_to_ticks(next, sched_.ticks_per_second(), hz));
    } else {
        sched_.cancel(periodic_event_);
    }
}

// ---------------------------------------------------------------- calendar

void RtcCmos::advance_one_second() {
    const bool binary = cmos_[REG_B] & B_BINARY;
    const bool h24 = cmos_[REG_B] & B_24H;
    auto get = [&](uint8_t i) { return binary ? unsigned(cmos_[i]) : from_bcd(cmos_[i]); };
    auto put = [&](uint8_t i, unsigned v) { cmos_[i] = binary ? uint8_t(v) : to_bcd(v); };

    if (unsigned s = get(SECONDS) + 1; s < 60) return put(SECONDS, s);
    put(SECONDS, 0);
    if (unsigned m = get(MINUTES) + 1; m < 60) return put(MINUTES, m);
    put(MINUTES, 0);

    // Hours: 24-hour 0-23, or 12-hour 1-12 with bit 7 for PM.
    uint8_t raw = cmos_[HOURS];
    unsigned h = binary ? unsigned(raw & 0x7F) : from_bcd(raw & 0x7F);
    unsigned h24v = h24 ? h : h % 12 + ((raw & 0x80) ? 12 : 0);
    h24v += 1;
    bool new_day = h24v >= 24;
    if (new_day) h24v = 0;
    if (h24) {
        put(HOURS, h24v);
    } else {
        unsigned h12 = h24v % 12 == 0 ? 12 : h24v % 12;
        cmos_[HOURS] = uint8_t((binary ? h12 : to_bcd(h12)) | (h24v >= 12 ? 0x80 : 0));
    }
    if (!new_day) return;

    put(DAY_OF_WEEK, get(DAY_OF_WEEK) % 7 + 1);
    unsigned year = get(YEAR) % 100;
    unsigned month = get(MONTH);
    unsigned day = get(DAY_OF_MONTH) + 1;
    if (day <= days_in_month(month, year)) return put(DAY_OF_MONTH, day);
    put(DAY_OF_MONTH, 1);
    if (++month <= 12) return put(MONTH, month);
    put(MONTH, 1);
    put(YEAR, (year + 1) % 100);
}

void RtcCmos::advance_seconds(uint64_t n) {
    // Whole days first, then the remaining seconds.
    while (n >= kSecondsPerDay) {
        // 86400 single steps would be slow for long gaps: step 23:59:59 ahead
        // by rewriting the time of day, then one second to roll the date.
        uint8_t s = cmos_[SECONDS], m = cmos_[MINUTES], h = cmos_[HOURS];
        const bool binary = cmos_[REG_B] & B_BINARY;
        cmos_[SECONDS] = binary ? 59 : 0x59;
        cmos_[MINUTES] = binary ? 59 : 0x59;
        cmos_[HOURS] = uint8_t((cmos_[REG_B] & B_24H) ? (binary ? 23 : 0x23) : ((binary ? 11 : 0x11) | 0x80));
        advance_one_second();  // midnight of the next day
        cmos_[SECONDS] = s, cmos_[MINUTES] = m, cmos_[HOURS] = h;
        n -= kSecondsPerDay;
    }
    for (; n; --n) advance_one_second();
}

bool RtcCmos::alarm_matches() const {
    static constexpr uint8_t kPairs[3][2] = {{SECONDS_ALARM, SECONDS}, {MINUTES_ALARM, MINUTES}, {HOURS_ALARM, HOURS}};
    for (auto [alarm, time] : kPairs) {
        uint8_t a = cmos_[alarm];
        if ((a & 0xC0) == 0xC0) continue;  // don't care
        if (a != cmos_[time]) return false;
    }
    return true;
}

// ---------------------------------------------------------------- registers

uint8_t RtcCmos::read_register(uint8_t index, uint64_t t) {
    sync(t);
    switch (index) {
    case REG_A: return uint8_t(cmos_[REG_A] | (update_in_progress(t) ? A_UIP : 0));
    case REG_C: {
        uint8_t v = cmos_[REG_C];
        cmos_[REG_C] = 0;  // reading clears every flag and drops the interrupt
        update_irq();
        return v;
    }
    case REG_D: return D_VRT;
    default: return cmos_[index];
    }
}

void RtcCmos::write_register(uint8_t index, uint8_t v, uint64_t t) {
    sync(t);
    switch (index) {
    case REG_A: {
        bool was_running = divider_running();
        uint8_t old_rate = cmos_[REG_A] & A_RS_MASK;
        cmos_[REG_A] = v & 0x7F;  // UIP is read-only
        bool running = divider_running();
        if (running && !was_running) {
            // Leaving divider reset: the first update comes half a second later.
            chain_origin_ = t >= sched_.ticks_per_second() / 2 ? t - sched_.ticks_per_second() / 2 : 0;
            updates_done_ = updates_by(t);
            periodic_seen_ = periodic_edges(t);
        } else if (running && (v & A_RS_MASK) != old_rate) {
            periodic_seen_ = periodic_edges(t);
        }
        break;
    }
    case REG_B:
        if (v & B_SET) v &= uint8_t(~B_UIE);
        cmos_[REG_B] = v;
        update_irq();
        break;
    case REG_C:
    case REG_D: break;  // read-only
    default: cmos_[index] = v; break;
    }
    reschedule(t);
}

uint8_t RtcCmos::nvram(uint8_t index) {
    index &= 0x7F;
    uint64_t t = now_();
    sync(t);
    if (index == REG_A) return uint8_t(cmos_[REG_A] | (update_in_progress(t) ? A_UIP : 0));
    return cmos_[index];
}

void RtcCmos::set_nvram(uint8_t index, uint8_t v) {
    index &= 0x7F;
    if (index <= REG_D) write_register(index, v, now_());
    else cmos_[index] = v;
}

uint32_t RtcCmos::io_read(uint16_t port, unsigned size) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
        uint16_t p = uint16_t(port + i);
        // The index port is write-only on the PC; reads see the index latch.
        uint8_t b = p == kIndexPort ? uint8_t(index_ | (nmi_masked_ ? 0x80 : 0)) : read_register(index_, now_());
        v |= uint32_t(b) << (8 * i);
    }
    return v;
}

void RtcCmos::io_write(uint16_t port, uint32_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) {
        uint16_t p = uint16_t(port + i);
        uint8_t b = uint8_t(value >> (8 * i));
        if (p == kIndexPort) {
            index_ = b & 0x7F;
            nmi_masked_ = b & 0x80;
        } else {
            write_register(index_, b, now_());
        }
    }
}

}  // namespace amber
