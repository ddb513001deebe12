// Far control transfers in every mode: JMP and CALL far, RET far and IRET.
// Real and virtual-8086 mode simply reload CS; protected mode follows the
// rules of protection.hpp and protection_transfer.hpp (code segments, call
// gates with stack switches and parameter copies, task gates and TSSs,
// returns to outer levels, IRET to virtual-8086 mode and to a nested task).
// A transfer that faults part-way restores what it had changed.
#include "cpu/cpu.hpp"
#include "cpu/protection.hpp"
#include "cpu/protection_transfer.hpp"

namespace amber {

namespace {
bool real_addressing(const Cpu& c) { return !c.protected_mode() || c.v86(); }

// The protection rules' verdict on a far JMP or CALL from the current state.
FarTarget check_far(Cpu& c, FarKind kind, uint16_t selector, uint32_t offset, bool operand32) {
    FarRequest req;
    req.kind = kind;
    req.selector = selector;
    req.offset = offset;
    req.operand32 = operand32;
    req.ss = c.seg[SS];
    req.esp = c.r[ESP];
    return check_far_transfer(c.tables(), c.cpl(), req).value_or_throw();
}
}  // namespace

uint32_t Cpu::read_stack_word(uint32_t offset, bool wide) {
    offset &= sp_mask();
    return wide ? read_mem<uint32_t>(SS, offset) : read_mem<uint16_t>(SS, offset);
}

void Cpu::push_word(uint32_t v, bool wide) {
    if (wide) push<uint32_t>(v);
    else push<uint16_t>(static_cast<uint16_t>(v));
}

// The common end of RET and IRET to an outer level: CS and SS together,
// the caller's ESP, and the data segments the new CPL may not use nulled.
void Cpu::return_to_outer_level(const SegmentLoad& cs, unsigned new_cpl, const SegmentLoad& ss, uint32_t new_esp) {
    atomically([&] {
        commit_segment_load(CS, cs);
        commit_segment_load(SS, ss);
    });
    r[ESP] = stack32_ ? new_esp : (r[ESP] & 0xFFFF0000u) | (new_esp & 0xFFFF);
    null_outer_data_segments(seg, new_cpl);
    for (unsigned sr : {ES, DS, FS, GS}) update_segment_ends(sr);
}

void Cpu::far_jump(uint16_t selector, uint32_t offset) {
    if (real_addressing(*this)) {
        load_segment(CS, selector);
        next_eip = eip = offset & ip_mask();
        return;
    }
    const FarTarget t = check_far(*this, FarKind::Jump, selector, offset, false);
    if (t.task) {
        task_switch(*t.task, TaskSwitchReason::Jump, next_eip);
        return;
    }
    commit_segment_load(CS, t.cs);
    next_eip = eip = t.eip;
}

void Cpu::far_call(uint16_t selector, uint32_t offset, bool operand32) {
    if (real_addressing(*this)) {
        push_word(seg[CS].selector, operand32);
        push_word(next_eip, operand32);
        far_jump(selector, offset);
        return;
    }
    const FarTarget t = check_far(*this, FarKind::Call, selector, offset, operand32);
    if (t.task) {
        task_switch(*t.task, TaskSwitchReason::Call, next_eip);
        return;
    }
    const uint16_t old_cs = seg[CS].selector;
    const uint32_t ret = next_eip;
    const bool wide = t.gate ? t.gate->is32() : operand32;
    atomically([&] {
        if (t.stack) {
            // Through a call gate to a more privileged level: the new stack
            // receives the old SS:ESP and a copy of the caller's parameters.
            const unsigned count = t.gate->param_count;
            const unsigned size = wide ? 4 : 2;
            uint32_t params[32];
            for (unsigned k = 0; k < count; ++k) params[k] = read_stack_word(r[ESP] + k * size, wide);
            const uint16_t old_ss = seg[SS].selector;
            const uint32_t old_esp = r[ESP];
            commit_segment_load(SS, t.stack->ss);
            r[ESP] = t.stack->esp;
            set_cpl(t.cpl);
            push_word(old_ss, wide);
            push_word(old_esp, wide);
            for (unsigned k = count; k-- > 0;) push_word(params[k], wide);
        }
        push_word(old_cs, wide);
        push_word(ret, wide);
        commit_segment_load(CS, t.cs);
    });
    next_eip = eip = t.eip;
}

void Cpu::far_return(bool operand32, uint16_t release_bytes) {
    const unsigned size = operand32 ? 4 : 2;
    const uint32_t sp = stack_pointer();
    const uint32_t offset = read_stack_word(sp, operand32);
    const uint16_t selector = static_cast<uint16_t>(read_stack_word(sp + size, operand32));
    if (real_addressing(*this)) {
        far_jump(selector, offset);
        set_stack_pointer(sp + 2 * size + release_bytes);
        return;
    }
    const DescriptorTables tab = tables();
    ReturnTarget rt = check_return_cs(tab, cpl_, selector).value_or_throw();
    if (!rt.outer) {
        if (auto f = check_code_offset(rt.cs.cache, offset)) throw *f;
        commit_segment_load(CS, rt.cs);
        set_stack_pointer(sp + 2 * size + release_bytes);
        next_eip = eip = offset;
        return;
    }
    // To an outer level: the caller's SS:ESP follow the released parameters.
    const uint32_t outer_sp = sp + 2 * size + release_bytes;
    const uint32_t new_esp = read_stack_word(outer_sp, operand32);
    const uint16_t new_ss = static_cast<uint16_t>(read_stack_word(outer_sp + size, operand32));
    SegmentLoad ss = check_return_ss(tab, rt.cpl, new_ss).value_or_throw();
    if (auto f = check_code_offset(rt.cs.cache, offset)) throw *f;
    return_to_outer_level(rt.cs, rt.cpl, ss, new_esp);
    set_stack_pointer(r[ESP] + release_bytes);  // RET n releases on the outer stack too
    next_eip = eip = offset;
}

void Cpu::interrupt_return(bool operand32) {
    const unsigned size = operand32 ? 4 : 2;
    const uint32_t sp = stack_pointer();
    auto read_word = [&](uint32_t at) { return read_stack_word(at, operand32); };
    const uint32_t old_flags = flags.get();
    // The EFLAGS bits a 16-bit IRET leaves alone, and those it may not change at this CPL.
    const uint32_t width_keep = operand32 ? 0 : 0xFFFF0000u;

    if (!protected_mode() || v86()) {
        // With IOPL < 3 the monitor emulates IRET, except a 16-bit IRET
        // under CR4.VME, which loads VIF from the popped IF.
        const bool virtual_if = v86() && iopl() < 3;
        if (virtual_if && (operand32 || !vme())) fault_gp0();
        const uint32_t offset = read_word(sp);
        const uint16_t selector = static_cast<uint16_t>(read_word(sp + size));
        uint32_t popped = read_word(sp + 2 * size);
        if (virtual_if) {
            write_virtual_flags16(static_cast<uint16_t>(popped));  // faults before anything changed
            far_jump(selector, offset);
            set_stack_pointer(sp + 3 * size);
            return;
        }
        // Virtual-8086 mode cannot change IOPL, VM or RF; real mode keeps VM;
        // neither changes VIF or VIP.
        uint32_t keep = width_keep | flag::VM | flag::VIF | flag::VIP | (v86() ? (flag::IOPL | flag::RF) : 0);
        if (!operand32) keep |= ~traits_->flags_writable & 0xFFFFu;
        far_jump(selector, offset);
        set_stack_pointer(sp + 3 * size);
        set_eflags((popped & ~keep) | (old_flags & keep));
        return;
    }

    if (old_flags & flag::NT) {  // back to the task that called or interrupted this one
        TaskTarget t = check_task_return(tables(), read_sys<uint16_t>(tr.base)).value_or_throw();
        task_switch(t, TaskSwitchReason::Iret, next_eip);
        return;
    }

    const uint32_t offset = read_word(sp);
    const uint16_t selector = static_cast<uint16_t>(read_word(sp + size));
    const uint32_t popped = read_word(sp + 2 * size);

    if (operand32 && (popped & flag::VM) && cpl_ == 0) {
        // Into virtual-8086 mode: the frame also holds ESP, SS, ES, DS, FS, GS.
        uint32_t rest[6];
        for (unsigned k = 0; k < 6; ++k) rest[k] = read_word(sp + 12 + 4 * k);
        set_eflags(popped);
        static constexpr unsigned kOrder[4] = {ES, DS, FS, GS};
        load_segment(CS, selector);
        load_segment(SS, static_cast<uint16_t>(rest[1]));
        for (unsigned k = 0; k < 4; ++k) load_segment(kOrder[k], static_cast<uint16_t>(rest[2 + k]));
        r[ESP] = rest[0];
        next_eip = eip = offset & 0xFFFF;
        return;
    }

    const DescriptorTables tab = tables();
    ReturnTarget rt = check_return_cs(tab, cpl_, selector).value_or_throw();
    // IOPL changes only at CPL 0, IF only at CPL <= IOPL; VM only as above.
    uint32_t keep = width_keep | flag::VM;
    if (cpl_ > 0) keep |= flag::IOPL | flag::VIF | flag::VIP;  // VIF/VIP change only at CPL 0
    if (cpl_ > iopl()) keep |= flag::IF;
    const uint32_t new_flags = (popped & ~keep) | (old_flags & keep);

    if (!rt.outer) {
        if (auto f = check_code_offset(rt.cs.cache, offset)) throw *f;
        commit_segment_load(CS, rt.cs);
        set_stack_pointer(sp + 3 * size);
        set_eflags(new_flags);
        next_eip = eip = offset;
        return;
    }
    const uint32_t new_esp = read_word(sp + 3 * size);
    const uint16_t new_ss = static_cast<uint16_t>(read_word(sp + 4 * size));
    SegmentLoad ss = check_return_ss(tab, rt.cpl, new_ss).value_or_throw();
    if (auto f = check_code_offset(rt.cs.cache, offset)) throw *f;
    return_to_outer_level(rt.cs, rt.cpl, ss, new_esp);
    set_eflags(new_flags);
    next_eip = eip = offset;
}

}  // namespace amber
