// Data movement: MOV (all forms), XCHG, LEA, LDS/LES/LSS/LFS/LGS, segment register moves,
// CBW/CWD, LAHF/SAHF, XLAT, SALC.
#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

template <typename T> void mov_eg(Cpu& c, const Insn& i) { write_rm<T>(c, i, c.reg<T>(i.reg)); }
template <typename T> void mov_ge(Cpu& c, const Insn& i) { c.set_reg<T>(i.reg, read_rm<T>(c, i)); }
template <typename T> void mov_ei(Cpu& c, const Insn& i) { write_rm<T>(c, i, static_cast<T>(i.imm)); }
template <typename T> void mov_ri(Cpu& c, const Insn& i) { c.set_reg<T>(i.reg, static_cast<T>(i.imm)); }
// A0-A3: accumulator <-> [moffs]
template <typename T> void mov_a_mem(Cpu& c, const Insn& i) { c.set_reg<T>(EAX, c.read_mem<T>(i.seg, c.ea(i))); }
template <typename T> void mov_mem_a(Cpu& c, const Insn& i) { c.write_mem<T>(i.seg, c.ea(i), acc<T>(c)); }

template <typename T> void xchg_eg(Cpu& c, const Insn& i) {
    T r = c.reg<T>(i.reg);
    rmw_rm<T>(c, i, [&](T v) {
        c.set_reg<T>(i.reg, v);
        return r;
    });
}
template <typename T> void xchg_ar(Cpu& c, const Insn& i) {
    T a = acc<T>(c);
    c.set_reg<T>(EAX, c.reg<T>(i.reg));
    c.set_reg<T>(i.reg, a);
}
void nop(Cpu&, const Insn&) {}

template <typename T> void lea(Cpu& c, const Insn& i) {
    if (!i.is_mem()) c.fault(vec::UD);
    c.set_reg<T>(i.reg, static_cast<T>(c.ea(i)));
}

// LES/LDS: reg = [m], segment = [m+2]
template <unsigned Sr, typename T> void load_far_pointer(Cpu& c, const Insn& i) {
    if (!i.is_mem()) c.fault(vec::UD);
    uint32_t off = c.ea(i);
    T v = c.read_mem<T>(i.seg, off);
    uint16_t sel = c.read_mem<uint16_t>(i.seg, (off + sizeof(T)) & (i.a32() ? ~0u : 0xFFFFu));
    c.load_segment(Sr, sel);
    c.set_reg<T>(i.reg, v);
}

// The segment register named by ModRM reg. The 8086 decodes only two bits;
// later CPUs raise #UD for registers they do not have.
unsigned segment_operand(Cpu& c, const Insn& i, bool loading) {
    if (!c.traits().has_186_ops) return i.reg & 3;
    unsigned count = c.model() >= CpuModel::i386 ? 6 : 4;
    if (i.reg >= count || (loading && i.reg == CS)) c.fault(vec::UD);
    return i.reg;
}
void mov_e_sreg(Cpu& c, const Insn& i) {
    uint16_t v = c.seg[segment_operand(c, i, false)].selector;
    if (i.is_mem()) c.write_mem<uint16_t>(i.seg, c.ea(i), v);
    else if (i.o32()) c.set_reg<uint32_t>(i.rm, v);
    else c.set_reg<uint16_t>(i.rm, v);
}
void mov_sreg_e(Cpu& c, const Insn& i) {
    unsigned sr = segment_operand(c, i, true);
    c.load_segment(sr, read_rm<uint16_t>(c, i));
    if (sr == SS) c.inhibit_interrupts_one_insn();
    if (sr == CS) c.next_eip &= c.ip_mask();  // 8086 MOV CS: execution continues in the new segment
}

template <typename T> void cbw(Cpu& c, const Insn&) {  // CBW / CWDE
    using Half = std::conditional_t<sizeof(T) == 2, int8_t, int16_t>;
    c.set_reg<T>(EAX, static_cast<T>(static_cast<Signed<T>>(static_cast<Half>(c.reg<T>(EAX)))));
}
template <typename T> void cwd(Cpu& c, const Insn&) {  // CWD / CDQ
    c.set_reg<T>(EDX, (c.reg<T>(EAX) & kMsb<T>) ? T(~T(0)) : T(0));
}

