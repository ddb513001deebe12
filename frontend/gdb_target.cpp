#include "frontend/gdb_target.hpp"

#include <algorithm>

#include "cpu/simd_common.hpp"
#include "cpu/x87_env.hpp"
#include "mmu/endian.hpp"

namespace amber::cli {

namespace {
// Ticks run between two looks at the socket: a few milliseconds.
constexpr uint64_t kSliceTicks = 1u << 20;
constexpr unsigned kGdbSegmentOrder[6] = {CS, SS, DS, ES, FS, GS};
}  // namespace

gdb::RegisterFile MachineGdbTarget::read_registers() {
    const Cpu& c = dbg_.cpu();
    gdb::RegisterFile f;
    for (unsigned i = 0; i < 8; ++i) f.core[i] = c.r[i];
    f.core[static_cast<unsigned>(gdb::Reg::Eip)] = c.eip;
    f.core[static_cast<unsigned>(gdb::Reg::Eflags)] = c.flags.get() | c.traits().flags_fixed_one;
    for (unsigned k = 0; k < 6; ++k) f.core[static_cast<unsigned>(gdb::Reg::Cs) + k] = c.seg[kGdbSegmentOrder[k]].selector;
    // The x87 as FNSAVE would store it: ST(i) in stack order, the full tag word.
    const X87State& x = c.x87;
    for (unsigned i = 0; i < 8; ++i) x.st(i).store(f.st[i].data());
    const uint32_t x87[gdb::kX87ControlCount] = {x.fcw, x.fsw, x.full_tags(), x.fcs, x.fip, x.fds, x.fdp, x.fop};
    std::copy(std::begin(x87), std::end(x87), f.x87_control.begin());
    for (unsigned i = 0; i < gdb::kXmmCount; ++i) {
        store_le<uint64_t>(f.xmm[i].data(), c.sse.xmm[i].q[0]);
        store_le<uint64_t>(f.xmm[i].data() + 8, c.sse.xmm[i].q[1]);
    }
    f.mxcsr = c.sse.mxcsr;
    return f;
}

bool MachineGdbTarget::has_sse() { return dbg_.cpu().traits().simd >= Simd::Sse; }

bool MachineGdbTarget::write_xmm_register(unsigned index, const gdb::XmmValue& value) {
    if (index >= gdb::kXmmCount || !has_sse()) return false;
    Xmm& x = dbg_.cpu().sse.xmm[index];
    x.q[0] = load_le<uint64_t>(value.data());
    x.q[1] = load_le<uint64_t>(value.data() + 8);
    return true;
}

bool MachineGdbTarget::write_x87_register(unsigned index, const gdb::X87Value& value) {
    Cpu& c = dbg_.cpu();
    if (index >= 8 || c.model() < CpuModel::i486) return false;
    c.x87.set(index, fpu::Float80::load(value.data()));  // a value written is a value in use
    return true;
}

// fctrl..fop: what FLDENV would take for each field.
bool MachineGdbTarget::write_x87_control(gdb::Reg reg, uint32_t value) {
    X87State& x = dbg_.cpu().x87;
    if (dbg_.cpu().model() < CpuModel::i486) return false;
    switch (reg) {
    case gdb::Reg::Fctrl: x.fcw = loaded_fcw(static_cast<uint16_t>(value)); break;
    case gdb::Reg::Fstat: x.fsw = static_cast<uint16_t>(value); break;
    case gdb::Reg::Ftag: x.set_full_tags(static_cast<uint16_t>(value)); break;
    case gdb::Reg::Fiseg: x.fcs = static_cast<uint16_t>(value); break;
    case gdb::Reg::Fioff: x.fip = value; break;
    case gdb::Reg::Foseg: x.fds = static_cast<uint16_t>(value); break;
    case gdb::Reg::Fooff: x.fdp = value; break;
    case gdb::Reg::Fop: x.fop = static_cast<uint16_t>(value & 0x7FF); break;
    default: return false;
    }
    x.update_error_summary();  // ES and B follow the flags and masks
    return true;
}

bool MachineGdbTarget::write_register(gdb::Reg reg, uint32_t value) {
    Cpu& c = dbg_.cpu();
    const unsigned n = static_cast<unsigned>(reg);
    if (n < 8) {
        c.r[n] = value;
        return true;
    }
    if (reg == gdb::Reg::Eip) {
        c.eip = c.next_eip = value;
        return true;
    }
    if (reg == gdb::Reg::Eflags) {
        c.set_eflags(value);
        return true;
    }
    if (n >= static_cast<unsigned>(gdb::Reg::Cs) && n <= static_cast<unsigned>(gdb::Reg::Gs)) {
        const unsigned sr = kGdbSegmentOrder[n - static_cast<unsigned>(gdb::Reg::Cs)];
        try {  // a selector the rules refuse keeps the old value
            if (sr == CS) c.far_jump(static_cast<uint16_t>(value), c.eip);
            else c.load_segment(sr, static_cast<uint16_t>(value));
        } catch (const CpuFault&) {
            return false;
        }
        return true;
    }
    if (reg == gdb::Reg::Mxcsr) {
        // What LDMXCSR takes: a reserved bit (DAZ on the Pentium III) is refused.
        if (!has_sse() || (value & ~simd::mxcsr_mask(c))) return false;
        c.sse.mxcsr = value;
        return true;
    }
    return write_x87_control(reg, value);
}

size_t MachineGdbTarget::read_memory(uint32_t address, std::span<uint8_t> out) {
    size_t done = 0;
    while (done < out.size()) {  // page by page, so gdb gets what is mapped
        const uint32_t at = address + static_cast<uint32_t>(done);
        const size_t n = std::min<size_t>(out.size() - done, kPageSize - (at & kPageMask));
        if (!dbg_.read_linear(at, out.subspan(done, n))) break;
        done += n;
    }
    return done;
}

bool MachineGdbTarget::write_memory(uint32_t address, std::span<const uint8_t> data) {
    return dbg_.write_linear(address, data);
}

gdb::BreakResult MachineGdbTarget::insert_breakpoint(gdb::BreakKind kind, uint32_t address, uint32_t length) {
    const Key key{kind, address, length};
    if (breakpoints_.count(key)) return gdb::BreakResult::Ok;
    Debugger::Breakpoint b;
    switch (kind) {
    case gdb::BreakKind::Software:
    case gdb::BreakKind::Hardware:
        b.kind = Debugger::Kind::Linear;
        b.address = address;
        break;
    default:
        if (length == 0 || length > 8) return gdb::BreakResult::Failed;
        b.kind = Debugger::Kind::Watch;
        b.address = address;
        b.length = length;
        b.on_write = kind != gdb::BreakKind::ReadWatch;
        b.on_read = kind != gdb::BreakKind::WriteWatch;
        break;
    }
    breakpoints_[key] = dbg_.add(b);
    return gdb::BreakResult::Ok;
}

gdb::BreakResult MachineGdbTarget::remove_breakpoint(gdb::BreakKind kind, uint32_t address, uint32_t length) {
    auto it = breakpoints_.find({kind, address, length});
    if (it == breakpoints_.end()) return gdb::BreakResult::Ok;
    dbg_.remove(it->second);
    breakpoints_.erase(it);
    return gdb::BreakResult::Ok;
}

gdb::StopReason MachineGdbTarget::translate(const Debugger::Stop& s) {
    using Why = Debugger::Stop::Why;
    switch (s.why) {
    case Why::Stepped:
    case Why::Reached: return gdb::StopReason::of(gdb::StopKind::Step);
    case Why::Interrupted: return gdb::StopReason::of(gdb::StopKind::Interrupted);
    case Why::Caught: return gdb::StopReason::of(gdb::StopKind::Interrupted);
    case Why::Breakpoint:
        for (const auto& [key, id] : breakpoints_)
            if (id == s.breakpoint && std::get<0>(key) == gdb::BreakKind::Software)
                return gdb::StopReason::of(gdb::StopKind::SoftwareBreakpoint);
        return gdb::StopReason::of(gdb::StopKind::HardwareBreakpoint);
    case Why::Watchpoint:
        for (const auto& [key, id] : breakpoints_)
            if (id == s.breakpoint) {
                // gdb matches the address against its watched range.
                const uint32_t start = std::get<1>(key);
                return gdb::StopReason::watchpoint(std::get<0>(key), std::max(s.address, start));
            }
        return gdb::StopReason::of(gdb::StopKind::Interrupted);
    case Why::Machine:
        ended_ = s.machine;
        switch (s.machine.reason) {
        case StopReason::GuestExit: return gdb::StopReason::exited(static_cast<uint8_t>(s.machine.exit_code));
        case StopReason::PowerOff: return gdb::StopReason::exited(0);
        case StopReason::TripleFault: return gdb::StopReason::of(gdb::StopKind::TripleFault);
        default: return gdb::StopReason::of(gdb::StopKind::Interrupted);  // halted for good, tick limit: look around
        }
    }
    return gdb::StopReason::of(gdb::StopKind::Interrupted);
}

gdb::StopReason MachineGdbTarget::resume(gdb::ResumeMode mode, const gdb::InterruptPoll& poll) {
    ended_.reset();
    if (mode == gdb::ResumeMode::Step) return translate(dbg_.step(1));
    // Breakpoints count from the first instruction (gdb steps over its own).
    bool first = true;
    for (;;) {
        const uint64_t used = dbg_.cpu().ticks;
        if (used >= max_ticks_) {
            RunResult r{StopReason::TickLimit, 0, used, "tick limit reached"};
            Debugger::Stop s{Debugger::Stop::Why::Machine};
            s.machine = r;
            return translate(s);
        }
        const Debugger::Stop s = dbg_.run(std::min(kSliceTicks, max_ticks_ - used), /*stop_at_start=*/first);
        first = false;
        const bool slice_over = s.why == Debugger::Stop::Why::Machine && s.machine.reason == StopReason::TickLimit;
        if (!slice_over) return translate(s);
        if (poll()) return gdb::StopReason::of(gdb::StopKind::Interrupted);
    }
}

}  // namespace amber::cli
