#include "devices/piix4_pm.hpp"

#include "devices/clock_ratio.hpp"
#include "machine/log.hpp"

namespace amber {

namespace {
constexpr uint32_t kApmcEn = 1u << 25;  // DEVACTB: SMI on writes to the APM control port
constexpr uint16_t kHotplugPorts = 16, kGpePorts = 4;
constexpr uint16_t kSciSources = Piix4Pm::kTmrOf | Piix4Pm::kGbl | Piix4Pm::kPwrBtn | Piix4Pm::kRtc;
constexpr uint16_t kControlWritable = 0x1C07;  // SCI_EN, BM_RLD, GBL_RLS, SLP_TYP
}  // namespace

Piix4Pm::Piix4Pm(IoBus& io, Scheduler& sched, Now now, IrqLine sci, std::function<void()> power_off, Config cfg)
    : PciFunction(0x8086, 0x7113, 0x068000, 0x03), io_(io), sched_(sched), now_(std::move(now)), sci_(std::move(sci)),
      power_off_(std::move(power_off)), cfg_(cfg) {
    define_reg(pci::STATUS, 2, 0x0280, 0, 0x7800);
    define_reg(kPmBase, 4, 0x00000001, 0x0000FFC0);  // I/O space indicator, base in 15:6
    define_reg(kDevActB, 4, kApmcEn, 0xFFFFFFFF & ~kApmcEn);
    // Decode enables of the legacy ports, read by the DSDT's _STA methods.
    define_reg(kDevResA, 4, cfg_.lpt ? 0x80000000u : 0, 0xFFFFFFFF);
    define_reg(kDevResC, 4, (cfg_.com1 ? 0x08000000u : 0) | (cfg_.com2 ? 0x80000000u : 0), 0xFFFFFFFF);
    define_reg(kPmRegMisc, 1, 0x00, 0x01);
    define_reg(kSmbBase, 4, 0x00000001, 0x0000FFF0);
    define_reg(kSmbHostCfg, 1, 0x00, 0x0F);
    overflow_event_ = sched_.add_event("pm-timer-overflow", [this](uint64_t) {
        update_sci();
        schedule_overflow();
    });
    remap();
}

Piix4Pm::~Piix4Pm() { io_.unmap(this); }

void Piix4Pm::reset() {
    reset_config();
    status_ = enable_ = control_ = gpe_enable_ = 0;
    apm_status_ = 0;
    tmrof_seen_ = timer_cycles() >> 23;
    remap();
    update_sci();
    schedule_overflow();
}

void Piix4Pm::visit(Archive& ar) {
    visit_config(ar);
    ar.field("pm1_status", status_);
    ar.field("pm1_enable", enable_);
    ar.field("pm1_control", control_);
    ar.field("tmrof_seen", tmrof_seen_);
    ar.field("gpe0_enable", gpe_enable_);
    ar.field("apm_status", apm_status_);
    if (ar.loading()) {
        remap();
        update_sci();
        schedule_overflow();
    }
}

void Piix4Pm::enable_pm_block(uint16_t base) {
    config_write(pci::INTERRUPT_LINE, kSciIrq, 1);
    config_write(kPmBase, base | 1u, 4);
    config_write(kPmRegMisc, 0x01, 1);
}

void Piix4Pm::press_power_button() {
    status_ |= kPwrBtn;
    update_sci();
}

uint64_t Piix4Pm::timer_cycles() const { return ticks_to_cycles(now_(), sched_.ticks_per_second(), kTimerHz); }

uint32_t Piix4Pm::timer() const { return static_cast<uint32_t>(timer_cycles() & 0xFFFFFF); }

uint16_t Piix4Pm::pm1_status() const {
    // The timer's MSB toggled since the guest last cleared TMROF_STS.
    const bool overflowed = (timer_cycles() >> 23) != tmrof_seen_;
    return static_cast<uint16_t>(status_ | (overflowed ? kTmrOf : 0));
}

void Piix4Pm::device_config_written(uint8_t offset, unsigned size) {
    auto touches = [&](uint8_t reg, unsigned len) { return offset < reg + len && offset + size > reg; };
    if (touches(kPmBase, 4) || touches(kPmRegMisc, 1)) remap();
}

void Piix4Pm::remap() {
    io_.unmap(this);
    mapped_ = 0;
    auto claim = [this](uint16_t first, uint16_t count) {
        for (uint32_t p = first; p < uint32_t(first) + count; ++p)
            if (io_.handler_at(static_cast<uint16_t>(p))) return false;
        io_.map(first, count, this);
        return true;
    };
    claim(kApmControl, 2);
    claim(kGpe0Base, kGpePorts);
    claim(kHotplugBase, kHotplugPorts);
    const uint16_t base = static_cast<uint16_t>(cfg32(kPmBase) & 0xFFC0);
    if ((cfg8(kPmRegMisc) & 1) && base) {
        // A guest may point PMBA anywhere; a block that would overlap another
        // device (or the fixed ports above) is simply not decoded.
        if (claim(base, kBlockSize)) {
            mapped_ = base;
            log::get("acpi")->debug("PM registers at {:#x}", base);
        } else {
            log::get("acpi")->warn("PM register block at {:#x} overlaps other ports: not decoded", base);
        }
    }
}

void Piix4Pm::update_sci() {
    const bool level = (control_ & kSciEn) && (pm1_status() & enable_ & kSciSources);
    if (level == sci_level_) return;
    sci_level_ = level;
    sci_.set(level);
}

void Piix4Pm::schedule_overflow() {
    // Only an enabled overflow can raise the SCI; otherwise the status bit is
    // derived when read and no event is needed.
    if (!(enable_ & kTmrOf) || !(control_ & kSciEn)) {
        sched_.cancel(overflow_event_);
        return;
    }
    const uint64_t next = ((timer_cycles() >> 23) + 1) << 23;
    sched_.schedule(overflow_event_, cycles_to_ticks(next, sched_.ticks_per_second(), kTimerHz));
}

uint32_t Piix4Pm::io_read(uint16_t port, unsigned size) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint32_t(read_byte(static_cast<uint16_t>(port + i))) << (8 * i);
    return v;
}

