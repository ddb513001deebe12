// Stack instructions: PUSH POP (registers, segments, memory, immediates),
// PUSHF POPF, PUSHA POPA, ENTER LEAVE, and BOUND; FS/GS pushes and pops (386).
#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

template <typename T> void push_r(Cpu& c, const Insn& i) {
    // The 8086 pushes SP after decrementing it; the 186 and later push the old value.
    if (i.reg == ESP && !c.traits().push_sp_old_value) {
        c.push<T>(static_cast<T>(c.reg<T>(ESP) - sizeof(T)));
        return;
    }
    c.push<T>(c.reg<T>(i.reg));
}
template <typename T> void pop_r(Cpu& c, const Insn& i) { c.set_reg<T>(i.reg, c.pop<T>()); }

// PUSH/POP of a segment register move the stack pointer by the operand
// size. A 32-bit push writes the selector zero-extended (the upper half is
// undefined in the manuals); a 32-bit pop uses the low 16 bits.
template <unsigned Sr, typename T> void push_sreg(Cpu& c, const Insn&) { c.push<T>(c.seg[Sr].selector); }
// The load may fault, so the stack pointer moves only after it.
template <unsigned Sr, typename T> void pop_sreg(Cpu& c, const Insn&) {
    const uint32_t sp = c.stack_pointer();
    const uint32_t mask = c.sp_mask();
    const uint16_t sel = static_cast<uint16_t>(c.read_mem<T>(SS, sp));
    c.load_segment(Sr, sel);
    c.r[ESP] = (c.r[ESP] & ~mask) | ((sp + sizeof(T)) & mask);  // by the old stack size
    if (Sr == SS) c.inhibit_interrupts_one_insn();
}


template <typename T> void push_e(Cpu& c, const Insn& i) {
    if (!i.is_mem() && i.rm == ESP && !c.traits().push_sp_old_value) {
        c.push<T>(static_cast<T>(c.reg<T>(ESP) - sizeof(T)));
        return;
    }
    c.push<T>(read_rm<T>(c, i));
}
template <typename T> void pop_e(Cpu& c, const Insn& i) {
    // SP moves before the destination is written: POP SP keeps the popped
    // value, and on the 286 a store that overruns its segment leaves SP moved.
    T v = c.read_mem<T>(SS, c.stack_pointer());
    c.set_stack_pointer(c.r[ESP] + sizeof(T));
    write_rm<T>(c, i, v);
}
template <typename T> void push_i(Cpu& c, const Insn& i) { c.push<T>(static_cast<T>(i.imm)); }

// PUSHF/PUSHFD. The 32-bit image reads VM and RF as zero. Virtual-8086
// mode with IOPL < 3 leaves them to the monitor (#GP), except 16-bit
// PUSHF/POPF under CR4.VME, which show and change VIF in IF's place.
template <typename T> void pushf(Cpu& c, const Insn&) {
    if (c.v86() && c.iopl() < 3) {
        if (sizeof(T) == 4 || !c.vme()) c.fault_gp0();
        c.push<uint16_t>(c.virtual_flags_image());
        return;
    }
    if constexpr (sizeof(T) == 2) c.push<uint16_t>(c.flags_image());
    else c.push<uint32_t>((c.flags.get() | c.traits().flags_fixed_one) & ~(flag::VM | flag::RF));
}
// POPF/POPFD. In protected mode IOPL changes only at CPL 0, and IF only at
// CPL <= IOPL; otherwise they silently keep their values.
template <typename T> void popf(Cpu& c, const Insn&) {
    if (c.v86() && c.iopl() < 3) {
        if (sizeof(T) == 4 || !c.vme()) c.fault_gp0();
        // SP moves only once the image passed the checks.
        c.write_virtual_flags16(c.read_mem<uint16_t>(SS, c.stack_pointer()));
        c.set_stack_pointer(c.r[ESP] + 2);
        return;
    }
    uint32_t v = c.pop<T>();
    const uint32_t old = c.flags.get();
    if (c.protected_mode()) {
        const unsigned cpl = c.cpl();
        const uint32_t keep = (cpl > 0 ? flag::IOPL : 0) | (cpl > c.iopl() ? flag::IF : 0);
        v = (v & ~keep) | (old & keep);
    }
    write_popped_flags<T>(c, static_cast<T>(v));
}

template <typename T> void pusha(Cpu& c, const Insn&) {
    T sp = c.reg<T>(ESP);
    for (unsigned n : {EAX, ECX, EDX, EBX}) c.push<T>(c.reg<T>(n));
    c.push<T>(sp);
    for (unsigned n : {EBP, ESI, EDI}) c.push<T>(c.reg<T>(n));
}
template <typename T> void popa(Cpu& c, const Insn&) {
    for (unsigned n : {EDI, ESI, EBP}) c.set_reg<T>(n, c.pop<T>());
    c.pop<T>();  // the stored SP is skipped
    for (unsigned n : {EBX, EDX, ECX, EAX}) c.set_reg<T>(n, c.pop<T>());
}

