// Interrupt and exception delivery: through the IVT in real mode, through
// IDT gates (with a stack switch from the TSS, or a task switch) in
// protected and virtual-8086 mode, and the double-fault and triple-fault
// rules when delivery itself faults (Intel SDM Vol. 3, 6.12 and 6.15).
#include "cpu/cpu.hpp"
#include "cpu/protection.hpp"
#include "cpu/protection_transfer.hpp"

namespace amber {

namespace {
// Divide error and the segment faults are contributory: two of them in a
// row, or a page fault followed by one of them or by another page fault,
// make a double fault. Other pairs are delivered one after the other.
bool contributory(uint8_t v) { return v == vec::DE || (v >= vec::TS && v <= vec::GP); }
bool makes_double_fault(uint8_t first, uint8_t second) {
    if (contributory(first)) return contributory(second);
    return first == vec::PF && (contributory(second) || second == vec::PF);
}
}  // namespace

void Cpu::raise_event(uint8_t vector, uint32_t return_eip, EventKind kind, bool has_error, uint16_t error) {
    ++events_;
    if (AMBER_UNLIKELY(debug_events_))
        report(DebugEvent{DebugEvent::Kind::Interrupt, return_eip, 0, false, vector, kind});
    if (!protected_mode()) {
        real_mode_interrupt(vector, return_eip);
        return;
    }
    protected_mode_interrupt(vector, return_eip, kind, has_error, error);
}

void Cpu::software_interrupt(uint8_t vector, bool iopl_sensitive) {
    // In virtual-8086 mode INT n (but not INT3 or INTO) goes to the monitor
    // as #GP(0) unless IOPL is 3. Under CR4.VME a clear bit in the TSS's
    // redirection bitmap keeps it in the v86 task, whatever IOPL (SDM vol. 3,
    // "software interrupt handling methods" 5 and 6); a set bit acts as
    // without VME.
    if (iopl_sensitive && v86()) {
        if (vme() && !interrupt_redirection_bit(vector)) {
            v86_redirected_interrupt(vector);
            return;
        }
        if (iopl() < 3) fault_gp0();
    }
    raise_event(vector, next_eip, EventKind::Software);
}

// As in real mode, through the IVT at linear 0 of the v86 task, without
// leaving virtual-8086 mode. With IOPL < 3 the pushed FLAGS show VIF as IF
// and the handler starts with VIF clear; IF is untouched.
void Cpu::v86_redirected_interrupt(uint8_t vector) {
    ++events_;
    if (AMBER_UNLIKELY(debug_events_))
        report(DebugEvent{DebugEvent::Kind::Interrupt, next_eip, 0, false, vector, EventKind::Software});
    const bool virtual_if = iopl() < 3;
    const uint16_t ip = read_sys<uint16_t>(uint32_t(vector) * 4);
    const uint16_t cs = read_sys<uint16_t>(uint32_t(vector) * 4 + 2);
    atomically([&] {
        push<uint16_t>(virtual_if ? virtual_flags_image() : flags_image());
        push<uint16_t>(seg[CS].selector);
        push<uint16_t>(static_cast<uint16_t>(next_eip));
    });
    set_eflags(flags.get() & ~(flag::TF | flag::RF | (virtual_if ? flag::VIF : flag::IF)));
    far_jump(cs, ip);
    halted = false;
}

void Cpu::real_mode_interrupt(uint8_t vector, uint32_t return_eip) {
    uint32_t entry = uint32_t(vector) * 4;
    if (entry + 3 > idtr.limit) throw CpuFault{vec::GP, true, static_cast<uint16_t>(entry + 2)};
    push<uint16_t>(flags_image());
    push<uint16_t>(seg[CS].selector);
    push<uint16_t>(static_cast<uint16_t>(return_eip));
    uint16_t ip = read_lin<uint16_t>(idtr.base + entry);
    uint16_t cs = read_lin<uint16_t>(idtr.base + entry + 2);
    set_eflags(flags.get() & ~(flag::IF | flag::TF | flag::RF));
    far_jump(cs, ip);
    halted = false;
}

void Cpu::protected_mode_interrupt(uint8_t vector, uint32_t return_eip, EventKind kind, bool has_error,
                                   uint16_t error) {
    const bool from_v86 = v86();
    InterruptRequest req;
    req.vector = vector;
    req.software = kind == EventKind::Software;
    req.pushes_error_code = has_error;
    req.ss = seg[SS];
    req.esp = r[ESP];
    InterruptTarget t = check_interrupt(tables(), cpl_, req).value_or_throw();
    if (t.kind == InterruptTarget::Kind::Task) {
        task_switch(*t.task, TaskSwitchReason::Interrupt, return_eip, has_error, error);
        halted = false;
        return;
    }
    // From virtual-8086 mode the handler must run at privilege 0.
    if (from_v86 && t.cpl != 0) throw CpuFault{vec::GP, true, selector_error(t.cs.cache.selector, !req.software)};

    atomically([&] {
        // A fault pushes RF set, so that IRET back to the faulting
        // instruction does not stop at its instruction breakpoint again.
        uint32_t old_flags = flags.get() | traits_->flags_fixed_one;
        if (delivering_fault_ && traits_->model >= CpuModel::i386) old_flags |= flag::RF;
        const uint16_t old_cs = seg[CS].selector, old_ss = seg[SS].selector;
        const uint32_t old_esp = r[ESP];
        uint16_t old_data[4] = {seg[ES].selector, seg[DS].selector, seg[FS].selector, seg[GS].selector};
        if (from_v86) set_eflags(flags.get() & ~flag::VM);
        if (t.stack) {
            commit_segment_load(SS, t.stack->ss);
            r[ESP] = t.stack->esp;
        }
        set_cpl(t.cpl);
        const bool wide = t.gate.is32();  // a 386 gate pushes dwords, a 286 gate words
        if (from_v86)
            for (unsigned k = 4; k-- > 0;) push_word(old_data[k], wide);  // GS, FS, DS, ES
        if (t.stack) {
            push_word(old_ss, wide);
            push_word(old_esp, wide);
        }
        push_word(old_flags, wide);
        push_word(old_cs, wide);
        push_word(return_eip, wide);
        if (has_error) push_word(error, wide);
        if (from_v86)
            for (unsigned sr : {ES, DS, FS, GS}) set_segment_cache(sr, null_segment(0));
        uint32_t cleared = flag::TF | flag::NT | flag::RF | flag::VM;
        if (t.gate.is_interrupt_gate()) cleared |= flag::IF;
        set_eflags(flags.get() & ~cleared);
        commit_segment_load(CS, t.cs);
        next_eip = eip = t.eip;
    });
    halted = false;
}

void Cpu::deliver(const CpuFault& f) {
    uint32_t ret = f.after_insn ? next_eip : eip;
    ++ticks;  // the faulting instruction still took its time
    deliver_fault(f, ret);
}

void Cpu::deliver_fault(const CpuFault& f, uint32_t return_eip) {
    try {
        delivering_fault_ = true;
        raise_event(f.vector, return_eip, EventKind::Exception, f.has_error, f.error);
        delivering_fault_ = false;
    } catch (const CpuFault& second) {
        delivering_fault_ = false;
        if (f.vector == vec::DF) {
            triple_fault();
        } else if (makes_double_fault(f.vector, second.vector)) {
            deliver_fault(CpuFault{vec::DF, true, 0}, eip);
        } else {
            deliver_fault(second, eip);
        }
    }
}

void Cpu::triple_fault() {
    shutdown = true;  // the processor stops until reset
    halted = true;
    pending |= kStop;
}

}  // namespace amber
