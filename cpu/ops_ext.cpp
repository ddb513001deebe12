// The 386's two-byte (0F xx) general instructions: SETcc, MOVZX/MOVSX,
// IMUL Gv,Ev; the 486's XADD and CMPXCHG. (Near Jcc 0F 80-8F is with the
// other jumps in ops_control.cpp, the bit instructions in ops_bits.cpp.)
#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

// 0F 90-9F: the byte operand becomes 1 when the condition holds, else 0.
void setcc(Cpu& c, const Insn& i) { write_rm<uint8_t>(c, i, condition(c, i.op & 0xF) ? 1 : 0); }

// MOVZX/MOVSX Gv, Eb/Ew: a narrower source, zero- or sign-extended.
template <typename Src, bool SignExtend, typename T> void move_extend(Cpu& c, const Insn& i) {
    const Src v = read_rm<Src>(c, i);
    if constexpr (SignExtend) c.set_reg<T>(i.reg, static_cast<T>(static_cast<Signed<T>>(static_cast<Signed<Src>>(v))));
    else c.set_reg<T>(i.reg, static_cast<T>(v));
}

// IMUL Gv,Ev: the product truncated to the operand size; CF = OF = it did
// not fit. SF ZF AF PF are undefined (they follow the truncated result here).
template <typename T> void imul_ge(Cpu& c, const Insn& i) {
    const int64_t p = int64_t(Signed<T>(c.reg<T>(i.reg))) * int64_t(Signed<T>(read_rm<T>(c, i)));
    const T r = static_cast<T>(p);
    c.set_reg<T>(i.reg, r);
    const bool overflow = p != int64_t(Signed<T>(r));
    set_szp<T>(c, r, overflow, overflow, false);
}

// XADD Eb,Gb / Ev,Gv (486): the register receives the old destination, the
// destination the sum; flags as for ADD. When both name the same register,
// the sum is written last and wins.
template <typename T> void xadd(Cpu& c, const Insn& i) {
    const T src = c.reg<T>(i.reg);
    rmw_rm<T>(c, i, [&](T dst) {
        const T sum = T(dst + src);
        c.flags.lazy(Flags::Op::Add, dst, src, sum);
        c.set_reg<T>(i.reg, dst);
        return sum;
    });
}

// CMPXCHG Eb,Gb / Ev,Gv (486): compare the accumulator with the destination
// (flags as for CMP). Equal: the destination receives the source register.
// Different: the accumulator receives the destination, and the destination
// is written back unchanged (the 486 always performs the write).
template <typename T> void cmpxchg(Cpu& c, const Insn& i) {
    const T src = c.reg<T>(i.reg);
    rmw_rm<T>(c, i, [&](T dst) {
        const T a = acc<T>(c);
        c.flags.lazy(Flags::Op::Sub, a, dst, T(a - dst));
        if (a == dst) return src;
        c.set_reg<T>(EAX, dst);
        return dst;
    });
}

}  // namespace

void register_ext_ops(OpTableBuilder& b) {
    if (b.model.model < CpuModel::i386) return;
    static const char* const setcc_names[16] = {"seto", "setno", "setb", "setae", "sete", "setne", "setbe", "seta",
                                                "sets", "setns", "setp", "setnp", "setl", "setge", "setle", "setg"};
    for (uint16_t cc = 0; cc < 16; ++cc) b.op(0x190 + cc, setcc_names[cc], kM, &setcc);
    b.op(0x1B6, "movzx", kM, &move_extend<uint8_t, false, uint16_t>, &move_extend<uint8_t, false, uint32_t>);
    b.op(0x1B7, "movzx", kM, &move_extend<uint16_t, false, uint16_t>, &move_extend<uint16_t, false, uint32_t>);
    b.op(0x1BE, "movsx", kM, &move_extend<uint8_t, true, uint16_t>, &move_extend<uint8_t, true, uint32_t>);
    b.op(0x1BF, "movsx", kM, &move_extend<uint16_t, true, uint16_t>, &move_extend<uint16_t, true, uint32_t>);
    b.op(0x1AF, "imul", kM, AMBER_SIZED(imul_ge));
    if (b.model.model >= CpuModel::i486) {
        b.op(0x1C0, "xadd", kM, &xadd<uint8_t>);
        b.op(0x1C1, "xadd", kM, AMBER_SIZED(xadd));
        b.op(0x1B0, "cmpxchg", kM, &cmpxchg<uint8_t>);
        b.op(0x1B1, "cmpxchg", kM, AMBER_SIZED(cmpxchg));
    }
}

}  // namespace amber
