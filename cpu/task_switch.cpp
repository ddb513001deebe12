// Hardware task switches (Intel SDM Vol. 3, 7.3): the current state goes to
// the old TSS, the new TSS's state is loaded, busy bits, NT and the back
// link record the nesting. The target has passed protection_transfer's
// checks; the checks of the new task's own state raise #TS (or #NP/#SS) in
// the new task's context, as on the hardware.
#include "cpu/cpu.hpp"
#include "cpu/protection.hpp"
#include "cpu/protection_transfer.hpp"

namespace amber {

namespace {
// Where each field lives in a 386 (32-bit) and a 286 (16-bit) TSS.
struct TssLayout {
    uint32_t min_limit, eip, eflags, regs, segs, ldt;
    unsigned word;  // bytes per register slot
};
constexpr TssLayout kTss32{0x67, 0x20, 0x24, 0x28, 0x48, 0x60, 4};
constexpr TssLayout kTss16{0x2B, 0x0E, 0x10, 0x12, 0x22, 0x2A, 2};
constexpr uint32_t kTss32Cr3 = 0x1C;
// Segment registers in TSS order: ES, CS, SS, DS (286), then FS, GS (386).
constexpr unsigned kTssSegOrder[6] = {ES, CS, SS, DS, FS, GS};

bool is_tss32(const Descriptor& d) { return d.kind == DescriptorKind::Tss32 || d.kind == DescriptorKind::Tss32Busy; }

// A check that failed with #GP becomes #TS with the same error code: inside
// a task switch every bad selector is an invalid-TSS fault.
template <typename T> T as_task_fault(Checked<T> c) {
    if (!c.ok() && c.fault().vector == vec::GP) throw CpuFault{vec::TS, true, c.fault().error};
    return std::move(c).value_or_throw();
}
}  // namespace

void Cpu::task_switch(const TaskTarget& target, TaskSwitchReason why, uint32_t return_eip, bool has_error,
                      uint16_t error) {
    const Descriptor& nd = target.tss.desc;
    const TssLayout& nl = is_tss32(nd) ? kTss32 : kTss16;
    if (nd.limit < nl.min_limit) throw CpuFault{vec::TS, true, selector_error(target.selector)};

    // Save the outgoing task.
    const bool old32 = (tr.attr & 0x08) != 0;
    const TssLayout& ol = old32 ? kTss32 : kTss16;
    auto put = [&](uint32_t at, uint32_t v, unsigned size) {
        if (size == 4) write_sys<uint32_t>(tr.base + at, v);
        else write_sys<uint16_t>(tr.base + at, static_cast<uint16_t>(v));
    };
    const uint32_t gdt = gdtr.base;
    auto set_busy = [&](uint16_t sel, bool busy) {
        const uint32_t at = gdt + (sel & 0xFFF8u) + kAccessByteOffset;
        const uint8_t access = read_sys<uint8_t>(at);
        write_sys<uint8_t>(at, busy ? (access | access_bits::kTssBusy) : (access & ~access_bits::kTssBusy));
    };
    uint32_t saved_flags = flags.get() | traits_->flags_fixed_one;
    if (why == TaskSwitchReason::Iret) saved_flags &= ~flag::NT;
    if (why == TaskSwitchReason::Jump || why == TaskSwitchReason::Iret) set_busy(tr.selector, false);
    put(ol.eip, return_eip, ol.word);
    put(ol.eflags, saved_flags, ol.word);
    for (unsigned n = 0; n < 8; ++n) put(ol.regs + n * ol.word, r[n], ol.word);
    for (unsigned k = 0; k < (old32 ? 6u : 4u); ++k) put(ol.segs + k * ol.word, seg[kTssSegOrder[k]].selector, 2);

    // Read the incoming task.
    const uint32_t base = nd.base;
    auto get = [&](uint32_t at, unsigned size) -> uint32_t {
        return size == 4 ? read_sys<uint32_t>(base + at) : read_sys<uint16_t>(base + at);
    };
    const uint32_t new_cr3 = nl.word == 4 ? get(kTss32Cr3, 4) : cr3;
    const uint32_t new_eip = get(nl.eip, nl.word);
    uint32_t new_flags = get(nl.eflags, nl.word);
    uint32_t regs[8];
    for (unsigned n = 0; n < 8; ++n) regs[n] = get(nl.regs + n * nl.word, nl.word);
    uint16_t sels[6] = {};
    for (unsigned k = 0; k < (nl.word == 4 ? 6u : 4u); ++k)
        sels[kTssSegOrder[k]] = static_cast<uint16_t>(get(nl.segs + k * nl.word, 2));
    const uint16_t new_ldt = static_cast<uint16_t>(get(nl.ldt, 2));

    if (why == TaskSwitchReason::Call || why == TaskSwitchReason::Interrupt) {
        write_sys<uint16_t>(base, tr.selector);  // back link
        new_flags |= flag::NT;
    }
    if (why != TaskSwitchReason::Iret) set_busy(target.selector, true);

    // Commit: from here on, faults belong to the new task.
    Segment new_tr = segment_cache(target.selector, nd);
    new_tr.attr |= access_bits::kTssBusy;
    tr = new_tr;
    cr0 |= cr0_bit::TS;
    if (nl.word == 4 && paging() && new_cr3 != cr3) set_cr3(new_cr3);
    else if (nl.word == 4) cr3 = new_cr3;
    if (nl.word == 4) {
        for (unsigned n = 0; n < 8; ++n) r[n] = regs[n];
        set_eflags(new_flags);
    } else {
        for (unsigned n = 0; n < 8; ++n) r[n] = (r[n] & 0xFFFF0000u) | regs[n];
        set_eflags((flags.get() & 0xFFFF0000u) | new_flags);
    }
    next_eip = eip = new_eip;
    // The selectors arrive first, with unusable caches, so a fault below
    // leaves the new task's selectors visible to its handler.
    for (unsigned sr = 0; sr < 6; ++sr) {
        Segment s = seg[sr];
        s.selector = sels[sr];
        seg[sr] = s;
    }
    ldtr.selector = new_ldt;

    const DescriptorTables no_ldt = tables();
    ldtr = as_task_fault(check_ldt_load(no_ldt, new_ldt)).cache;
    if (v86()) {
        for (unsigned sr = 0; sr < 6; ++sr) load_segment(sr, sels[sr]);
    } else {
        const DescriptorTables t = tables();
        // CS: code, DPL == RPL (conforming: DPL <= RPL), present.
        const uint16_t cs_sel = sels[CS];
        if (selector::is_null(cs_sel)) throw CpuFault{vec::TS, true, 0};
        FetchedDescriptor cs = as_task_fault(fetch_descriptor(t, cs_sel, vec::TS));
        const unsigned rpl = selector::rpl(cs_sel);
        if (!cs.desc.is_code() || (cs.desc.conforming() ? cs.desc.dpl() > rpl : cs.desc.dpl() != rpl))
            throw CpuFault{vec::TS, true, selector_error(cs_sel)};
        if (!cs.desc.present()) throw CpuFault{vec::NP, true, selector_error(cs_sel)};
        commit_segment_load(CS, load_from(cs_sel, cs));
        commit_segment_load(SS, as_task_fault(check_stack_segment_load(t, cpl_, sels[SS])));
        for (unsigned sr : {DS, ES, FS, GS})
            commit_segment_load(sr, as_task_fault(check_data_segment_load(t, cpl_, sels[sr])));
    }
    if (has_error) {
        if (nl.word == 4) push<uint32_t>(error);
        else push<uint16_t>(error);
    }
    if (auto f = check_code_offset(seg[CS], eip)) throw *f;
}

}  // namespace amber
