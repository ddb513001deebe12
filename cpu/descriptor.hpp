// Segment and gate descriptors: the 8-byte entries of the GDT, LDT and IDT,
// decoded into named fields, and the descriptor cache (Segment) they load.
//
// Layout (two little-endian dwords, low then high):
//   low:  limit 15:0 | base 15:0 << 16
//   high: base 23:16 | access byte << 8 | limit 19:16 << 16 | flags << 20 | base 31:24 << 24
//   gates: low = offset 15:0 | selector << 16;
//          high = parameter count (call gates) | access byte << 8 | offset 31:16 << 16
// The access byte is P (bit 7), DPL (6:5), S (4: code/data rather than
// system), and a 4-bit type. The flags nibble is AVL, L, D/B, G.
#pragma once
#include <cstdint>

#include "cpu/cpu.hpp"

namespace amber {

// Bits of the access byte (also bits 0-7 of Segment::attr).
namespace access_bits {
constexpr uint8_t kAccessed = 0x01;    // code/data: set by the CPU on every load
constexpr uint8_t kWritable = 0x02;    // data segments
constexpr uint8_t kReadable = 0x02;    // code segments
constexpr uint8_t kTssBusy = 0x02;     // TSS descriptors
constexpr uint8_t kExpandDown = 0x04;  // data segments
constexpr uint8_t kConforming = 0x04;  // code segments
constexpr uint8_t kCode = 0x08;        // with S set: code rather than data
constexpr uint8_t kSegment = 0x10;     // S: code or data rather than a system descriptor
constexpr uint8_t kPresent = 0x80;
constexpr unsigned kDplShift = 5;
}  // namespace access_bits

// Bits of the flags nibble (bits 12-15 of Segment::attr, hence the shift).
namespace flag_bits {
constexpr uint8_t kAvl = 0x1;
constexpr uint8_t kLong = 0x2;
constexpr uint8_t kBig = 0x4;  // D/B: 32-bit code, 32-bit stack, expand-down to 4 GiB
constexpr uint8_t kGranular = 0x8;  // limit counts 4 KiB pages
constexpr unsigned kAttrShift = 12;
}  // namespace flag_bits

// What a descriptor describes. System types that are reserved decode as
// Invalid, and so do the 386 system types in the 80286 format.
enum class DescriptorKind : uint8_t {
    Invalid,
    Data,
    Code,
    Tss16,  // available 286 TSS
    Ldt,
    Tss16Busy,
    CallGate16,
    TaskGate,
    InterruptGate16,
    TrapGate16,
    Tss32,  // available 386 TSS
    Tss32Busy,
    CallGate32,
    InterruptGate32,
    TrapGate32,
};

struct Descriptor {
    uint64_t raw = 0;
    uint32_t base = 0;
    uint32_t limit = 0;  // in bytes: the 20-bit field, scaled to 4 KiB pages when G is set
    uint8_t access = 0;  // P, DPL, S, type
    uint8_t flags = 0;   // AVL, L, D/B, G (flag_bits)
    DescriptorKind kind = DescriptorKind::Invalid;

    bool present() const { return access & access_bits::kPresent; }
    unsigned dpl() const { return (access >> access_bits::kDplShift) & 3; }
    unsigned type() const { return access & 0x0F; }
    bool is_segment() const { return access & access_bits::kSegment; }  // code or data
    bool is_code() const { return kind == DescriptorKind::Code; }
    bool is_data() const { return kind == DescriptorKind::Data; }
    bool conforming() const { return is_code() && (access & access_bits::kConforming); }
    bool readable() const { return is_data() || (is_code() && (access & access_bits::kReadable)); }
    bool writable() const { return is_data() && (access & access_bits::kWritable); }
    bool expand_down() const { return is_data() && (access & access_bits::kExpandDown); }
    bool accessed() const { return is_segment() && (access & access_bits::kAccessed); }
    bool big() const { return flags & flag_bits::kBig; }
    bool granular() const { return flags & flag_bits::kGranular; }
    bool avl() const { return flags & flag_bits::kAvl; }

    bool is_gate() const;
    bool is_call_gate() const { return kind == DescriptorKind::CallGate16 || kind == DescriptorKind::CallGate32; }
    bool is_interrupt_or_trap_gate() const;
    bool is_available_tss() const { return kind == DescriptorKind::Tss16 || kind == DescriptorKind::Tss32; }
    bool is_busy_tss() const { return kind == DescriptorKind::Tss16Busy || kind == DescriptorKind::Tss32Busy; }
    bool is_tss() const { return is_available_tss() || is_busy_tss(); }
    bool is_32bit_system() const;  // 386 TSS or gate
};

// The 386 format: all eight bytes count.
Descriptor decode_descriptor(uint64_t raw);
Descriptor decode_descriptor(uint32_t low, uint32_t high);
// The 80286 format: bytes 6-7 are reserved (ignored), so bases are 24 bits,
// limits 16 bits, flags zero, and the 386 system types are invalid.
Descriptor decode_descriptor_286(uint64_t raw);

// A call, interrupt, trap or task gate.
struct Gate {
    DescriptorKind kind = DescriptorKind::Invalid;
    uint16_t selector = 0;    // code segment (call/interrupt/trap gates) or TSS (task gates)
    uint32_t offset = 0;      // entry point: 16 bits in 286 gates, unused in task gates
    uint8_t param_count = 0;  // call gates: stack words/dwords copied to the inner stack
    unsigned dpl = 0;
    bool present = false;

    bool is32() const { return kind == DescriptorKind::CallGate32 || kind == DescriptorKind::InterruptGate32 ||
                               kind == DescriptorKind::TrapGate32; }
    // An interrupt gate clears IF on entry; a trap gate leaves it alone.
    bool is_interrupt_gate() const { return kind == DescriptorKind::InterruptGate16 ||
                                            kind == DescriptorKind::InterruptGate32; }
};

// The gate fields of a descriptor; only meaningful when d.is_gate().
Gate decode_gate(const Descriptor& d);

// The segment-register cache a code or data descriptor loads (also used for
// LDTR and TR): attr holds the access byte and, in bits 12-15, the flags.
Segment segment_cache(uint16_t selector, const Descriptor& d);

// The access byte sits at this offset inside a descriptor; the CPU rewrites
// only that byte when it sets the Accessed or Busy bit.
constexpr uint32_t kAccessByteOffset = 5;
// A code/data load must write the Accessed bit back when it is still clear.
bool needs_accessed_writeback(const Descriptor& d);
// The access byte to write back: the same with Accessed set.
uint8_t accessed_access_byte(const Descriptor& d);
// The access byte of a TSS descriptor marked busy or available.
uint8_t tss_access_byte(const Descriptor& d, bool busy);

}  // namespace amber
