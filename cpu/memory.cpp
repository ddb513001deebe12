// The CPU's memory path beyond the inline fast path: TLB fills through the
// page walker, page-crossing and special-page accesses, and the segment
// rules the one-compare check in read_mem/write_mem leaves to this file.
#include <optional>

#include "cpu/cpu.hpp"
#include "cpu/descriptor.hpp"

namespace amber {

PagingMode Cpu::paging_mode() const {
    PagingMode m;
    m.cr3 = cr3;
    m.write_protect = (cr0 & cr0_bit::WP) && traits_->model >= CpuModel::i486;
    m.pse = cr4 & cr4_bit::PSE;
    m.pge = cr4 & cr4_bit::PGE;
    m.pae = cr4 & cr4_bit::PAE;
    for (unsigned i = 0; i < 4; ++i) m.pdpte[i] = pdptes_[i];
    m.address_mask = addr_mask_;
    return m;
}

void Cpu::set_a20(bool enabled) {
    a20_ = enabled;
    uint32_t bus = traits_->address_bits >= 32 ? 0xFFFFFFFFu : (1u << traits_->address_bits) - 1;
    addr_mask_ = enabled ? bus : (bus & ~(1u << 20));
    flush_tlb();
}

void Cpu::flush_tlb() {
    for (Tlb& t : tlbs_) t.flush();
    cache_.bump_epoch();  // linear -> physical may have changed under chained blocks
}

void Cpu::flush_tlb_non_global() {
    for (Tlb& t : tlbs_) t.flush_non_global();
    cache_.bump_epoch();
}

void Cpu::flush_tlb_page(uint32_t lin) {
    for (Tlb& t : tlbs_) t.flush_page(lin);
    cache_.bump_epoch();
}

// Alignment checking keeps user pages out of the TLB's fast path, so the
// slow path sees every user access; it is rare enough not to matter.
void Cpu::update_align_check() {
    const bool on = (cr0 & cr0_bit::AM) && (flags.raw_bits() & flag::AC) && cpl_ == 3 &&
                    traits_->model >= CpuModel::i486;
    if (on != align_check_) {
        align_check_ = on;
        tlbs_[kUserTlb].flush();
    }
}

void Cpu::page_fault(uint32_t lin, uint16_t error) {
    cr2 = lin;
    throw CpuFault{vec::PF, true, error};
}

std::optional<uint32_t> Cpu::translate(uint32_t lin) const {
    if (!paging()) return lin & addr_mask_;
    PageWalk w = inspect_page_tables(mem_, lin, paging_mode());
    if (!w.ok) return std::nullopt;
    return w.phys;
}

TlbEntry* Cpu::fill_tlb(uint32_t lin, AccessKind kind, bool probe) {
    const bool user = tlb_ == &tlbs_[kUserTlb];
    const uint32_t page = lin & ~kPageMask;
    uint32_t phys;
    bool may_write = true;
    bool global = false;
    if (paging()) {
        const PagingMode mode = paging_mode();
        PageWalk w = walk_page_tables(mem_, lin, kind, user, mode);
        if (!w.ok) {
            if (probe) return nullptr;
            page_fault(lin, w.error_code);
        }
        phys = w.phys & ~kPageMask;
        // The first write to a clean page must walk again to set Dirty.
        may_write = w.dirty && allows(w, AccessKind::Write, user, mode.write_protect);
        global = w.global;
    } else {
        phys = page & addr_mask_;
    }
    const PageSlot& s = mem_.slot(phys);
    TlbEntry& e = tlb_->entry(lin);
    e = TlbEntry{};
    e.phys_page = phys;
    e.global = global;
    // Pages with a data breakpoint keep every tag invalid, so each access
    // reaches the slow path, which checks the breakpoints.
    if (s.host && !(debug_active_ && page_has_watchpoint(page, phys)) && !(align_check_ && user)) {
        e.host_page = s.host;
        e.read_tag = e.fetch_tag = page;
        // A page clean in the dirty log gets its write tag only from a write,
        // which marks it (reads of a clean page leave it clean).
        if (may_write && s.writable && !s.has_code && (!s.clean || kind == AccessKind::Write)) {
            if (s.clean) mem_.note_write(phys);
            e.write_tag = page;
        }
    }
    return &e;
}

void Cpu::probe_write(uint32_t lin, unsigned size) {
    if (!paging()) return;
    const uint32_t first = lin & ~kPageMask, last = (lin + size - 1) & ~kPageMask;
    if (tlb_->entry(first).write_tag != first) fill_tlb(first, AccessKind::Write);
    if (last != first && tlb_->entry(last).write_tag != last) fill_tlb(last, AccessKind::Write);
}

template <typename T> T Cpu::read_lin_slow(uint32_t lin) {
    check_alignment<T>(lin);
    if (!fits_in_page(lin, sizeof(T))) {
        T v = 0;
        for (unsigned i = 0; i < sizeof(T); ++i) v |= static_cast<T>(T(read_lin<uint8_t>(lin + i)) << (8 * i));
        return v;
    }
    TlbEntry& e = *fill_tlb(lin, AccessKind::Read);
    if (AMBER_UNLIKELY(debug_active_)) {
        check_data_breakpoints(lin, sizeof(T), false);
        check_debugger_watchpoints(lin, e.phys_page | (lin & kPageMask), sizeof(T), false);
    }
    if (e.read_tag == (lin & ~kPageMask)) return load_le<T>(e.host_page + (lin & kPageMask));
    return mem_.read<T>(e.phys_page | (lin & kPageMask));
}

template <typename T> void Cpu::write_lin_slow(uint32_t lin, T v) {
    check_alignment<T>(lin);
    if (!fits_in_page(lin, sizeof(T))) {
        // Both pages are checked before either is written: a fault on the
        // second leaves the first unchanged.
        probe_write(lin, sizeof(T));
        for (unsigned i = 0; i < sizeof(T); ++i) write_lin<uint8_t>(lin + i, static_cast<uint8_t>(v >> (8 * i)));
        return;
    }
    TlbEntry& e = *fill_tlb(lin, AccessKind::Write);
    if (AMBER_UNLIKELY(debug_active_)) {
        check_data_breakpoints(lin, sizeof(T), true);
        check_debugger_watchpoints(lin, e.phys_page | (lin & kPageMask), sizeof(T), true);
    }
    if (e.write_tag == (lin & ~kPageMask)) {
        store_le<T>(e.host_page + (lin & kPageMask), v);
        return;
    }
    mem_.write<T>(e.phys_page | (lin & kPageMask), v);  // ROM, MMIO, a code page, or a watched page
    const PageSlot& s = mem_.slot(e.phys_page);
    if (s.host && s.writable && !s.has_code && !debug_active_)
        fill_tlb(lin, AccessKind::Write);  // a just-cleaned code page becomes fast again
}

// ---------------------------------------------------------------- segment rules

namespace {
// The highest offset of an expand-down segment: 64 KiB or 4 GiB by its B bit.
uint32_t expand_down_top(const Segment& s) { return (s.attr & Segment::kBig) ? 0xFFFFFFFFu : 0xFFFFu; }
bool is_code(const Segment& s) { return (s.attr & 0x18) == 0x18; }
}  // namespace

void Cpu::update_segment_ends(unsigned sr) {
    const Segment& s = seg[sr];
    const uint64_t end = uint64_t(s.limit) + 1;
    if (!protected_mode() || v86()) {  // no access rights outside protected mode
        read_end_[sr] = write_end_[sr] = end;
        return;
    }
    const uint8_t a = static_cast<uint8_t>(s.attr);
    const bool usable = (a & access_bits::kPresent) && (a & access_bits::kSegment);
    if (!usable || (!is_code(s) && (a & access_bits::kExpandDown))) {
        read_end_[sr] = write_end_[sr] = 0;  // the edge path applies the full rules
        return;
    }
    if (is_code(s)) {
        read_end_[sr] = (a & access_bits::kReadable) ? end : 0;
        write_end_[sr] = 0;
    } else {
        read_end_[sr] = end;
        write_end_[sr] = (a & access_bits::kWritable) ? end : 0;
    }
}

void Cpu::check_segment_access(unsigned sr, uint32_t off, unsigned size, bool write) {
    const Segment& s = seg[sr];
    const uint64_t last = uint64_t(off) + size - 1;
    if (!protected_mode() || v86()) {  // the 8086 wraps within the segment instead
        if (off > s.limit || (last > s.limit && traits_->segment_wrap_faults)) fault_segment(sr);
        return;
    }
    const uint8_t a = static_cast<uint8_t>(s.attr);
    // A null or unusable segment: #GP(0) even for SS (it cannot be null in use).
    if (!(a & access_bits::kPresent) || !(a & access_bits::kSegment)) fault_gp0();
    if (is_code(s) ? (write || !(a & access_bits::kReadable)) : (write && !(a & access_bits::kWritable)))
        fault_gp0();
    if (!is_code(s) && (a & access_bits::kExpandDown)) {
        if (off <= s.limit || last > expand_down_top(s)) fault_segment(sr);
        return;
    }
    if (last > s.limit) fault_segment(sr);
}

// An access the one-compare check did not pass. The 8086 wraps the offset
// within the segment; later CPUs apply the full rules.
template <typename T> T Cpu::read_mem_edge(unsigned sr, uint32_t off) {
    if (traits_->segment_wrap_faults) {
        check_segment_access(sr, off, sizeof(T), false);
        return read_lin<T>(seg[sr].base + off);
    }
    T v = 0;
    for (unsigned i = 0; i < sizeof(T); ++i)
        v |= static_cast<T>(T(read_lin<uint8_t>(seg[sr].base + ((off + i) & 0xFFFF))) << (8 * i));
    return v;
}

template <typename T> void Cpu::write_mem_edge(unsigned sr, uint32_t off, T v) {
    if (traits_->segment_wrap_faults) {
        check_segment_access(sr, off, sizeof(T), true);
        write_lin<T>(seg[sr].base + off, v);
        return;
    }
    for (unsigned i = 0; i < sizeof(T); ++i)
        write_lin<uint8_t>(seg[sr].base + ((off + i) & 0xFFFF), static_cast<uint8_t>(v >> (8 * i)));
}

void Cpu::fault_segment(unsigned sr) {
    bool stack = sr == SS && !traits_->overrun_is_gp;
    throw CpuFault{stack ? vec::SS : vec::GP, traits_->model >= CpuModel::i386, 0};
}

template uint8_t Cpu::read_lin_slow<uint8_t>(uint32_t);
template uint16_t Cpu::read_lin_slow<uint16_t>(uint32_t);
template uint32_t Cpu::read_lin_slow<uint32_t>(uint32_t);
template void Cpu::write_lin_slow<uint8_t>(uint32_t, uint8_t);
template void Cpu::write_lin_slow<uint16_t>(uint32_t, uint16_t);
template void Cpu::write_lin_slow<uint32_t>(uint32_t, uint32_t);
template uint8_t Cpu::read_mem_edge<uint8_t>(unsigned, uint32_t);
template uint16_t Cpu::read_mem_edge<uint16_t>(unsigned, uint32_t);
template uint32_t Cpu::read_mem_edge<uint32_t>(unsigned, uint32_t);
template void Cpu::write_mem_edge<uint8_t>(unsigned, uint32_t, uint8_t);
template void Cpu::write_mem_edge<uint16_t>(unsigned, uint32_t, uint16_t);
template void Cpu::write_mem_edge<uint32_t>(unsigned, uint32_t, uint32_t);

}  // namespace amber
