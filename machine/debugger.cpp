#include "machine/debugger.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "cpu/decoder.hpp"

namespace amber {

namespace {
// A run is cut into slices so interrupt() is noticed promptly.
constexpr uint64_t kSliceTicks = 1u << 20;

bool is_execution(Debugger::Kind k) {
    return k == Debugger::Kind::CsEip || k == Debugger::Kind::Linear || k == Debugger::Kind::Physical;
}
bool overlaps(uint32_t a, uint32_t a_len, uint32_t b, uint32_t b_len) {
    return uint64_t(a) < uint64_t(b) + b_len && uint64_t(b) < uint64_t(a) + a_len;
}
}  // namespace

std::string Debugger::Breakpoint::describe() const {
    switch (kind) {
    case Kind::CsEip: return fmt::format("break at {:04X}:{:08X}", cs, address);
    case Kind::Linear: return fmt::format("break at linear {:08X}", address);
    case Kind::Physical: return fmt::format("break at physical {:08X}", address);
    case Kind::Watch:
        return fmt::format("watch {}{} {} {:08X}, {} byte{}", on_read ? "r" : "", on_write ? "w" : "",
                           physical ? "physical" : "linear", address, length, length == 1 ? "" : "s");
    case Kind::Vector: return any_vector ? "catch every interrupt" : fmt::format("catch vector {:02X}", address);
    case Kind::Port:
        return length == 1 ? fmt::format("catch port {:04X}", address)
                           : fmt::format("catch ports {:04X}-{:04X}", address, address + length - 1);
    case Kind::ModeSwitch: return "catch mode switches";
    }
    return "?";
}

std::string Debugger::Stop::describe() const {
    switch (why) {
    case Why::Stepped: return "stepped";
    case Why::Breakpoint: return fmt::format("breakpoint {}", breakpoint);
    case Why::Watchpoint:
        return fmt::format("watchpoint {}: {} at {:08X}", breakpoint, write ? "write" : "read", address);
    case Why::Caught: return fmt::format("catch {}", breakpoint);
    case Why::Reached: return "reached";
    case Why::Interrupted: return "interrupted";
    case Why::Machine:
        switch (machine.reason) {
        case StopReason::GuestExit: return fmt::format("guest exited with status {}", machine.exit_code);
        case StopReason::HaltedForever: return "halted for good: " + machine.message;
        case StopReason::TickLimit: return "tick limit";
        case StopReason::TripleFault: return "triple fault";
        default: return machine.message.empty() ? "stopped" : machine.message;
        }
    }
    return "?";
}

Debugger::Debugger(Machine& m) : m_(m) {
    client_ = cpu().add_debug_client([this](Cpu& c, const DebugEvent& e) { on_event(c, e); }, {});
}

Debugger::~Debugger() {
    cpu().set_insn_hook(nullptr);
    cpu().remove_debug_client(client_);
}

int Debugger::add(Breakpoint b) {
    b.id = next_id_++;
    b.hits = 0;
    bps_.push_back(b);
    return b.id;
}

bool Debugger::remove(int id) {
    auto it = std::find_if(bps_.begin(), bps_.end(), [&](const Breakpoint& b) { return b.id == id; });
    if (it == bps_.end()) return false;
    bps_.erase(it);
    return true;
}

bool Debugger::has_execution_breakpoints() const {
    return std::any_of(bps_.begin(), bps_.end(), [](const Breakpoint& b) { return is_execution(b.kind); });
}

// Only what is asked for is switched on in the CPU.
void Debugger::install_hooks() {
    Cpu& c = cpu();
    if (has_execution_breakpoints() || target_linear_) c.set_insn_hook([this](Cpu& cpu) { on_instruction(cpu); });
    else c.set_insn_hook(nullptr);
    DebugRequests req;
    for (const Breakpoint& b : bps_) {
        if (b.kind == Kind::Watch) req.watchpoints.push_back({b.address, b.length, b.physical, b.on_read, b.on_write});
        req.events |= b.kind == Kind::Vector;
        req.io |= b.kind == Kind::Port;
        req.mode_switches |= b.kind == Kind::ModeSwitch;
    }
    c.update_debug_client(client_, std::move(req));
}

void Debugger::note_stop(Stop s) {
    if (!pending_stop_) pending_stop_ = s;
    m_.stop(StopReason::Requested, 0, "debugger");
}

void Debugger::on_instruction(Cpu& c) {
    if (c.ticks == resume_tick_) return;  // the instruction we are resuming at
    const uint32_t lin = c.seg[CS].base + c.eip;
    if (target_linear_ && lin == *target_linear_) {
        note_stop({Stop::Why::Reached});
        return;
    }
    for (Breakpoint& b : bps_) {
        bool hit = false;
        switch (b.kind) {
        case Kind::CsEip: hit = c.seg[CS].selector == b.cs && c.eip == b.address; break;
        case Kind::Linear: hit = lin == b.address; break;
        case Kind::Physical: hit = c.translate(lin) == b.address; break;
        default: break;
        }
        if (hit) {
            ++b.hits;
            note_stop({Stop::Why::Breakpoint, b.id});
            return;
        }
    }
}

void Debugger::on_event(Cpu& c, const DebugEvent& e) {
    for (Breakpoint& b : bps_) {
        Stop s;
        switch (e.kind) {
        case DebugEvent::Kind::Watch: {
            if (b.kind != Kind::Watch || !(e.write ? b.on_write : b.on_read)) continue;
            const auto at = b.physical ? c.translate(e.address) : std::optional<uint32_t>(e.address);
            if (!at || !overlaps(*at, e.size, b.address, b.length)) continue;
            s = {Stop::Why::Watchpoint, b.id, e.address, e.write};
            break;
        }
        case DebugEvent::Kind::Interrupt:
            if (b.kind != Kind::Vector || !(b.any_vector || b.address == e.vector)) continue;
            s = {Stop::Why::Caught, b.id, e.vector};
            break;
        case DebugEvent::Kind::Io:
            if (b.kind != Kind::Port || !overlaps(e.address, e.size, b.address, b.length)) continue;
            s = {Stop::Why::Caught, b.id, e.address, e.write};
            break;
        case DebugEvent::Kind::ModeSwitch:
            if (b.kind != Kind::ModeSwitch) continue;
            s = {Stop::Why::Caught, b.id};
            break;
        }
        ++b.hits;
        note_stop(s);
        return;
    }
}

Debugger::Stop Debugger::run_until(uint64_t end_tick, bool stop_at_start) {
    Cpu& c = cpu();
    pending_stop_.reset();
    resume_tick_ = stop_at_start ? ~uint64_t(0) : c.ticks;
    install_hooks();
    for (;;) {
        if (interrupt_requested_.exchange(false)) return {Stop::Why::Interrupted};
        if (c.ticks >= end_tick) return {Stop::Why::Stepped};
        const RunResult r = m_.run(std::min(end_tick - c.ticks, kSliceTicks));
        // A hook's stop, unless the guest ended in the same instruction:
        // its end is what matters, and running on would pass it.
        if (pending_stop_ && (r.reason == StopReason::Requested || r.reason == StopReason::TickLimit))
            return *pending_stop_;
        if (r.reason == StopReason::TickLimit) continue;
        Stop s{Stop::Why::Machine};
        s.machine = r;
        return s;
    }
}

Debugger::Stop Debugger::step(uint64_t instructions) {
    const uint64_t start = cpu().ticks;
    return run_until(instructions > kForever - start ? kForever : start + instructions);
}

Debugger::Stop Debugger::run(uint64_t max_ticks, bool stop_at_start) {
    const uint64_t start = cpu().ticks;
    Stop s = run_until(max_ticks > kForever - start ? kForever : start + max_ticks, stop_at_start);
    if (s.why == Stop::Why::Stepped) {  // ran out of the allowed ticks
        s.why = Stop::Why::Machine;
        s.machine = {StopReason::TickLimit, 0, cpu().ticks, "tick limit reached"};
    }
    return s;
}

Debugger::Stop Debugger::run_to_linear(uint32_t linear, uint64_t max_ticks) {
    target_linear_ = linear;
    Stop s = run(max_ticks);
    target_linear_.reset();
    install_hooks();
    return s;
}

Debugger::Stop Debugger::run_to_tick(uint64_t tick) {
    Stop s = run_until(tick);
    if (s.why == Stop::Why::Stepped) s.why = Stop::Why::Reached;
    return s;
}

Debugger::Stop Debugger::step_over(uint64_t max_ticks) {
    Cpu& c = cpu();
    uint8_t bytes[15] = {};
    const uint32_t lin = c.seg[CS].base + c.eip;
    if (!read_linear(lin, bytes)) return step();
    SpanSource src{bytes, sizeof bytes};
    Insn insn;
    if (decode(op_table(c.model()), c.traits(), c.code32(), src, insn) != DecodeStatus::Ok) return step();
    const bool call = insn.op == 0xE8 || insn.op == 0x9A || (insn.op == 0xFF && (insn.reg == 2 || insn.reg == 3));
    const bool interrupt = insn.op == 0xCC || insn.op == 0xCD || insn.op == 0xCE;
    if (!call && !interrupt) return step();
    // Run to the next instruction; a recursive call reaching the same
    // address deeper in the stack does not count.
    const uint32_t next = lin + insn.len;
    const uint32_t esp = c.r[ESP];
    for (;;) {
        Stop s = run_to_linear(next, max_ticks);
        if (s.why != Stop::Why::Reached || c.r[ESP] >= esp) return s;
    }
}

bool Debugger::read_linear(uint32_t lin, std::span<uint8_t> out) const {
    const Cpu& c = m_.cpu();
    for (size_t k = 0; k < out.size(); ++k) {
        const auto phys = c.translate(lin + static_cast<uint32_t>(k));
        if (!phys) return false;
        out[k] = m_.memory().read8(*phys);
    }
    return true;
}

bool Debugger::write_linear(uint32_t lin, std::span<const uint8_t> in) {
    std::vector<uint32_t> phys(in.size());
    for (size_t k = 0; k < in.size(); ++k) {  // all or nothing
        const auto p = cpu().translate(lin + static_cast<uint32_t>(k));
        if (!p) return false;
        phys[k] = *p;
    }
    for (size_t k = 0; k < in.size(); ++k) m_.memory().write8(phys[k], in[k]);
    return true;
}

void Debugger::read_physical(uint32_t phys, std::span<uint8_t> out) const {
    for (size_t k = 0; k < out.size(); ++k) out[k] = m_.memory().read8(phys + static_cast<uint32_t>(k));
}

void Debugger::write_physical(uint32_t phys, std::span<const uint8_t> in) {
    for (size_t k = 0; k < in.size(); ++k) m_.memory().write8(phys + static_cast<uint32_t>(k), in[k]);
}

std::vector<Debugger::Frame> Debugger::call_chain(unsigned max_frames) const {
    const Cpu& c = m_.cpu();
    const bool wide = c.code32();
    const unsigned word = wide ? 4 : 2;
    std::vector<Frame> frames;
    uint32_t ebp = wide ? c.r[EBP] : (c.r[EBP] & 0xFFFF);
    while (frames.size() < max_frames && ebp != 0) {
        uint8_t raw[8] = {};
        if (!read_linear(c.seg[SS].base + ebp, std::span<uint8_t>(raw, 2 * word))) break;
        const uint32_t saved = wide ? load_le<uint32_t>(raw) : load_le<uint16_t>(raw);
        const uint32_t ret = wide ? load_le<uint32_t>(raw + 4) : load_le<uint16_t>(raw + 2);
        frames.push_back({ebp, ret});
        if (saved <= ebp) break;  // frames grow towards higher addresses; anything else is not a chain
        ebp = saved;
    }
    return frames;
}

}  // namespace amber
