#include "frontend/monitor/descriptors.hpp"

#include <fmt/format.h>

#include "cpu/descriptor_tables.hpp"
#include "mmu/endian.hpp"

namespace amber::monitor {

Table gdt_of(const Cpu& c) { return {"GDT", c.gdtr.base, c.gdtr.limit}; }
Table idt_of(const Cpu& c) { return {"IDT", c.idtr.base, c.idtr.limit}; }

Table ldt_of(const Cpu& c) {
    if (selector::is_null(c.ldtr.selector)) throw CommandError("no LDT is loaded (LDTR is null)");
    return {"LDT", c.ldtr.base, c.ldtr.limit};
}

std::optional<uint64_t> read_entry(const Debugger& dbg, const Table& t, uint32_t offset) {
    uint8_t raw[8];
    if (!dbg.read_linear(t.base + offset, raw)) return std::nullopt;
    return load_le<uint64_t>(raw);
}

Descriptor decode_entry(const Cpu& c, uint64_t raw) {
    return c.model() == CpuModel::i80286 ? decode_descriptor_286(raw) : decode_descriptor(raw);
}

Descriptor descriptor_for_selector(Debugger& dbg, uint16_t sel) {
    const Cpu& c = dbg.cpu();
    if (!selector::in_ldt(sel) && selector::is_null(sel)) throw CommandError(fmt::format("selector {:04X} is null", sel));
    const Table t = selector::in_ldt(sel) ? ldt_of(c) : gdt_of(c);
    const uint32_t offset = sel & 0xFFF8u;
    if (offset + 7 > t.limit)
        throw CommandError(fmt::format("selector {:04X} is past the {} limit {:04X}", sel, t.name, t.limit));
    auto raw = read_entry(dbg, t, offset);
    if (!raw) throw CommandError(fmt::format("the {} entry of selector {:04X} is not mapped", t.name, sel));
    return decode_entry(c, *raw);
}

uint32_t linear_address(Debugger& dbg, const Address& a) {
    const Cpu& c = dbg.cpu();
    if (a.segment_register) return c.seg[*a.segment_register].base + a.offset;
    if (!a.segment) return a.offset;
    if (!c.protected_mode() || c.v86()) return (uint32_t(*a.segment) << 4) + a.offset;
    const Descriptor d = descriptor_for_selector(dbg, *a.segment);
    if (!d.is_segment())
        throw CommandError(fmt::format("selector {:04X} is not a code or data segment", *a.segment));
    return d.base + a.offset;
}

namespace {

std::string segment_words(const Descriptor& d) {
    std::string s = d.is_code() ? "code" : "data";
    s += d.big() ? " 32-bit" : " 16-bit";
    if (d.is_code()) {
        s += d.readable() ? " readable" : " execute-only";
        if (d.conforming()) s += " conforming";
    } else {
        s += d.writable() ? " writable" : " read-only";
        if (d.expand_down()) s += " expand-down";
    }
    if (d.accessed()) s += " accessed";
    return s;
}

const char* system_name(DescriptorKind k) {
    switch (k) {
    case DescriptorKind::Tss16: return "tss16 available";
    case DescriptorKind::Tss16Busy: return "tss16 busy";
    case DescriptorKind::Tss32: return "tss32 available";
    case DescriptorKind::Tss32Busy: return "tss32 busy";
    case DescriptorKind::Ldt: return "ldt";
    case DescriptorKind::CallGate16: return "call-gate16";
    case DescriptorKind::CallGate32: return "call-gate32";
    case DescriptorKind::TaskGate: return "task-gate";
    case DescriptorKind::InterruptGate16: return "interrupt-gate16";
    case DescriptorKind::InterruptGate32: return "interrupt-gate32";
    case DescriptorKind::TrapGate16: return "trap-gate16";
    case DescriptorKind::TrapGate32: return "trap-gate32";
    default: return "invalid";
    }
}

std::string presence(const Descriptor& d) { return d.present() ? "" : ", not present"; }

}  // namespace

std::string describe_descriptor(const Descriptor& d) {
    if (d.raw == 0) return "empty";
    if (d.is_segment())
        return fmt::format("{}, DPL {}{}, base {:08X}, limit {:08X}", segment_words(d), d.dpl(), presence(d), d.base,
                           d.limit);
    if (d.kind == DescriptorKind::TaskGate)
        return fmt::format("task-gate -> tss {:04X}, DPL {}{}", decode_gate(d).selector, d.dpl(), presence(d));
    if (d.is_gate()) {
        const Gate g = decode_gate(d);
        std::string params = d.is_call_gate() ? fmt::format(", {} param{}", g.param_count, g.param_count == 1 ? "" : "s") : "";
        return fmt::format("{} -> {:04X}:{:0{}X}{}, DPL {}{}", system_name(d.kind), g.selector, g.offset,
                           g.is32() ? 8 : 4, params, d.dpl(), presence(d));
    }
    if (d.kind == DescriptorKind::Invalid) return fmt::format("invalid (system type {:X})", d.type());
    return fmt::format("{}, DPL {}{}, base {:08X}, limit {:08X}", system_name(d.kind), d.dpl(), presence(d), d.base,
                       d.limit);
}

std::string describe_segment_cache(const Segment& s) {
    if (s.attr == 0) return "null (unusable)";  // what a null selector loads
    // Rebuild a descriptor from the cached access byte and flags, so the
    // cache is described in the same words as the table entries.
    const uint32_t high = uint32_t(s.attr & 0xFF) << 8 | uint32_t((s.attr >> flag_bits::kAttrShift) & 0xF) << 20;
    Descriptor d = decode_descriptor(0, high);
    d.base = s.base;
    d.limit = s.limit;
    d.raw = ~uint64_t(0);  // never "empty": a cache always describes something
    return describe_descriptor(d);
}

}  // namespace amber::monitor
