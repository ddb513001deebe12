// Control transfer: Jcc, JMP, CALL, RET, LOOP/JCXZ, INT/INTO/IRET, HLT.
#include <utility>

#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

// A near target is truncated to the operand size.
template <typename T> void jump_near(Cpu& c, uint32_t target) { c.next_eip = static_cast<T>(target); }

// One handler per condition, so the test is compiled in rather than looked up.
template <unsigned Cc, typename T> void jcc(Cpu& c, const Insn& i) {
    if (condition(c, Cc)) jump_near<T>(c, c.next_eip + i.imm);
}
template <unsigned... Cc> void register_jcc(OpTableBuilder& b, uint16_t base, std::integer_sequence<unsigned, Cc...>) {
    static const char* const names[16] = {"jo", "jno", "jb", "jae", "je", "jne", "jbe", "ja",
                                          "js", "jns", "jp", "jnp", "jl", "jge", "jle", "jg"};
    Form form = base == 0x70 ? I(Imm::Jb) : I(Imm::Jz);
    (b.op(base + Cc, names[Cc], form, &jcc<Cc, uint16_t>, &jcc<Cc, uint32_t>, op_flag::kEndsBlock), ...);
}
template <typename T> void jmp_rel(Cpu& c, const Insn& i) { jump_near<T>(c, c.next_eip + i.imm); }
template <typename T> void jmp_e(Cpu& c, const Insn& i) { jump_near<T>(c, read_rm<T>(c, i)); }
void jmp_far(Cpu& c, const Insn& i) { c.far_jump(i.imm2, i.imm); }

// A far pointer operand in memory: offset, then selector.
template <typename T> std::pair<uint16_t, uint32_t> far_pointer(Cpu& c, const Insn& i) {
    if (!i.is_mem()) c.fault(vec::UD);
    uint32_t off = c.ea(i);
    T target = c.read_mem<T>(i.seg, off);
    uint16_t sel = c.read_mem<uint16_t>(i.seg, (off + sizeof(T)) & (i.a32() ? ~0u : 0xFFFFu));
    return {sel, target};
}
template <typename T> void jmp_far_e(Cpu& c, const Insn& i) {
    auto [sel, off] = far_pointer<T>(c, i);
    c.far_jump(sel, off);
}

template <typename T> void call_rel(Cpu& c, const Insn& i) {
    c.push<T>(static_cast<T>(c.next_eip));
    jump_near<T>(c, c.next_eip + i.imm);
}
template <typename T> void call_e(Cpu& c, const Insn& i) {
    T target = read_rm<T>(c, i);
    c.push<T>(static_cast<T>(c.next_eip));
    jump_near<T>(c, target);
}
template <typename T> void call_far(Cpu& c, const Insn& i) { c.far_call(i.imm2, i.imm, sizeof(T) == 4); }
template <typename T> void call_far_e(Cpu& c, const Insn& i) {
    auto [sel, off] = far_pointer<T>(c, i);
    c.far_call(sel, off, sizeof(T) == 4);
}

template <typename T, bool Imm> void ret_near(Cpu& c, const Insn& i) {
    T target = c.pop<T>();
    if (Imm) c.set_stack_pointer(c.r[ESP] + (i.imm & 0xFFFF));
    jump_near<T>(c, target);
}
template <typename T, bool Imm> void ret_far(Cpu& c, const Insn& i) {
    c.far_return(sizeof(T) == 4, Imm ? static_cast<uint16_t>(i.imm) : 0);
}

// LOOPNE, LOOPE, LOOP, JCXZ (E0-E3); the count is CX or ECX by address size.
template <typename T> void loop(Cpu& c, const Insn& i) {
    uint32_t mask = i.a32() ? ~0u : 0xFFFFu;
    uint32_t count = c.r[ECX] & mask;
    bool taken;
    if (i.op == 0xE3) {
        taken = count == 0;
    } else {
        count = (count - 1) & mask;
        c.r[ECX] = (c.r[ECX] & ~mask) | count;
        taken = count != 0 && (i.op == 0xE2 || (i.op == 0xE1) == c.flags.zf());
    }
    if (taken) jump_near<T>(c, c.next_eip + i.imm);
}

