#include "cpu/protection.hpp"

#include <algorithm>

namespace amber {

namespace {

CpuFault gp(uint16_t error) { return fault_with_error(vec::GP, error); }

// The privilege test shared by data segment loads and the probing
// instructions: a conforming code segment is usable from any level; anything
// else needs DPL >= max(CPL, RPL).
bool accessible(const Descriptor& d, unsigned cpl, uint16_t sel) {
    return d.conforming() || d.dpl() >= std::max(cpl, selector::rpl(sel));
}

// The entry a probing instruction looks at, if it names one at all.
std::optional<Descriptor> probe(const DescriptorTables& t, uint16_t sel) {
    if (selector::is_null(sel)) return std::nullopt;
    auto f = peek_descriptor(t, sel);
    if (!f) return std::nullopt;
    return f->desc;
}

bool lar_type_ok(const Descriptor& d) {
    switch (d.kind) {
    case DescriptorKind::Data:
    case DescriptorKind::Code:
    case DescriptorKind::Tss16:
    case DescriptorKind::Ldt:
    case DescriptorKind::Tss16Busy:
    case DescriptorKind::CallGate16:
    case DescriptorKind::TaskGate:
    case DescriptorKind::Tss32:
    case DescriptorKind::Tss32Busy:
    case DescriptorKind::CallGate32: return true;
    default: return false;  // interrupt/trap gates and reserved types
    }
}

bool lsl_type_ok(const Descriptor& d) { return d.is_segment() || d.is_tss() || d.kind == DescriptorKind::Ldt; }

}  // namespace

Segment null_segment(uint16_t sel) {
    Segment s;
    s.selector = sel;
    s.base = 0;
    s.limit = 0;
    s.attr = 0;
    return s;
}

bool segment_usable(const Segment& s) { return s.attr & access_bits::kPresent; }

Checked<SegmentLoad> check_data_segment_load(const DescriptorTables& t, unsigned cpl, uint16_t sel) {
    if (selector::is_null(sel)) return SegmentLoad{null_segment(sel)};
    auto f = fetch_descriptor(t, sel);
    if (!f) return f.fault();
    const Descriptor& d = f->desc;
    if (!d.readable() || !accessible(d, cpl, sel)) return gp(selector_error(sel));
    if (!d.present()) return fault_with_error(vec::NP, selector_error(sel));
    return load_from(sel, *f);
}

Checked<SegmentLoad> check_stack_segment_load(const DescriptorTables& t, unsigned cpl, uint16_t sel) {
    if (selector::is_null(sel)) return gp(0);
    auto f = fetch_descriptor(t, sel);
    if (!f) return f.fault();
    const Descriptor& d = f->desc;
    if (selector::rpl(sel) != cpl || !d.writable() || d.dpl() != cpl) return gp(selector_error(sel));
    if (!d.present()) return fault_with_error(vec::SS, selector_error(sel));
    return load_from(sel, *f);
}

Checked<SegmentLoad> check_ldt_load(const DescriptorTables& t, uint16_t sel) {
    if (selector::is_null(sel)) return SegmentLoad{null_segment(sel)};
    if (selector::in_ldt(sel)) return gp(selector_error(sel));
    auto f = fetch_descriptor(t, sel);
    if (!f) return f.fault();
    if (f->desc.kind != DescriptorKind::Ldt) return gp(selector_error(sel));
    if (!f->desc.present()) return fault_with_error(vec::NP, selector_error(sel));
    return SegmentLoad{segment_cache(sel, f->desc)};
}

Checked<SegmentLoad> check_task_register_load(const DescriptorTables& t, uint16_t sel) {
    if (selector::is_null(sel)) return gp(0);
    if (selector::in_ldt(sel)) return gp(selector_error(sel));
    auto f = fetch_descriptor(t, sel);
    if (!f) return f.fault();
    if (!f->desc.is_available_tss()) return gp(selector_error(sel));
    if (!f->desc.present()) return fault_with_error(vec::NP, selector_error(sel));
    SegmentLoad load{segment_cache(sel, f->desc)};
    const uint8_t busy = tss_access_byte(f->desc, true);
    load.cache.attr = static_cast<uint16_t>((load.cache.attr & 0xFF00) | busy);
    load.write_access_byte = true;
    load.access_byte_address = f->address + kAccessByteOffset;
    return load;
}

bool stack_has_room(const Segment& ss, uint32_t esp, uint32_t bytes) {
    if (bytes == 0) return true;
    const uint32_t top_of_space = (ss.attr & Segment::kBig) ? 0xFFFFFFFFu : 0xFFFFu;
    const bool expand_down = (ss.attr & (access_bits::kSegment | access_bits::kCode | access_bits::kExpandDown)) ==
                             (access_bits::kSegment | access_bits::kExpandDown);
    // The valid offsets form one interval, so checking a range's ends suffices.
    auto valid = [&](uint32_t off) { return expand_down ? (off > ss.limit && off <= top_of_space) : off <= ss.limit; };
    const uint32_t highest = (esp - 1) & top_of_space;
    const uint32_t lowest = (esp - bytes) & top_of_space;
    if (lowest <= highest) return valid(lowest) && valid(highest);
    // The pushes wrap around the top of the stack's address space.
    return valid(lowest) && valid(top_of_space) && valid(0) && valid(highest);
}

std::optional<CpuFault> check_code_offset(const Segment& cs, uint32_t eip, uint16_t error) {
    if (eip > cs.limit) return gp(error);
    return std::nullopt;
}

Checked<ReturnTarget> check_return_cs(const DescriptorTables& t, unsigned cpl, uint16_t cs_sel) {
    if (selector::is_null(cs_sel)) return gp(0);
    auto f = fetch_descriptor(t, cs_sel);
    if (!f) return f.fault();
    const Descriptor& d = f->desc;
    const unsigned rpl = selector::rpl(cs_sel);
    if (!d.is_code() || rpl < cpl) return gp(selector_error(cs_sel));
    // Conforming code may be more privileged than the level returned to;
    // other code must be exactly that level.
    if (d.conforming() ? d.dpl() > rpl : d.dpl() != rpl) return gp(selector_error(cs_sel));
    if (!d.present()) return fault_with_error(vec::NP, selector_error(cs_sel));
    return ReturnTarget{load_from(cs_sel, *f), rpl, rpl > cpl};
}

// The stack a return lands on obeys the same rule as loading SS at the new CPL.
Checked<SegmentLoad> check_return_ss(const DescriptorTables& t, unsigned new_cpl, uint16_t ss_sel) {
    return check_stack_segment_load(t, new_cpl, ss_sel);
}

bool loses_access_on_return(const Segment& s, unsigned new_cpl) {
    const unsigned dpl = (s.attr >> access_bits::kDplShift) & 3;
    const uint16_t conforming_code = access_bits::kSegment | access_bits::kCode | access_bits::kConforming;
    return dpl < new_cpl && (s.attr & conforming_code) != conforming_code;
}

void null_outer_data_segments(Segment (&seg)[6], unsigned new_cpl) {
    for (unsigned sr : {ES, DS, FS, GS})
        if (loses_access_on_return(seg[sr], new_cpl)) seg[sr] = null_segment(0);
}

std::optional<uint32_t> access_rights_for_lar(const DescriptorTables& t, unsigned cpl, uint16_t sel) {
    const auto d = probe(t, sel);
    if (!d || !lar_type_ok(*d) || !accessible(*d, cpl, sel)) return std::nullopt;
    return static_cast<uint32_t>(d->raw >> 32) & 0x00FFFF00u;
}

std::optional<uint32_t> limit_for_lsl(const DescriptorTables& t, unsigned cpl, uint16_t sel) {
    const auto d = probe(t, sel);
    if (!d || !lsl_type_ok(*d) || !accessible(*d, cpl, sel)) return std::nullopt;
    return d->limit;
}

bool readable_for_verr(const DescriptorTables& t, unsigned cpl, uint16_t sel) {
    const auto d = probe(t, sel);
    return d && d->readable() && accessible(*d, cpl, sel);
}

bool writable_for_verw(const DescriptorTables& t, unsigned cpl, uint16_t sel) {
    const auto d = probe(t, sel);
    return d && d->writable() && accessible(*d, cpl, sel);
}

}  // namespace amber