template <typename T> void enter(Cpu& c, const Insn& i) {
    unsigned level = i.imm2 & 0x1F;
    c.push<T>(c.reg<T>(EBP));
    T frame = c.reg<T>(ESP);
    if (level > 0) {
        const uint32_t bp_mask = c.sp_mask();
        for (unsigned k = 1; k < level; ++k) {
            c.r[EBP] = (c.r[EBP] & ~bp_mask) | ((c.r[EBP] - sizeof(T)) & bp_mask);
            c.push<T>(c.read_mem<T>(SS, c.r[EBP] & bp_mask));
        }
        c.push<T>(frame);
    }
    c.set_reg<T>(EBP, frame);
    c.set_stack_pointer(c.r[ESP] - (i.imm & 0xFFFF));
}
template <typename T> void leave(Cpu& c, const Insn&) {
    uint32_t frame = c.r[EBP] & c.sp_mask();
    T saved_bp = c.read_mem<T>(SS, frame);  // may fault: SP is not touched before
    c.set_stack_pointer(frame + sizeof(T));
    c.set_reg<T>(EBP, saved_bp);
}

template <typename T> void bound(Cpu& c, const Insn& i) {
    if (!i.is_mem()) c.fault(vec::UD);
    using S = Signed<T>;
    uint32_t off = c.ea(i);
    S lo = S(c.read_mem<T>(i.seg, off));
    S hi = S(c.read_mem<T>(i.seg, (off + sizeof(T)) & (i.a32() ? ~0u : 0xFFFFu)));
    S idx = S(c.reg<T>(i.reg));
    if (idx < lo || idx > hi) c.fault(vec::BR);
}

}  // namespace

void register_stack_ops(OpTableBuilder& b) {
    for (uint16_t r = 0; r < 8; ++r) {
        b.op(0x50 + r, "push", kNone, AMBER_SIZED(push_r));
        b.op(0x58 + r, "pop", kNone, AMBER_SIZED(pop_r));
    }
    b.op(0x06, "push", kNone, &push_sreg<ES, uint16_t>, &push_sreg<ES, uint32_t>);
    b.op(0x07, "pop", kNone, &pop_sreg<ES, uint16_t>, &pop_sreg<ES, uint32_t>);
    b.op(0x0E, "push", kNone, &push_sreg<CS, uint16_t>, &push_sreg<CS, uint32_t>);
    b.op(0x16, "push", kNone, &push_sreg<SS, uint16_t>, &push_sreg<SS, uint32_t>);
    b.op(0x17, "pop", kNone, &pop_sreg<SS, uint16_t>, &pop_sreg<SS, uint32_t>, op_flag::kEndsBlock);
    b.op(0x1E, "push", kNone, &push_sreg<DS, uint16_t>, &push_sreg<DS, uint32_t>);
    b.op(0x1F, "pop", kNone, &pop_sreg<DS, uint16_t>, &pop_sreg<DS, uint32_t>);
    if (!b.model.has_186_ops)  // 8086 POP CS
        b.op(0x0F, "pop", kNone, &pop_sreg<CS, uint16_t>, nullptr, op_flag::kEndsBlock);
    if (b.model.model >= CpuModel::i386) {  // 0F A0/A1, 0F A8/A9
        b.op(0x1A0, "push", kNone, &push_sreg<FS, uint16_t>, &push_sreg<FS, uint32_t>);
        b.op(0x1A1, "pop", kNone, &pop_sreg<FS, uint16_t>, &pop_sreg<FS, uint32_t>);
        b.op(0x1A8, "push", kNone, &push_sreg<GS, uint16_t>, &push_sreg<GS, uint32_t>);
        b.op(0x1A9, "pop", kNone, &pop_sreg<GS, uint16_t>, &pop_sreg<GS, uint32_t>);
    }

    b.group(0xFF, 6, "push", kM, AMBER_SIZED(push_e));
    b.group(0xFF, 7, "push", kM, AMBER_SIZED(push_e));  // undocumented alias of /6
    // 8F: /0 is POP; the 8086 ignores the reg field, later CPUs #UD on it.
    for (uint8_t reg = 0; reg < 8; ++reg) {
        if (reg != 0 && b.model.invalid_opcode_ud) break;
        b.group(0x8F, reg, "pop", kM, AMBER_SIZED(pop_e));
    }
    b.op(0x9C, "pushf", kNone, AMBER_SIZED(pushf));
    b.op(0x9D, "popf", kNone, AMBER_SIZED(popf), op_flag::kEndsBlock);

    if (b.model.has_186_ops) {
        b.op(0x60, "pusha", kNone, AMBER_SIZED(pusha));
        b.op(0x61, "popa", kNone, AMBER_SIZED(popa));
        b.op(0x62, "bound", kM, AMBER_SIZED(bound));
        b.op(0x68, "push", I(Imm::Iz), AMBER_SIZED(push_i));
        b.op(0x6A, "push", I(Imm::Ibs), AMBER_SIZED(push_i));
        b.op(0xC8, "enter", I(Imm::IwIb), AMBER_SIZED(enter));
        b.op(0xC9, "leave", kNone, AMBER_SIZED(leave));
    }
}

}  // namespace amber