void int3(Cpu& c, const Insn&) { c.software_interrupt(vec::BP, false); }
void int_n(Cpu& c, const Insn& i) { c.software_interrupt(static_cast<uint8_t>(i.imm), true); }
void into(Cpu& c, const Insn&) {
    if (c.flags.of()) c.software_interrupt(vec::OF, false);
}
template <typename T> void iret(Cpu& c, const Insn&) { c.interrupt_return(sizeof(T) == 4); }  // IRET / IRETD
void hlt(Cpu& c, const Insn&) {
    c.require_cpl0();
    c.halted = true;
}

}  // namespace

void register_control_ops(OpTableBuilder& b) {
    constexpr uint8_t end = op_flag::kEndsBlock;
    register_jcc(b, 0x70, std::make_integer_sequence<unsigned, 16>{});
    if (b.model.model >= CpuModel::i386) register_jcc(b, 0x180, std::make_integer_sequence<unsigned, 16>{});  // 0F 80-8F
    if (!b.model.has_186_ops)
        for (uint16_t cc = 0; cc < 16; ++cc) b.alias(0x60 + cc, 0x70 + cc);  // 8086: 60-6F repeat 70-7F
    b.op(0xE9, "jmp", I(Imm::Jz), AMBER_SIZED(jmp_rel), end);
    b.op(0xEB, "jmp", I(Imm::Jb), AMBER_SIZED(jmp_rel), end);
    b.op(0xEA, "jmp", I(Imm::Ap), &jmp_far, nullptr, end);
    b.op(0xE8, "call", I(Imm::Jz), AMBER_SIZED(call_rel), end);
    b.op(0x9A, "call", I(Imm::Ap), AMBER_SIZED(call_far), end);
    b.group(0xFF, 2, "call", kM, AMBER_SIZED(call_e), end);
    b.group(0xFF, 3, "call", kM, AMBER_SIZED(call_far_e), end);
    b.group(0xFF, 4, "jmp", kM, AMBER_SIZED(jmp_e), end);
    b.group(0xFF, 5, "jmp", kM, AMBER_SIZED(jmp_far_e), end);
    b.op(0xC2, "ret", I(Imm::Iw), &ret_near<uint16_t, true>, &ret_near<uint32_t, true>, end);
    b.op(0xC3, "ret", kNone, &ret_near<uint16_t, false>, &ret_near<uint32_t, false>, end);
    b.op(0xCA, "retf", I(Imm::Iw), &ret_far<uint16_t, true>, &ret_far<uint32_t, true>, end);
    b.op(0xCB, "retf", kNone, &ret_far<uint16_t, false>, &ret_far<uint32_t, false>, end);
    if (!b.model.has_186_ops) {  // 8086: C0/C1/C8/C9 repeat C2/C3/CA/CB
        b.alias(0xC0, 0xC2);
        b.alias(0xC1, 0xC3);
        b.alias(0xC8, 0xCA);
        b.alias(0xC9, 0xCB);
    }
    b.op(0xE0, "loopne", I(Imm::Jb), AMBER_SIZED(loop), end);
    b.op(0xE1, "loope", I(Imm::Jb), AMBER_SIZED(loop), end);
    b.op(0xE2, "loop", I(Imm::Jb), AMBER_SIZED(loop), end);
    b.op(0xE3, "jcxz", I(Imm::Jb), AMBER_SIZED(loop), end);
    b.op(0xCC, "int3", kNone, &int3, nullptr, end);
    b.op(0xCD, "int", I(Imm::Ib), &int_n, nullptr, end);
    b.op(0xCE, "into", kNone, &into, nullptr, end);
    b.op(0xCF, "iret", kNone, AMBER_SIZED(iret), end);
    b.op(0xF4, "hlt", kNone, &hlt, nullptr, end);
}

}  // namespace amber
