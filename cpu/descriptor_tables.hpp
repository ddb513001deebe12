// The descriptor tables as the protection rules see them: GDTR, LDTR, IDTR
// and TR, plus a reader for guest linear memory. Kept apart from Cpu so the
// rules are pure functions that tests can drive without a CPU.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <variant>

#include "cpu/cpu.hpp"
#include "cpu/descriptor.hpp"

namespace amber {

// Either a value or the fault to raise instead. The protection rules return
// this rather than throwing, so callers decide when (and whether) to fault.
template <typename T> class [[nodiscard]] Checked {
public:
    Checked(T value) : v_(std::move(value)) {}
    Checked(CpuFault fault) : v_(fault) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T& operator*() const { return std::get<0>(v_); }
    T& operator*() { return std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T* operator->() { return &std::get<0>(v_); }
    const CpuFault& fault() const { return std::get<1>(v_); }
    // For instruction handlers: the value, or the fault thrown to the run loop.
    T value_or_throw() && {
        if (!ok()) throw fault();
        return std::move(std::get<0>(v_));
    }

private:
    std::variant<T, CpuFault> v_;
};

namespace selector {
constexpr unsigned rpl(uint16_t s) { return s & 3; }
constexpr bool in_ldt(uint16_t s) { return s & 4; }  // TI
// Null means index 0 in the GDT; index 0 of the LDT is an ordinary entry.
constexpr bool is_null(uint16_t s) { return (s & 0xFFFC) == 0; }
constexpr uint16_t with_rpl(uint16_t s, unsigned rpl) { return static_cast<uint16_t>((s & 0xFFFC) | (rpl & 3)); }
}  // namespace selector

// Error codes as the SDM builds them: the selector's index and TI bit, and
// EXT (bit 0) when the fault interrupts delivery of an event external to the
// program (a hardware interrupt or an exception, not INT n/INT3/INTO).
constexpr uint16_t selector_error(uint16_t sel, bool ext = false) {
    return static_cast<uint16_t>((sel & 0xFFFC) | (ext ? 1 : 0));
}
// An IDT entry: the vector in the index field and the IDT bit (bit 1).
constexpr uint16_t idt_error(uint8_t vector, bool ext) {
    return static_cast<uint16_t>((uint16_t(vector) << 3) | 2 | (ext ? 1 : 0));
}
inline CpuFault fault_with_error(uint8_t vector, uint16_t error) { return CpuFault{vector, true, error}; }

struct DescriptorTables {
    uint32_t gdt_base = 0;
    uint32_t gdt_limit = 0;
    uint32_t ldt_base = 0;
    uint32_t ldt_limit = 0;
    bool ldt_valid = false;  // false after LLDT with a null selector: no LDT reference fits
    uint32_t idt_base = 0;
    uint32_t idt_limit = 0;
    // The current task (TR): where the inner-level stacks come from.
    uint16_t tss_selector = 0;
    uint32_t tss_base = 0;
    uint32_t tss_limit = 0;
    bool tss32 = true;
    bool i286 = false;  // descriptors use the 80286 format
    // Eight bytes of guest linear memory, little-endian. May throw (#PF).
    std::function<uint64_t(uint32_t linear)> read64;

    Descriptor decode(uint64_t raw) const { return i286 ? decode_descriptor_286(raw) : decode_descriptor(raw); }
};

struct FetchedDescriptor {
    Descriptor desc;
    uint32_t address = 0;  // linear address of the descriptor, for write-backs
};

// Reads the GDT or LDT entry `sel` names. An entry past the table's limit
// (or any LDT entry when there is no LDT) raises `vector` with the
// selector as error code: #GP for most callers, #TS inside task and stack
// switches. The caller deals with null selectors first.
Checked<FetchedDescriptor> fetch_descriptor(const DescriptorTables& t, uint16_t sel, uint8_t vector = vec::GP,
                                            bool ext = false);
// The same without a fault, for LAR/LSL/VERR/VERW (they clear ZF instead).
std::optional<FetchedDescriptor> peek_descriptor(const DescriptorTables& t, uint16_t sel);

// A segment register load the rules allowed.
struct SegmentLoad {
    Segment cache;  // what the segment register (or LDTR/TR) receives
    // The descriptor's access byte in memory must become cache.attr's low
    // byte: the Accessed bit of a code/data segment, the Busy bit of a TSS.
    bool write_access_byte = false;
    uint32_t access_byte_address = 0;
};

// The load of a code or data descriptor, Accessed bit included.
SegmentLoad load_from(uint16_t sel, const FetchedDescriptor& f);

}  // namespace amber