void Piix4Pm::io_write(uint16_t port, uint32_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) write_byte(static_cast<uint16_t>(port + i), static_cast<uint8_t>(value >> (8 * i)));
}

uint8_t Piix4Pm::read_byte(uint16_t port) {
    if (port == kApmControl) return 0;
    if (port == kApmStatus) return apm_status_;
    if (port >= kGpe0Base && port < kGpe0Base + kGpePorts) {
        const unsigned off = port - kGpe0Base;
        return off < 2 ? 0 : static_cast<uint8_t>(gpe_enable_ >> (8 * (off - 2)));
    }
    if (port >= kHotplugBase && port < kHotplugBase + kHotplugPorts) return 0;
    if (!mapped_ || port < mapped_ || port >= mapped_ + kBlockSize) return 0xFF;
    const unsigned off = port - mapped_;
    auto byte_of = [off](uint32_t reg, unsigned at) { return static_cast<uint8_t>(reg >> (8 * (off - at))); };
    if (off < 2) return byte_of(pm1_status(), kPm1Status);
    if (off < 4) return byte_of(enable_, kPm1Enable);
    if (off < 6) return byte_of(control_, kPm1Control);
    if (off >= kPmTimer && off < kPmTimer + 4) return byte_of(timer(), kPmTimer);
    return 0;
}

void Piix4Pm::write_byte(uint16_t port, uint8_t value) {
    if (port == kApmControl) {
        // What the firmware's SMI handler would do on a PIIX4 (ACPI 3.0, 4.7.2.5).
        if (value == kAcpiEnable) control_ |= kSciEn;
        if (value == kAcpiDisable) control_ &= static_cast<uint16_t>(~kSciEn);
        update_sci();
        schedule_overflow();
        return;
    }
    if (port == kApmStatus) {
        apm_status_ = value;
        return;
    }
    if (port >= kGpe0Base && port < kGpe0Base + kGpePorts) {
        const unsigned off = port - kGpe0Base;
        if (off >= 2) {
            const unsigned shift = 8 * (off - 2);
            gpe_enable_ = static_cast<uint16_t>((gpe_enable_ & ~(0xFFu << shift)) | (uint32_t(value) << shift));
        }
        return;
    }
    if (!mapped_ || port < mapped_ || port >= mapped_ + kBlockSize) return;  // hot-plug ports: ignored
    const unsigned off = port - mapped_;
    const unsigned shift = 8 * (off & 1);
    const uint16_t bits = static_cast<uint16_t>(value << shift);
    const uint16_t lane = static_cast<uint16_t>(0xFF << shift);
    if (off < 2) {
        // Write 1 to clear; TMROF is cleared by acknowledging the toggles so far.
        if (bits & kTmrOf) tmrof_seen_ = timer_cycles() >> 23;
        status_ &= static_cast<uint16_t>(~(bits & (kSciSources | kWak)));
    } else if (off < 4) {
        enable_ = static_cast<uint16_t>((enable_ & ~lane) | (bits & kSciSources));
    } else if (off < 6) {
        control_ = static_cast<uint16_t>((control_ & ~(lane & kControlWritable)) | (bits & kControlWritable));
        if (bits & kSlpEn) {
            const unsigned type = (control_ >> 10) & 7;
            log::get("acpi")->debug("sleep requested: SLP_TYP {}", type);
            if (type == kS5SleepType && power_off_) power_off_();
        }
    } else {
        return;
    }
    update_sci();
    schedule_overflow();
}

}  // namespace amber
