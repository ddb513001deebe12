// Segment registers in every mode: real and virtual-8086 mode load a base
// of selector * 16; protected mode loads a descriptor by the rules of
// protection.hpp. Also the mode bookkeeping every load depends on (CPL, the
// user or supervisor TLB, the per-segment access ends).
#include "cpu/cpu.hpp"
#include "cpu/protection.hpp"

namespace amber {

DescriptorTables Cpu::tables() {
    DescriptorTables t;
    t.gdt_base = gdtr.base;
    t.gdt_limit = gdtr.limit;
    t.ldt_base = ldtr.base;
    t.ldt_limit = ldtr.limit;
    t.ldt_valid = !selector::is_null(ldtr.selector) && (ldtr.attr & access_bits::kPresent);
    t.idt_base = idtr.base;
    t.idt_limit = idtr.limit;
    t.tss_selector = tr.selector;
    t.tss_base = tr.base;
    t.tss_limit = tr.limit;
    t.tss32 = (tr.attr & 0x08) != 0;  // types 9/11 (386 TSS) against 1/3 (286 TSS)
    t.i286 = traits_->model == CpuModel::i80286;
    t.read64 = [this](uint32_t lin) {
        return uint64_t(read_sys<uint32_t>(lin)) | (uint64_t(read_sys<uint32_t>(lin + 4)) << 32);
    };
    return t;
}

void Cpu::commit_segment_load(unsigned sr, const SegmentLoad& load) {
    if (load.write_access_byte) write_sys<uint8_t>(load.access_byte_address, static_cast<uint8_t>(load.cache.attr));
    set_segment_cache(sr, load.cache);
}

void Cpu::load_segment(unsigned sr, uint16_t selector) {
    if (!protected_mode() || v86()) {
        Segment s = seg[sr];
        s.selector = selector;
        s.base = uint32_t(selector) << 4;
        if (v86()) {  // virtual-8086 segments are 64 KiB, writable, at privilege 3
            s.limit = 0xFFFF;
            s.attr = 0xF3;
        }
        set_segment_cache(sr, s);
        return;
    }
    const DescriptorTables t = tables();
    if (sr == SS) commit_segment_load(sr, check_stack_segment_load(t, cpl_, selector).value_or_throw());
    else commit_segment_load(sr, check_data_segment_load(t, cpl_, selector).value_or_throw());
}

void Cpu::set_segment_cache(unsigned sr, const Segment& s) {
    seg[sr] = s;
    if (sr == CS) {
        code32_ = s.attr & Segment::kBig;
        if (protected_mode() && !v86()) set_cpl(s.selector & 3);
    }
    if (sr == SS) stack32_ = s.attr & Segment::kBig;
    update_segment_ends(sr);
}

void Cpu::set_cpl(unsigned cpl) {
    cpl_ = cpl;
    tlb_ = &tlbs_[cpl == 3 ? kUserTlb : kSupervisorTlb];
    update_align_check();
}

void Cpu::restore_state(const Snapshot& s) {
    for (unsigned sr = 0; sr < 6; ++sr) seg[sr] = s.seg[sr];
    r[ESP] = s.esp;
    flags.set(s.eflags);
    code32_ = seg[CS].attr & Segment::kBig;
    stack32_ = seg[SS].attr & Segment::kBig;
    mode_changed();
    sync_irq_pending();
    update_debug_active();
}

void Cpu::mode_changed() {
    set_cpl(!protected_mode() ? 0 : v86() ? 3 : (seg[CS].selector & 3));
    for (unsigned sr = 0; sr < 6; ++sr) update_segment_ends(sr);
    cache_.bump_epoch();  // chained blocks were linked under the old mode
}

}  // namespace amber
