// 386 bit instructions: BT BTS BTR BTC, BSF BSR, SHLD SHRD; the 486's BSWAP.
#include <bit>

#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

enum class BitOp { Test, Set, Reset, Complement };  // the order of ModRM reg 4-7 in 0F BA

template <BitOp op, typename T> T apply_bit(Cpu& c, T v, unsigned bit) {
    const T mask = T(T(1) << bit);
    // CF is the bit's old value; OF SF AF PF are undefined and ZF is left alone.
    c.flags.set_flag(flag::CF, (v & mask) != 0);
    if constexpr (op == BitOp::Set) return T(v | mask);
    else if constexpr (op == BitOp::Reset) return T(v & ~mask);
    else if constexpr (op == BitOp::Complement) return T(v ^ mask);
    else return v;
}

template <BitOp op, typename T> void bit_at(Cpu& c, const Insn& i, uint32_t off, unsigned bit) {
    if constexpr (op == BitOp::Test) {
        apply_bit<op, T>(c, c.read_mem<T>(i.seg, off), bit);
    } else {
        auto ref = c.ref_mem<T>(i.seg, off);
        c.store(ref, apply_bit<op, T>(c, c.load(ref), bit));
    }
}

// BT* Ev,Gv. With a memory operand the register is a signed bit offset from
// the operand's address, so it reaches bits in other words of memory: the
// address moves by whole operands, (offset >> 4) * 2 or (offset >> 5) * 4.
template <BitOp op, typename T> void bit_eg(Cpu& c, const Insn& i) {
    const T offset = c.reg<T>(i.reg);
    const unsigned bit = offset & (kBits<T> - 1);
    if (!i.is_mem()) {
        c.set_reg<T>(i.rm, apply_bit<op, T>(c, c.reg<T>(i.rm), bit));
        return;
    }
    const int32_t words = int32_t(Signed<T>(offset)) >> (sizeof(T) == 2 ? 4 : 5);
    uint32_t off = c.ea(i) + uint32_t(words) * sizeof(T);
    if (!i.a32()) off &= 0xFFFF;
    bit_at<op, T>(c, i, off, bit);
}

// BT* Ev,Ib: the immediate selects a bit within the operand itself.
template <BitOp op, typename T> void bit_ei(Cpu& c, const Insn& i) {
    const unsigned bit = i.imm & (kBits<T> - 1);
    if (!i.is_mem()) c.set_reg<T>(i.rm, apply_bit<op, T>(c, c.reg<T>(i.rm), bit));
    else bit_at<op, T>(c, i, c.ea(i), bit);
}

// BSF/BSR: index of the lowest/highest set bit. A zero source sets ZF and
// leaves the destination as it was (the 386/486 do not write it).
template <bool Reverse, typename T> void bit_scan(Cpu& c, const Insn& i) {
    const T v = read_rm<T>(c, i);
    c.flags.set_flag(flag::ZF, v == 0);
    if (v == 0) return;
    unsigned index = Reverse ? kBits<T> - 1 - std::countl_zero(v) : std::countr_zero(v);
    c.set_reg<T>(i.reg, static_cast<T>(index));
}

// SHLD/SHRD: shift the destination, filling the vacated bits from the
// source register. The count is masked to 5 bits; a 16-bit count above 16
// is undefined, and here keeps shifting bits in from the 48-bit value
// dst:src:dst (from its high end for SHLD, its low end for SHRD).
template <bool Left, typename T> T double_shift(Cpu& c, T dst, T src, unsigned count) {
    count &= 0x1F;
    if (count == 0) return dst;  // no flags change
    constexpr unsigned w = kBits<T>;
    // A 32-bit count never exceeds 31, so dst:src is enough there; a 16-bit
    // one may reach 31 and needs the third part.
    const uint64_t parts = sizeof(T) == 4 ? (uint64_t(dst) << w) | src
                                          : (uint64_t(dst) << (2 * w)) | (uint64_t(src) << w) | dst;
    const unsigned top = sizeof(T) == 4 ? 2 * w : 3 * w;  // width of `parts`
    T result;
    bool cf;
    if constexpr (Left) {
        result = static_cast<T>(parts >> (top - w - count));
        cf = (parts >> (top - count)) & 1;
    } else {
        // Read from the right: the destination is the low part, the source above it.
        const uint64_t low_first = sizeof(T) == 4 ? (uint64_t(src) << w) | dst : parts;
        result = static_cast<T>(low_first >> count);
        cf = (low_first >> (count - 1)) & 1;
    }
    // OF (defined for a count of 1) is a change of the sign bit.
    const bool of = ((result ^ dst) & kMsb<T>) != 0;
    set_szp<T>(c, result, cf, of, false);
    return result;
}

enum class Count { Imm, CL };

template <bool Left, Count cnt, typename T> void double_shift_e(Cpu& c, const Insn& i) {
    const unsigned count = cnt == Count::CL ? (c.r[ECX] & 0xFF) : (i.imm & 0xFF);
    const T src = c.reg<T>(i.reg);
    rmw_rm<T>(c, i, [&](T v) { return double_shift<Left, T>(c, v, src, count); });
}

// BSWAP r32 (486). With a 16-bit operand the result is undefined; the
// hardware clears the register's low word.
template <typename T> void bswap(Cpu& c, const Insn& i) {
    if constexpr (sizeof(T) == 4) {
        const uint32_t v = c.r[i.reg];
        c.r[i.reg] = (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
    } else {
        c.set_reg<uint16_t>(i.reg, 0);
    }
}

template <BitOp op> void register_bit_op(OpTableBuilder& b, uint16_t opcode, const char* name) {
    b.op(opcode, name, kM, &bit_eg<op, uint16_t>, &bit_eg<op, uint32_t>);
    b.group(0x1BA, 4 + static_cast<uint8_t>(op), name, M(Imm::Ib), &bit_ei<op, uint16_t>, &bit_ei<op, uint32_t>);
}

template <bool Left> void register_double_shift(OpTableBuilder& b, uint16_t opcode, const char* name) {
    b.op(opcode, name, M(Imm::Ib), &double_shift_e<Left, Count::Imm, uint16_t>,
         &double_shift_e<Left, Count::Imm, uint32_t>);
    b.op(opcode + 1, name, kM, &double_shift_e<Left, Count::CL, uint16_t>, &double_shift_e<Left, Count::CL, uint32_t>);
}

}  // namespace

void register_bits_ops(OpTableBuilder& b) {
    if (b.model.model < CpuModel::i386) return;
    register_bit_op<BitOp::Test>(b, 0x1A3, "bt");
    register_bit_op<BitOp::Set>(b, 0x1AB, "bts");
    register_bit_op<BitOp::Reset>(b, 0x1B3, "btr");
    register_bit_op<BitOp::Complement>(b, 0x1BB, "btc");
    b.op(0x1BC, "bsf", kM, &bit_scan<false, uint16_t>, &bit_scan<false, uint32_t>);
    b.op(0x1BD, "bsr", kM, &bit_scan<true, uint16_t>, &bit_scan<true, uint32_t>);
    register_double_shift<true>(b, 0x1A4, "shld");
    register_double_shift<false>(b, 0x1AC, "shrd");
    if (b.model.model >= CpuModel::i486)
        for (uint16_t r = 0; r < 8; ++r) b.op(0x1C8 + r, "bswap", kNone, AMBER_SIZED(bswap));
}

}  // namespace amber
