#include "cpu/opcode_table.hpp"


#include "cpu/cpu.hpp"

namespace amber {

namespace {

void invalid_opcode(Cpu& c, const Insn&) { c.fault(vec::UD); }
void instruction_too_long(Cpu&, const Insn&) { throw CpuFault{vec::GP, true, 0}; }

OpTable build(CpuModel model) {
    OpTable t;
    OpTableBuilder b(t, traits_of(model));
    b.set_invalid(&invalid_opcode);
    b.set_too_long(&instruction_too_long);
    register_alu_ops(b);
    register_shift_ops(b);
    register_muldiv_ops(b);
    register_data_ops(b);
    register_stack_ops(b);
    register_control_ops(b);
    register_string_ops(b);
    register_bcd_ops(b);
    register_misc_ops(b);
    register_x87_ops(b);  // after misc: replaces the coprocessor-less ESC/WAIT
    register_ext_ops(b);
    register_bits_ops(b);
    register_system_ops(b);
    register_pentium_ops(b);
    register_mmx_ops(b);
    register_sse_ops(b);
    register_fxsr_ops(b);
    return t;
}

}  // namespace

const OpTable& op_table(CpuModel model) {
    // One immutable table per model, built on first use (thread-safe statics).
    switch (model) {
    case CpuModel::i8086: { static const OpTable t = build(CpuModel::i8086); return t; }
    case CpuModel::i80286: { static const OpTable t = build(CpuModel::i80286); return t; }
    case CpuModel::i386: { static const OpTable t = build(CpuModel::i386); return t; }
    case CpuModel::i486: { static const OpTable t = build(CpuModel::i486); return t; }
    case CpuModel::pentium: { static const OpTable t = build(CpuModel::pentium); return t; }
    case CpuModel::p6: { static const OpTable t = build(CpuModel::p6); return t; }
    case CpuModel::pentium3: { static const OpTable t = build(CpuModel::pentium3); return t; }
    case CpuModel::pentium4: { static const OpTable t = build(CpuModel::pentium4); return t; }
    }
    static const OpTable t = build(CpuModel::i80286);
    return t;
}

}  // namespace amber
