// Descriptor tables as the monitor shows them: entries read from guest
// memory without side effects, selectors resolved to segments, and
// descriptors and segment caches described in words.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "cpu/descriptor.hpp"
#include "frontend/monitor/parse.hpp"
#include "machine/debugger.hpp"

namespace amber::monitor {

// A descriptor table: the GDT, the current LDT or the IDT.
struct Table {
    const char* name;
    uint32_t base;
    uint32_t limit;  // in bytes, as in GDTR: the last valid offset
};
Table gdt_of(const Cpu& c);
Table idt_of(const Cpu& c);
// Throws CommandError when no LDT is loaded.
Table ldt_of(const Cpu& c);

// The 8-byte entry at `offset`, or nothing when its memory is not mapped.
std::optional<uint64_t> read_entry(const Debugger& dbg, const Table& t, uint32_t offset);
// Decoded as the CPU model would: the 80286 ignores bytes 6-7.
Descriptor decode_entry(const Cpu& c, uint64_t raw);

// The descriptor a selector names (GDT or LDT by its TI bit). Throws
// CommandError for a null selector, an entry past the table's limit, or
// one whose memory is not mapped.
Descriptor descriptor_for_selector(Debugger& dbg, uint16_t selector);

// The linear address of an Address: a plain value is taken as it is; SEG:OFF
// adds the segment's base (SEG << 4 in real and virtual-8086 mode, the
// cached base for a segment register, the descriptor's base for a selector).
uint32_t linear_address(Debugger& dbg, const Address& a);

// "code 32-bit readable accessed, DPL 0, base 00000000, limit FFFFFFFF",
// "interrupt-gate32 -> 0008:000FF300, DPL 3", "tss32 busy, ...".
std::string describe_descriptor(const Descriptor& d);
// A segment register's descriptor cache, in the same words.
std::string describe_segment_cache(const Segment& s);

}  // namespace amber::monitor
