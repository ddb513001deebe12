// Decimal adjust: DAA DAS AAA AAS AAM AAD.
#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

// DAA/DAS. The 8086 differs from the later description in two ways seen on
// hardware: with AF set the high-digit test is AL > 0x9F (not 0x99), and the
// low-digit adjustment does not produce a carry.
template <bool Add> void decimal_adjust(Cpu& c, const Insn&) {
    const bool i8086 = !c.traits().has_186_ops;
    uint8_t al = c.reg<uint8_t>(EAX), old_al = al;
    bool old_cf = c.flags.cf(), old_af = c.flags.af(), cf = false, af = false;
    if ((al & 0x0F) > 9 || old_af) {
        if (!i8086) cf = old_cf || (Add ? al > 0xF9 : al < 6);
        al = Add ? uint8_t(al + 6) : uint8_t(al - 6);
        af = true;
    }
    uint8_t high_limit = (i8086 && old_af) ? 0x9F : 0x99;
    if (old_al > high_limit || old_cf) {
        al = Add ? uint8_t(al + 0x60) : uint8_t(al - 0x60);
        cf = true;
    }
    c.set_reg<uint8_t>(EAX, al);
    // OF is undefined; the hardware reports signed overflow of the adjustment.
    bool of = Add ? (~old_al & al & 0x80) != 0 : (old_al & ~al & 0x80) != 0;
    set_szp<uint8_t>(c, al, cf, of, af);
}

// AAA/AAS: the 8086 adjusts AL and AH separately; the 286 and later adjust AX
// as a whole, so a carry out of AL reaches AH.
template <bool Add> void ascii_adjust(Cpu& c, const Insn&) {
    uint16_t ax = c.reg<uint16_t>(EAX);
    bool adjust = (ax & 0x0F) > 9 || c.flags.af();
    if (adjust) {
        if (c.traits().has_186_ops) {
            ax = Add ? uint16_t(ax + 0x106) : uint16_t(ax - 6);
            if (!Add) ax = uint16_t(ax - 0x100);
        } else {
            uint8_t al = uint8_t(ax), ah = uint8_t(ax >> 8);
            al = Add ? uint8_t(al + 6) : uint8_t(al - 6);
            ah = Add ? uint8_t(ah + 1) : uint8_t(ah - 1);
            ax = uint16_t(al | (ah << 8));
        }
    }
    ax &= 0xFF0F;
    c.set_reg<uint16_t>(EAX, ax);
    uint8_t al = uint8_t(ax);
    set_szp<uint8_t>(c, al, adjust, false, adjust);
}

void aam(Cpu& c, const Insn& i) {
    uint8_t base = static_cast<uint8_t>(i.imm);
    if (base == 0) {
        // The 8086 leaves SF/ZF/PF as for a zero result before the #DE.
        if (!c.traits().has_186_ops) set_szp<uint8_t>(c, 0, false, false, false);
        throw CpuFault{vec::DE, false, 0, !c.traits().div_fault_at_insn};
    }
    uint8_t al = c.reg<uint8_t>(EAX);
    uint8_t r = al % base;
    c.set_reg<uint16_t>(EAX, static_cast<uint16_t>(((al / base) << 8) | r));
    set_szp<uint8_t>(c, r, false, false, false);
}

void aad(Cpu& c, const Insn& i) {
    uint8_t al = c.reg<uint8_t>(EAX), ah = c.reg<uint8_t>(4);
    uint8_t product = uint8_t(ah * uint8_t(i.imm));
    uint8_t r = uint8_t(al + product);
    c.set_reg<uint16_t>(EAX, r);
    // Flags as the addition AL + AH*base leaves them.
    c.flags.lazy(Flags::Op::Add, al, product, r);
}

}  // namespace

void register_bcd_ops(OpTableBuilder& b) {
    b.op(0x27, "daa", kNone, &decimal_adjust<true>);
    b.op(0x2F, "das", kNone, &decimal_adjust<false>);
    b.op(0x37, "aaa", kNone, &ascii_adjust<true>);
    b.op(0x3F, "aas", kNone, &ascii_adjust<false>);
    b.op(0xD4, "aam", I(Imm::Ib), &aam);
    b.op(0xD5, "aad", I(Imm::Ib), &aad);
}

}  // namespace amber
