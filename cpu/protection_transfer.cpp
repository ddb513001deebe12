#include "cpu/protection_transfer.hpp"

#include "cpu/protection.hpp"

namespace amber {

namespace {

CpuFault gp(uint16_t error) { return fault_with_error(vec::GP, error); }
CpuFault np(uint16_t error) { return fault_with_error(vec::NP, error); }
CpuFault ss_fault(uint16_t error) { return fault_with_error(vec::SS, error); }
uint16_t ext_only(bool ext) { return ext ? 1 : 0; }  // the error code of a null selector

// A code segment entered by a transfer runs at `cpl`, which its CS RPL records.
SegmentLoad code_load(uint16_t sel, const FetchedDescriptor& f, unsigned cpl) {
    return load_from(selector::with_rpl(sel, cpl), f);
}

// Far JMP/CALL straight to a code segment: the privilege level never changes.
Checked<FarTarget> to_code_segment(unsigned cpl, const FarRequest& req, const FetchedDescriptor& f) {
    const Descriptor& d = f.desc;
    const uint16_t sel = req.selector;
    const bool allowed = d.conforming() ? d.dpl() <= cpl : (selector::rpl(sel) <= cpl && d.dpl() == cpl);
    if (!allowed) return gp(selector_error(sel));
    if (!d.present()) return np(selector_error(sel));
    // Hardware pushes CS padded to the operand size (the SDM says a "6-byte"
    // return address for 32 bits, but the push is 8 bytes).
    if (req.kind == FarKind::Call && !stack_has_room(req.ss, req.esp, req.operand32 ? 8 : 4)) return ss_fault(0);
    FarTarget target;
    target.kind = FarTarget::Kind::Code;
    target.cpl = cpl;
    target.cs = code_load(sel, f, cpl);
    if (auto fault = check_code_offset(target.cs.cache, req.offset)) return *fault;
    target.eip = req.offset;
    return target;
}

Checked<FarTarget> through_call_gate(const DescriptorTables& t, unsigned cpl, const FarRequest& req,
                                     const Descriptor& gate_desc) {
    const Gate g = decode_gate(gate_desc);
    const uint16_t gate_sel = req.selector;
    if (g.dpl < cpl || selector::rpl(gate_sel) > g.dpl) return gp(selector_error(gate_sel));
    if (!g.present) return np(selector_error(gate_sel));
    if (selector::is_null(g.selector)) return gp(0);
    auto cf = fetch_descriptor(t, g.selector);
    if (!cf) return cf.fault();
    const Descriptor& code = cf->desc;
    const bool call = req.kind == FarKind::Call;
    // A JMP through a gate stays at the CPL; a CALL may move inward.
    const bool level_ok = (call || code.conforming()) ? code.dpl() <= cpl : code.dpl() == cpl;
    if (!code.is_code() || !level_ok) return gp(selector_error(g.selector));
    if (!code.present()) return np(selector_error(g.selector));

    FarTarget target;
    target.kind = FarTarget::Kind::CallGate;
    target.gate = g;
    const uint32_t slot = g.is32() ? 4 : 2;  // the gate's size sets the push size
    if (call && !code.conforming() && code.dpl() < cpl) {
        target.cpl = code.dpl();
        auto stack = read_inner_stack(t, target.cpl, false);
        if (!stack) return stack.fault();
        const uint32_t frame = slot * (4 + g.param_count);  // SS, ESP, parameters, CS, EIP
        if (!stack_has_room(stack->ss.cache, stack->esp, frame))
            return ss_fault(selector_error(stack->ss.cache.selector));
        target.stack = *stack;
    } else {
        target.cpl = cpl;
        if (call && !stack_has_room(req.ss, req.esp, 2 * slot)) return ss_fault(0);
    }
    target.cs = code_load(g.selector, *cf, target.cpl);
    if (auto fault = check_code_offset(target.cs.cache, g.offset)) return *fault;
    target.eip = g.offset;
    return target;
}

Checked<FarTarget> through_task_gate(const DescriptorTables& t, unsigned cpl, uint16_t gate_sel,
                                     const Descriptor& gate_desc) {
    const Gate g = decode_gate(gate_desc);
    if (g.dpl < cpl || g.dpl < selector::rpl(gate_sel)) return gp(selector_error(gate_sel));
    if (!g.present) return np(selector_error(gate_sel));
    auto task = check_task_gate_target(t, g.selector, false);
    if (!task) return task.fault();
    FarTarget target;
    target.kind = FarTarget::Kind::TaskGate;
    target.gate = g;
    target.task = *task;
    return target;
}

// A TSS named directly. TSS descriptors live only in the GDT (SDM Vol. 3
// 7.2.2); a busy one cannot be entered by JMP or CALL.
Checked<FarTarget> to_tss(unsigned cpl, uint16_t sel, const FetchedDescriptor& f) {
    const Descriptor& d = f.desc;
    if (d.dpl() < cpl || d.dpl() < selector::rpl(sel) || !d.is_available_tss() || selector::in_ldt(sel))
        return gp(selector_error(sel));
    if (!d.present()) return np(selector_error(sel));
    FarTarget target;
    target.kind = FarTarget::Kind::Tss;
    target.task = TaskTarget{sel, f};
    return target;
}

}  // namespace

Checked<InnerStack> read_inner_stack(const DescriptorTables& t, unsigned dpl, bool ext) {
    // 386 TSS: ESP at 4 + 8 * dpl, SS after it; 286 TSS: SP at 2 + 4 * dpl, SS after it.
    const uint32_t slot = t.tss32 ? (dpl << 3) + 4 : (dpl << 2) + 2;
    const uint32_t last = slot + (t.tss32 ? 5 : 3);
    if (last > t.tss_limit) return fault_with_error(vec::TS, selector_error(t.tss_selector, ext));
    const uint64_t raw = t.read64(t.tss_base + slot);
    const uint32_t esp = t.tss32 ? static_cast<uint32_t>(raw) : static_cast<uint16_t>(raw);
    const uint16_t ss = static_cast<uint16_t>(t.tss32 ? raw >> 32 : raw >> 16);

    if (selector::is_null(ss)) return fault_with_error(vec::TS, ext_only(ext));
    auto f = fetch_descriptor(t, ss, vec::TS, ext);
    if (!f) return f.fault();
    const Descriptor& d = f->desc;
    if (selector::rpl(ss) != dpl || d.dpl() != dpl || !d.writable())
        return fault_with_error(vec::TS, selector_error(ss, ext));
    if (!d.present()) return ss_fault(selector_error(ss, ext));
    return InnerStack{load_from(ss, *f), esp};
}

Checked<TaskTarget> check_task_gate_target(const DescriptorTables& t, uint16_t tss_sel, bool ext) {
    if (selector::in_ldt(tss_sel)) return gp(selector_error(tss_sel, ext));
    auto f = fetch_descriptor(t, tss_sel, vec::GP, ext);
    if (!f) return f.fault();
    if (!f->desc.is_available_tss()) return gp(selector_error(tss_sel, ext));
    if (!f->desc.present()) return np(selector_error(tss_sel, ext));
    return TaskTarget{tss_sel, *f};
}

Checked<TaskTarget> check_task_return(const DescriptorTables& t, uint16_t link_sel) {
    const CpuFault invalid = fault_with_error(vec::TS, selector_error(link_sel));
    if (selector::in_ldt(link_sel)) return invalid;
    auto f = fetch_descriptor(t, link_sel, vec::TS);
    if (!f) return f.fault();
    if (!f->desc.is_busy_tss()) return invalid;
    if (!f->desc.present()) return np(selector_error(link_sel));
    return TaskTarget{link_sel, *f};
}

Checked<FarTarget> check_far_transfer(const DescriptorTables& t, unsigned cpl, const FarRequest& req) {
    if (selector::is_null(req.selector)) return gp(0);
    auto f = fetch_descriptor(t, req.selector);
    if (!f) return f.fault();
    switch (f->desc.kind) {
    case DescriptorKind::Code: return to_code_segment(cpl, req, *f);
    case DescriptorKind::CallGate16:
    case DescriptorKind::CallGate32: return through_call_gate(t, cpl, req, f->desc);
    case DescriptorKind::TaskGate: return through_task_gate(t, cpl, req.selector, f->desc);
    case DescriptorKind::Tss16:
    case DescriptorKind::Tss32:
    case DescriptorKind::Tss16Busy:
    case DescriptorKind::Tss32Busy: return to_tss(cpl, req.selector, *f);
    default: return gp(selector_error(req.selector));  // data, LDT, interrupt/trap gates, reserved
    }
}

Checked<InterruptTarget> check_interrupt(const DescriptorTables& t, unsigned cpl, const InterruptRequest& req) {
    const bool ext = !req.software;
    const uint16_t entry_error = idt_error(req.vector, ext);
    const uint32_t entry = uint32_t(req.vector) << 3;
    if (entry + 7 > t.idt_limit) return gp(entry_error);
    const Descriptor d = t.decode(t.read64(t.idt_base + entry));
    if (!d.is_interrupt_or_trap_gate() && d.kind != DescriptorKind::TaskGate) return gp(entry_error);
    if (req.software && d.dpl() < cpl) return gp(idt_error(req.vector, false));
    if (!d.present()) return np(entry_error);

    InterruptTarget target;
    target.gate = decode_gate(d);
    const Gate& g = target.gate;
    if (d.kind == DescriptorKind::TaskGate) {
        auto task = check_task_gate_target(t, g.selector, ext);
        if (!task) return task.fault();
        target.kind = InterruptTarget::Kind::Task;
        target.task = *task;
        return target;
    }

    if (selector::is_null(g.selector)) return gp(ext_only(ext));
    auto cf = fetch_descriptor(t, g.selector, vec::GP, ext);
    if (!cf) return cf.fault();
    const Descriptor& code = cf->desc;
    if (!code.is_code() || code.dpl() > cpl) return gp(selector_error(g.selector, ext));
    if (!code.present()) return np(selector_error(g.selector, ext));

    const uint32_t slot = g.is32() ? 4 : 2;
    const uint32_t error_bytes = req.pushes_error_code ? slot : 0;
    if (!code.conforming() && code.dpl() < cpl) {
        target.cpl = code.dpl();
        auto stack = read_inner_stack(t, target.cpl, ext);
        if (!stack) return stack.fault();
        // SS, ESP, EFLAGS, CS, EIP and the error code.
        if (!stack_has_room(stack->ss.cache, stack->esp, 5 * slot + error_bytes))
            return ss_fault(selector_error(stack->ss.cache.selector, ext));
        target.stack = *stack;
    } else {
        // Conforming, or DPL == CPL (DPL > CPL was refused above).
        target.cpl = cpl;
        if (!stack_has_room(req.ss, req.esp, 3 * slot + error_bytes)) return ss_fault(ext_only(ext));
    }
    target.cs = code_load(g.selector, *cf, target.cpl);
    if (auto fault = check_code_offset(target.cs.cache, g.offset, ext_only(ext))) return *fault;
    target.eip = g.offset;
    return target;
}

}  // namespace amber
