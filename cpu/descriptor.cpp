#include "cpu/descriptor.hpp"

namespace amber {

namespace {

DescriptorKind system_kind(unsigned type, bool i286) {
    using K = DescriptorKind;
    // Indexed by the 4-bit type of a system descriptor (S = 0).
    constexpr K kinds[16] = {
        K::Invalid,    K::Tss16,          K::Ldt,        K::Tss16Busy,
        K::CallGate16, K::TaskGate,       K::InterruptGate16, K::TrapGate16,
        K::Invalid,    K::Tss32,          K::Invalid,    K::Tss32Busy,
        K::CallGate32, K::Invalid,        K::InterruptGate32, K::TrapGate32,
    };
    if (i286 && (type & 0x8)) return K::Invalid;  // the 286 defines only types 0-7
    return kinds[type & 0xF];
}

Descriptor decode(uint64_t raw, bool i286) {
    Descriptor d;
    d.raw = raw;
    const uint32_t low = static_cast<uint32_t>(raw);
    const uint32_t high = static_cast<uint32_t>(raw >> 32);
    d.base = (low >> 16) | ((high & 0xFF) << 16) | (high & 0xFF000000u);
    d.access = static_cast<uint8_t>(high >> 8);
    d.flags = static_cast<uint8_t>((high >> 20) & 0xF);
    const uint32_t limit = (low & 0xFFFF) | (high & 0x000F0000u);
    d.limit = (d.flags & flag_bits::kGranular) ? (limit << 12) | 0xFFF : limit;
    if (d.access & access_bits::kSegment)
        d.kind = (d.access & access_bits::kCode) ? DescriptorKind::Code : DescriptorKind::Data;
    else
        d.kind = system_kind(d.access & 0xF, i286);
    return d;
}

}  // namespace

bool Descriptor::is_gate() const {
    return is_call_gate() || is_interrupt_or_trap_gate() || kind == DescriptorKind::TaskGate;
}

bool Descriptor::is_interrupt_or_trap_gate() const {
    switch (kind) {
    case DescriptorKind::InterruptGate16:
    case DescriptorKind::TrapGate16:
    case DescriptorKind::InterruptGate32:
    case DescriptorKind::TrapGate32: return true;
    default: return false;
    }
}

bool Descriptor::is_32bit_system() const {
    return !is_segment() && kind != DescriptorKind::Invalid && (type() & 0x8);
}

Descriptor decode_descriptor(uint64_t raw) { return decode(raw, false); }

Descriptor decode_descriptor(uint32_t low, uint32_t high) {
    return decode(uint64_t(high) << 32 | low, false);
}

Descriptor decode_descriptor_286(uint64_t raw) { return decode(raw & 0x0000FFFFFFFFFFFFull, true); }

Gate decode_gate(const Descriptor& d) {
    Gate g;
    g.kind = d.kind;
    const uint32_t low = static_cast<uint32_t>(d.raw);
    const uint32_t high = static_cast<uint32_t>(d.raw >> 32);
    g.selector = static_cast<uint16_t>(low >> 16);
    g.offset = low & 0xFFFF;
    if (g.is32()) g.offset |= high & 0xFFFF0000u;
    if (d.is_call_gate()) g.param_count = high & 0x1F;
    g.dpl = d.dpl();
    g.present = d.present();
    return g;
}

Segment segment_cache(uint16_t selector, const Descriptor& d) {
    Segment s;
    s.selector = selector;
    s.base = d.base;
    s.limit = d.limit;
    s.attr = static_cast<uint16_t>(d.access | (d.flags << flag_bits::kAttrShift));
    return s;
}

bool needs_accessed_writeback(const Descriptor& d) { return d.is_segment() && !d.accessed(); }

uint8_t accessed_access_byte(const Descriptor& d) { return d.access | access_bits::kAccessed; }

uint8_t tss_access_byte(const Descriptor& d, bool busy) {
    return busy ? (d.access | access_bits::kTssBusy) : (d.access & ~access_bits::kTssBusy);
}

}  // namespace amber
