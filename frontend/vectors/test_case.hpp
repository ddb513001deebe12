// One hardware-recorded test vector, in a form shared by every file format:
// the machine state before and after one instruction, plus what the recording
// says is undefined. Readers fill it; the judge runs and compares it.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amber::vectors {

// The architectural registers a vector can name. General registers follow
// Amber's Reg order (EAX..EDI) and segments its SegReg order (ES..GS), so a
// field converts to a CPU index by subtraction.
enum class Field : uint8_t { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, ES, CS, SS, DS, FS, GS, EIP, EFLAGS };
constexpr unsigned kFieldCount = 16;
constexpr unsigned kFirstSegment = static_cast<unsigned>(Field::ES);

inline bool is_segment(Field f) { return f >= Field::ES && f <= Field::GS; }

// The register's name as the vectors spell it: "ax" for 16-bit suites,
// "eax" for 32-bit ones.
std::string_view field_name(Field f, bool wide);
// Accepts both spellings ("ax" and "eax", "ip" and "eip", "flags" and "eflags").
std::optional<Field> parse_field(std::string_view name);

// A subset of the register file: only fields whose bit is in `present` are set.
struct RegFile {
    std::array<uint32_t, kFieldCount> value{};
    uint16_t present = 0;

    bool has(Field f) const { return present & (1u << static_cast<unsigned>(f)); }
    uint32_t get(Field f) const { return value[static_cast<unsigned>(f)]; }
    void set(Field f, uint32_t v) {
        value[static_cast<unsigned>(f)] = v;
        present |= static_cast<uint16_t>(1u << static_cast<unsigned>(f));
    }
};

struct MemByte {
    uint32_t addr;
    uint8_t value;
};

// native32 x87 forms: the FPU as FNSTENV sees it, ST(i) in stack order.
struct FpuImage {
    uint16_t fcw = 0x037F;
    uint16_t fsw = 0;
    uint16_t ftw = 0xFFFF;        // full tag word by physical register, 11 = empty
    std::array<uint64_t, 8> sig{};  // significands, integer bit included
    std::array<uint16_t, 8> se{};   // sign and exponent
};

// native32 SSE forms: MXCSR and XMM0-7 (each as {bits 63..0, bits 127..64}).
struct SseImage {
    uint32_t mxcsr = 0x1F80;
    std::array<std::array<uint64_t, 2>, 8> xmm{};
};

struct CpuState {
    RegFile regs;
    std::vector<MemByte> ram;  // physical address, byte
    FpuImage fpu;              // meaningful when the test uses_fpu
    SseImage sse;              // meaningful when the test uses_sse
};

// MOO EXCP: an exception or interrupt was taken and pushed FLAGS at `address`;
// undefined flags in that pushed word are masked like the FLAGS register.
struct PushedFlags {
    uint8_t vector;
    uint32_t address;
};

struct TestCase {
    uint32_t index = 0;  // position in the upstream file (test_num, idx, TEST index)
    std::string name;    // disassembly
    std::vector<uint8_t> bytes;
    CpuState initial;
    CpuState final;      // registers: only those that changed
    std::optional<PushedFlags> pushed_flags;
    std::string exception;  // native32: "#DE" when the instruction faulted
    // Bits that must match, per register (all ones unless the recording says
    // some are undefined: native32 `undefined`, MOO RMSK). The per-file flags
    // mask from metadata.json is applied on top of this.
    std::array<uint32_t, kFieldCount> compare_mask;
    bool uses_fpu = false;  // native32 x87 forms: initial/final.fpu are set
    bool uses_sse = false;  // native32 SSE forms: initial/final.sse are set
    uint16_t fsw_undefined = 0;  // FSW bits the recording calls undefined

    TestCase() { compare_mask.fill(0xFFFFFFFFu); }
};

}  // namespace amber::vectors
