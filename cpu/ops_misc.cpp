// Flag instructions, port I/O, and the instructions that do nothing visible
// without a coprocessor: WAIT, and ESC (D8-DF) on the 8086, 286 and 386
// (the 486 and later replace both with the FPU of ops_x87.cpp).
#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

template <uint32_t Mask, bool On> void set_flag(Cpu& c, const Insn&) { c.flags.set_flag(Mask, On); }
void cmc(Cpu& c, const Insn&) { c.flags.set_flag(flag::CF, !c.flags.cf()); }
void cli(Cpu& c, const Insn&) {
    if (AMBER_UNLIKELY(c.cpl() > c.iopl())) return c.set_virtual_if(false);
    c.flags.set_flag(flag::IF, false);
    c.sync_irq_pending();
}
void sti(Cpu& c, const Insn&) {
    if (AMBER_UNLIKELY(c.cpl() > c.iopl())) return c.set_virtual_if(true);
    if (!c.flags.if_()) c.inhibit_interrupts_one_insn();
    c.flags.set_flag(flag::IF, true);
    c.sync_irq_pending();
}

template <typename T> void in_imm(Cpu& c, const Insn& i) { c.set_reg<T>(EAX, c.io_in<T>(static_cast<uint16_t>(i.imm))); }
template <typename T> void in_dx(Cpu& c, const Insn&) { c.set_reg<T>(EAX, c.io_in<T>(static_cast<uint16_t>(c.r[EDX]))); }
template <typename T> void out_imm(Cpu& c, const Insn& i) { c.io_out<T>(static_cast<uint16_t>(i.imm), acc<T>(c)); }
template <typename T> void out_dx(Cpu& c, const Insn&) { c.io_out<T>(static_cast<uint16_t>(c.r[EDX]), acc<T>(c)); }

// WAIT: #NM when the task switched (TS) and MP says WAIT should care.
void wait(Cpu& c, const Insn&) {
    if ((c.cr0 & (cr0_bit::MP | cr0_bit::TS)) == (cr0_bit::MP | cr0_bit::TS)) c.fault(vec::NM);
}
// ESC: #NM when there is no FPU to use (EM) or its state belongs to another
// task (TS). Otherwise, with no coprocessor attached, the CPU computes the
// address and moves on; the 286 also checks the operand against the segment
// limit (INT 13 at 0xFFFF).
void esc(Cpu& c, const Insn& i) {
    if (c.cr0 & (cr0_bit::EM | cr0_bit::TS)) c.fault(vec::NM);
    if (i.is_mem() && c.traits().segment_wrap_faults) c.read_mem<uint16_t>(i.seg, c.ea(i));
}

}  // namespace

void register_misc_ops(OpTableBuilder& b) {
    constexpr uint8_t end = op_flag::kEndsBlock;
    b.op(0xF5, "cmc", kNone, &cmc);
    b.op(0xF8, "clc", kNone, &set_flag<flag::CF, false>);
    b.op(0xF9, "stc", kNone, &set_flag<flag::CF, true>);
    b.op(0xFA, "cli", kNone, &cli, nullptr, end);
    b.op(0xFB, "sti", kNone, &sti, nullptr, end);
    b.op(0xFC, "cld", kNone, &set_flag<flag::DF, false>);
    b.op(0xFD, "std", kNone, &set_flag<flag::DF, true>);

    b.op(0xE4, "in", I(Imm::Ib), &in_imm<uint8_t>);
    b.op(0xE5, "in", I(Imm::Ib), AMBER_SIZED(in_imm));
    b.op(0xE6, "out", I(Imm::Ib), &out_imm<uint8_t>);
    b.op(0xE7, "out", I(Imm::Ib), AMBER_SIZED(out_imm));
    b.op(0xEC, "in", kNone, &in_dx<uint8_t>);
    b.op(0xED, "in", kNone, AMBER_SIZED(in_dx));
    b.op(0xEE, "out", kNone, &out_dx<uint8_t>);
    b.op(0xEF, "out", kNone, AMBER_SIZED(out_dx));

    b.op(0x9B, "wait", kNone, &wait);
    for (uint16_t op = 0xD8; op <= 0xDF; ++op) b.op(op, "esc", kM, &esc);
}

}  // namespace amber
