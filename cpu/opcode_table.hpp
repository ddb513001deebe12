// The instruction table is data: each opcode is registered once with its
// mnemonic, the operands that follow it (which drive the decoder), flags, and
// one handler per operand size. The same table names instructions in logs and
// the debugger. Each ops_*.cpp registers its own opcodes for a CPU model, so
// model differences (8086 aliases vs #UD, 186 additions) live beside the
// instructions they concern.
#pragma once
#include <array>
#include <cstdint>

#include "cpu/insn.hpp"
#include "cpu/model.hpp"

namespace amber {

// What follows the opcode byte(s).
enum class Imm : uint8_t {
    None,
    Ib,    // 8-bit immediate
    Ibs,   // 8-bit immediate, sign-extended to the operand size
    Iw,    // 16-bit immediate
    Iz,    // 16- or 32-bit immediate by operand size
    Jb,    // 8-bit relative branch displacement
    Jz,    // 16/32-bit relative branch displacement
    Ap,    // far pointer: offset (16/32) then segment
    Ob,    // memory offset (moffs) by address size
    IwIb,  // ENTER: 16-bit size, 8-bit level
};

struct Form {
    bool modrm = false;
    Imm imm = Imm::None;
};
constexpr Form kNone{false, Imm::None};
constexpr Form kM{true, Imm::None};
inline constexpr Form M(Imm i) { return {true, i}; }
inline constexpr Form I(Imm i) { return {false, i}; }

namespace op_flag {
constexpr uint8_t kEndsBlock = 1 << 0;  // control transfer, mode or interrupt-flag change
constexpr uint8_t kGroup = 1 << 1;      // ModRM reg selects the instruction
constexpr uint8_t kString = 1 << 2;     // string instruction: a REP form ends its block
}  // namespace op_flag

struct OpInfo {
    const char* name = nullptr;  // null: not an instruction on this model
    Form form{};
    uint8_t flags = 0;
    Handler h16 = nullptr;
    Handler h32 = nullptr;
};

struct OpTable {
    std::array<OpInfo, 512> ops{};                       // 0x000-0x0FF, 0x100-0x1FF for 0F xx
    std::array<std::array<OpInfo, 8>, 512> groups{};     // by opcode, then ModRM reg
    Handler invalid = nullptr;                           // what an unknown encoding executes
    Handler too_long = nullptr;                          // what an over-long instruction executes

    // The entry for an opcode; for group opcodes, the one for ModRM reg.
    const OpInfo& lookup(uint16_t op, uint8_t reg) const {
        const OpInfo& o = ops[op];
        return (o.flags & op_flag::kGroup) ? groups[op][reg] : o;
    }
};

class OpTableBuilder {
public:
    OpTableBuilder(OpTable& t, const ModelTraits& m) : model(m), t_(t) {}
    const ModelTraits& model;

    void op(uint16_t opcode, const char* name, Form f, Handler h16, Handler h32 = nullptr, uint8_t flags = 0) {
        t_.ops[opcode] = {name, f, flags, h16, h32 ? h32 : h16};
    }
    void group(uint16_t opcode, uint8_t reg, const char* name, Form f, Handler h16, Handler h32 = nullptr,
               uint8_t flags = 0) {
        t_.ops[opcode].name = "(group)";
        t_.ops[opcode].flags |= op_flag::kGroup;
        t_.ops[opcode].form.modrm = true;
        t_.groups[opcode][reg] = {name, f, flags, h16, h32 ? h32 : h16};
    }
    const OpInfo& get(uint16_t opcode) const { return t_.ops[opcode]; }
    // Registers `alias` as a second encoding of `target` (8086 undocumented opcodes).
    void alias(uint16_t alias, uint16_t target) { t_.ops[alias] = t_.ops[target]; t_.groups[alias] = t_.groups[target]; }
    void set_invalid(Handler h) { t_.invalid = h; }
    void set_too_long(Handler h) { t_.too_long = h; }

private:
    OpTable& t_;
};

// The table for a model, built once on first use and immutable afterwards.
const OpTable& op_table(CpuModel model);

// Registration, one function per ops_*.cpp.
void register_alu_ops(OpTableBuilder& b);
void register_shift_ops(OpTableBuilder& b);
void register_muldiv_ops(OpTableBuilder& b);
void register_data_ops(OpTableBuilder& b);
void register_stack_ops(OpTableBuilder& b);
void register_control_ops(OpTableBuilder& b);
void register_string_ops(OpTableBuilder& b);
void register_bcd_ops(OpTableBuilder& b);
void register_misc_ops(OpTableBuilder& b);
void register_ext_ops(OpTableBuilder& b);   // 386/486 two-byte opcodes
void register_bits_ops(OpTableBuilder& b);  // 386/486 bit instructions
void register_system_ops(OpTableBuilder& b);  // 286+ descriptor tables, control and debug registers
void register_pentium_ops(OpTableBuilder& b);  // Pentium/P6: CPUID, RDTSC, MSRs, CMPXCHG8B, CMOVcc, SYSENTER
void register_x87_ops(OpTableBuilder& b);  // 486 and later: the on-chip FPU (D8-DF, FWAIT)
void register_mmx_ops(OpTableBuilder& b);   // MMX and the SSE2 packed integer forms on XMM
void register_sse_ops(OpTableBuilder& b);   // SSE/SSE2 floating point and data movement
void register_fxsr_ops(OpTableBuilder& b);  // FXSAVE/FXRSTOR, LDMXCSR/STMXCSR, fences, prefetches

}  // namespace amber
