// The debug registers and the trap flag. While any of them is active the
// run loop takes its instrumented path (one instruction at a time, checks
// before and after each), and pages holding a data breakpoint stay out of
// the TLB's fast path, so the normal loop never pays for debugging.
#include "cpu/cpu.hpp"

namespace amber {

namespace {
constexpr uint32_t kDr6BreakpointBits = 0xF;
constexpr uint32_t kDr6SingleStep = 1u << 14;  // BS

enum class BreakOn : uint8_t { Execute = 0, Write = 1, Io = 2, ReadWrite = 3 };

struct Breakpoint {
    bool enabled;
    BreakOn on;
    uint32_t address;  // aligned to its length
    uint32_t length;
};

Breakpoint breakpoint(const uint32_t (&dr)[8], unsigned i) {
    const uint32_t dr7 = dr[7];
    const uint32_t len_bits = (dr7 >> (18 + 4 * i)) & 3;
    const uint32_t length = len_bits == 3 ? 4 : len_bits + 1;  // 00: 1, 01: 2, 11: 4 (10 undefined on 486)
    return {((dr7 >> (2 * i)) & 3) != 0, static_cast<BreakOn>((dr7 >> (16 + 4 * i)) & 3),
            dr[i] & ~(length - 1), length};
}

bool any_breakpoint_enabled(const uint32_t (&dr)[8]) { return (dr[7] & 0xFF) != 0; }
}  // namespace

void Cpu::update_debug_active() {
    debug_active_ = flags.tf() || (flags.raw_bits() & flag::RF) || any_breakpoint_enabled(dr) || debug_watch_;
}

int Cpu::add_debug_client(DebugHook hook, DebugRequests requests) {
    const int id = next_debug_client_++;
    debug_clients_.push_back({id, std::move(hook), std::move(requests)});
    debug_clients_changed();
    return id;
}

void Cpu::update_debug_client(int id, DebugRequests requests) {
    for (DebugClient& c : debug_clients_)
        if (c.id == id) c.requests = std::move(requests);
    debug_clients_changed();
}

void Cpu::remove_debug_client(int id) {
    std::erase_if(debug_clients_, [id](const DebugClient& c) { return c.id == id; });
    debug_clients_changed();
}

void Cpu::debug_clients_changed() {
    DebugRequests all;
    for (const DebugClient& c : debug_clients_) {
        all.watchpoints.insert(all.watchpoints.end(), c.requests.watchpoints.begin(), c.requests.watchpoints.end());
        all.events |= c.requests.events;
        all.io |= c.requests.io;
        all.mode_switches |= c.requests.mode_switches;
    }
    debug_requests_ = std::move(all);
    debug_io_ = debug_requests_.io;
    debug_events_ = debug_requests_.events;
    debug_watch_ = !debug_requests_.watchpoints.empty();
    debug_registers_changed();  // watched pages leave (or rejoin) the fast path
}

void Cpu::check_debugger_watchpoints(uint32_t lin, uint32_t phys, unsigned size, bool write) {
    if (!debug_watch_) return;
    for (const Watchpoint& w : debug_requests_.watchpoints) {
        if (!(write ? w.on_write : w.on_read)) continue;
        const uint32_t at = w.physical ? phys : lin;
        if (at < w.address + w.length && w.address < at + size) {
            report(DebugEvent{DebugEvent::Kind::Watch, lin, size, write});
            return;
        }
    }
}

void Cpu::report_mode_switch() {
    if (debug_requests_.mode_switches) report(DebugEvent{DebugEvent::Kind::ModeSwitch});
}

void Cpu::debug_registers_changed() {
    update_debug_active();
    flush_tlb();  // pages with a data breakpoint must leave (or may rejoin) the fast path
}

bool Cpu::page_has_watchpoint(uint32_t page, uint32_t phys_page) const {
    if (debug_watch_)
        for (const Watchpoint& w : debug_requests_.watchpoints) {
            const uint32_t first = w.address & ~kPageMask, last = (w.address + w.length - 1) & ~kPageMask;
            const uint32_t p = w.physical ? phys_page : page;
            if (p >= first && p <= last) return true;
        }
    for (unsigned i = 0; i < 4; ++i) {
        const Breakpoint b = breakpoint(dr, i);
        if (b.enabled && (b.on == BreakOn::Write || b.on == BreakOn::ReadWrite) &&
            (b.address & ~kPageMask) == page)
            return true;
    }
    return false;
}

void Cpu::check_data_breakpoints(uint32_t lin, unsigned size, bool write) {
    for (unsigned i = 0; i < 4; ++i) {
        const Breakpoint b = breakpoint(dr, i);
        if (!b.enabled || b.on == BreakOn::Execute || b.on == BreakOn::Io) continue;
        if (b.on == BreakOn::Write && !write) continue;
        if (lin < b.address + b.length && b.address < lin + size) {
            pending_dr6_ |= 1u << i;
            pending |= kStepEvent;
        }
    }
}

bool Cpu::instruction_breakpoint_hit() {
    if (!any_breakpoint_enabled(dr) || (flags.raw_bits() & flag::RF)) return false;
    const uint32_t lin = seg[CS].base + eip;
    uint32_t hits = 0;
    for (unsigned i = 0; i < 4; ++i) {
        const Breakpoint b = breakpoint(dr, i);
        if (b.enabled && b.on == BreakOn::Execute && dr[i] == lin) hits |= 1u << i;
    }
    if (!hits) return false;
    dr[6] = (dr[6] & ~kDr6BreakpointBits) | hits;
    return true;
}

// A #DB trap after an instruction: data breakpoints hit and single steps.
void Cpu::debug_trap(uint32_t dr6_bits) {
    dr[6] = (dr[6] & ~kDr6BreakpointBits) | dr6_bits;
    raise_event(vec::DB, eip, EventKind::Exception);
}

// One instruction under the debug registers and the trap flag: an
// instruction breakpoint faults before it, data breakpoints and single
// steps trap after it (SDM Vol. 3, 17.3). Runs only while debug_active_.
void Cpu::execute_one_debugged() {
    if (instruction_breakpoint_hit()) {
        raise_event(vec::DB, eip, EventKind::Exception);
        return;
    }
    // RF has done its job (suppressing the breakpoint check above) for this
    // instruction; an IRET in it may set it again for the next one.
    if (flags.raw_bits() & flag::RF) set_eflags(flags.get() & ~flag::RF);
    const bool single_step = flags.tf();
    const uint64_t events_before = events_;
    pending_dr6_ = 0;
    execute_one_cached();
    uint32_t dr6 = pending_dr6_;
    if (single_step && events_ == events_before) dr6 |= kDr6SingleStep;
    pending_dr6_ = 0;
    if (dr6) debug_trap(dr6);
}

}  // namespace amber