void lahf(Cpu& c, const Insn&) { c.set_reg<uint8_t>(4, static_cast<uint8_t>(c.flags.get() | 0x02)); }
void sahf(Cpu& c, const Insn&) {
    constexpr uint32_t mask = flag::SF | flag::ZF | flag::AF | flag::PF | flag::CF;
    c.flags.set((c.flags.get() & ~mask) | (c.reg<uint8_t>(4) & mask));
}
void xlat(Cpu& c, const Insn& i) {
    uint32_t off = c.r[EBX] + c.reg<uint8_t>(EAX);
    c.set_reg<uint8_t>(EAX, c.read_mem<uint8_t>(i.seg, i.a32() ? off : off & 0xFFFF));
}
void salc(Cpu& c, const Insn&) { c.set_reg<uint8_t>(EAX, c.flags.cf() ? 0xFF : 0x00); }

}  // namespace

void register_data_ops(OpTableBuilder& b) {
    b.op(0x88, "mov", kM, &mov_eg<uint8_t>);
    b.op(0x89, "mov", kM, AMBER_SIZED(mov_eg));
    b.op(0x8A, "mov", kM, &mov_ge<uint8_t>);
    b.op(0x8B, "mov", kM, AMBER_SIZED(mov_ge));
    b.op(0x8C, "mov", kM, &mov_e_sreg);
    b.op(0x8D, "lea", kM, AMBER_SIZED(lea));
    b.op(0x8E, "mov", kM, &mov_sreg_e, nullptr, op_flag::kEndsBlock);
    b.op(0xA0, "mov", I(Imm::Ob), &mov_a_mem<uint8_t>);
    b.op(0xA1, "mov", I(Imm::Ob), AMBER_SIZED(mov_a_mem));
    b.op(0xA2, "mov", I(Imm::Ob), &mov_mem_a<uint8_t>);
    b.op(0xA3, "mov", I(Imm::Ob), AMBER_SIZED(mov_mem_a));
    for (uint16_t r = 0; r < 8; ++r) {
        b.op(0xB0 + r, "mov", I(Imm::Ib), &mov_ri<uint8_t>);
        b.op(0xB8 + r, "mov", I(Imm::Iz), AMBER_SIZED(mov_ri));
    }
    // C6/C7: /0 is MOV; the 8086 ignores the reg field, later CPUs #UD on it.
    for (uint8_t reg = 0; reg < 8; ++reg) {
        if (reg != 0 && b.model.invalid_opcode_ud) break;
        b.group(0xC6, reg, "mov", M(Imm::Ib), &mov_ei<uint8_t>);
        b.group(0xC7, reg, "mov", M(Imm::Iz), AMBER_SIZED(mov_ei));
    }
    b.op(0x86, "xchg", kM, &xchg_eg<uint8_t>);
    b.op(0x87, "xchg", kM, AMBER_SIZED(xchg_eg));
    b.op(0x90, "nop", kNone, &nop);
    for (uint16_t r = 1; r < 8; ++r) b.op(0x90 + r, "xchg", kNone, AMBER_SIZED(xchg_ar));
    b.op(0xC4, "les", kM, &load_far_pointer<ES, uint16_t>, &load_far_pointer<ES, uint32_t>);
    b.op(0xC5, "lds", kM, &load_far_pointer<DS, uint16_t>, &load_far_pointer<DS, uint32_t>);
    if (b.model.model >= CpuModel::i386) {  // 0F B2, B4, B5
        b.op(0x1B2, "lss", kM, &load_far_pointer<SS, uint16_t>, &load_far_pointer<SS, uint32_t>);
        b.op(0x1B4, "lfs", kM, &load_far_pointer<FS, uint16_t>, &load_far_pointer<FS, uint32_t>);
        b.op(0x1B5, "lgs", kM, &load_far_pointer<GS, uint16_t>, &load_far_pointer<GS, uint32_t>);
    }
    b.op(0x98, "cbw", kNone, AMBER_SIZED(cbw));
    b.op(0x99, "cwd", kNone, AMBER_SIZED(cwd));
    b.op(0x9E, "sahf", kNone, &sahf);
    b.op(0x9F, "lahf", kNone, &lahf);
    b.op(0xD7, "xlat", kNone, &xlat);
    b.op(0xD6, "salc", kNone, &salc);  // undocumented, present on the 8086 through the 486
}

}  // namespace amber
