// CPU models and the documented differences between them. Handlers consult
// these traits rather than the model name, so each difference has one name.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace amber {

enum class CpuModel : uint8_t { i8086, i80286, i386, i486, pentium, p6, pentium3, pentium4 };

// The SIMD extensions a model has, each including the ones before it.
enum class Simd : uint8_t { None, Mmx, Sse, Sse2 };

struct ModelTraits {
    CpuModel model;
    std::string_view name;
    bool has_186_ops;          // PUSHA, BOUND, ENTER, INS/OUTS, imm shifts, PUSH/IMUL imm
    bool invalid_opcode_ud;    // undefined opcodes raise #UD (8086: they alias others)
    bool push_sp_old_value;    // PUSH SP pushes SP before the decrement (8086: after)
    bool shift_count_masked;   // shift/rotate counts are masked to 5 bits
    bool div_fault_at_insn;    // #DE returns to the faulting DIV (8086: to the next one)
    bool segment_wrap_faults;  // a word at offset 0xFFFF faults (8086: wraps to 0)
    unsigned max_insn_length;  // longer instructions raise #GP (0: unlimited on the 8086)
    bool string_fault_advances; // 286: a string access that overruns its segment
                                // still advances its pointer (and a REP's count)
    bool overrun_is_gp;         // 286 real mode: every segment overrun is INT 13, even on SS
    uint32_t address_bits;     // width of the physical address bus
    uint16_t flags_fixed_one;  // FLAGS bits that always read as one in real mode
    uint16_t flags_writable;   // FLAGS bits POPF can change in real mode
    Simd simd = Simd::None;    // MMX (with it FXSAVE/FXRSTOR from SSE on), SSE, SSE2
};

const ModelTraits& traits_of(CpuModel m);
std::optional<CpuModel> parse_cpu_model(std::string_view name);

}  // namespace amber
