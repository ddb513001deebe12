// Rotates and shifts: ROL ROR RCL RCR SHL SHR SAR (and the 8086's SETMO on /6).
// Counts are masked to 5 bits from the 80186 on; the 8086 shifts by all of CL.
#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

enum class Shift { Rol, Ror, Rcl, Rcr, Shl, Shr, Sal6, Sar };

template <Shift op, typename T> T shift(Cpu& c, T a, unsigned count) {
    if (c.traits().shift_count_masked) count &= 0x1F;
    if (count == 0) return a;  // no flags change
    constexpr unsigned w = kBits<T>;
    const bool msb_a = a & kMsb<T>;
    T r;
    if constexpr (op == Shift::Rol || op == Shift::Ror) {
        unsigned n = count % w;
        r = op == Shift::Rol ? T((a << n) | (n ? a >> (w - n) : 0)) : T((a >> n) | (n ? a << (w - n) : 0));
        bool cf = op == Shift::Rol ? (r & 1) : (r & kMsb<T>) != 0;
        bool of = op == Shift::Rol ? (((r & kMsb<T>) != 0) != cf) : (((r ^ (r << 1)) & kMsb<T>) != 0);
        uint32_t f = c.flags.get() & ~(flag::CF | flag::OF);
        c.flags.set(f | (cf ? flag::CF : 0) | (of ? flag::OF : 0));
        return r;
    } else if constexpr (op == Shift::Rcl || op == Shift::Rcr) {
        // Rotate through carry: a (w+1)-bit rotation, done bit by bit.
        unsigned n = count % (w + 1);
        bool cf = c.flags.cf();
        r = a;
        for (unsigned k = 0; k < n; ++k) {
            if constexpr (op == Shift::Rcl) {
                bool out = r & kMsb<T>;
                r = T((r << 1) | T(cf));
                cf = out;
            } else {
                bool out = r & 1;
                r = T((r >> 1) | (cf ? kMsb<T> : 0));
                cf = out;
            }
        }
        bool of = op == Shift::Rcl ? (((r & kMsb<T>) != 0) != cf) : (((r ^ (r << 1)) & kMsb<T>) != 0);
        uint32_t f = c.flags.get() & ~(flag::CF | flag::OF);
        c.flags.set(f | (cf ? flag::CF : 0) | (of ? flag::OF : 0));
        return r;
    } else if constexpr (op == Shift::Sal6 || op == Shift::Shl) {
        if (op == Shift::Sal6 && !c.traits().has_186_ops) {
            // 8086 SETMO: the operand becomes all ones, flags as for OR.
            r = T(~T(0));
            set_szp<T>(c, r, false, false, false);
            return r;
        }
        r = count >= w ? T(0) : T(a << count);
        bool cf = count <= w ? ((a >> (w - count)) & 1) : false;
        set_szp<T>(c, r, cf, ((r & kMsb<T>) != 0) != cf, false);
        return r;
    } else if constexpr (op == Shift::Shr) {
        r = count >= w ? T(0) : T(a >> count);
        bool cf = count <= w ? ((a >> (count - 1)) & 1) : false;
        set_szp<T>(c, r, cf, count == 1 ? msb_a : false, false);
        return r;
    } else {  // Sar
        using S = Signed<T>;
        r = count >= w ? (msb_a ? T(~T(0)) : T(0)) : T(S(a) >> count);
        bool cf = count >= w ? msb_a : ((a >> (count - 1)) & 1);
        set_szp<T>(c, r, cf, false, false);
        return r;
    }
}

enum class Count { One, CL, Imm };

template <Shift op, Count cnt, typename T> void shift_e(Cpu& c, const Insn& i) {
    unsigned count = cnt == Count::One ? 1 : cnt == Count::CL ? (c.r[ECX] & 0xFF) : (i.imm & 0xFF);
    rmw_rm<T>(c, i, [&](T v) { return shift<op, T>(c, v, count); });
}

template <Shift op> void register_shift(OpTableBuilder& b, const char* name) {
    const uint8_t reg = static_cast<uint8_t>(op);
    b.group(0xD0, reg, name, kM, &shift_e<op, Count::One, uint8_t>);
    b.group(0xD1, reg, name, kM, &shift_e<op, Count::One, uint16_t>, &shift_e<op, Count::One, uint32_t>);
    b.group(0xD2, reg, name, kM, &shift_e<op, Count::CL, uint8_t>);
    b.group(0xD3, reg, name, kM, &shift_e<op, Count::CL, uint16_t>, &shift_e<op, Count::CL, uint32_t>);
    if (b.model.has_186_ops) {
        b.group(0xC0, reg, name, M(Imm::Ib), &shift_e<op, Count::Imm, uint8_t>);
        b.group(0xC1, reg, name, M(Imm::Ib), &shift_e<op, Count::Imm, uint16_t>, &shift_e<op, Count::Imm, uint32_t>);
    }
}

}  // namespace

void register_shift_ops(OpTableBuilder& b) {
    register_shift<Shift::Rol>(b, "rol");
    register_shift<Shift::Ror>(b, "ror");
    register_shift<Shift::Rcl>(b, "rcl");
    register_shift<Shift::Rcr>(b, "rcr");
    register_shift<Shift::Shl>(b, "shl");
    register_shift<Shift::Shr>(b, "shr");
    register_shift<Shift::Sal6>(b, b.model.has_186_ops ? "sal" : "setmo");
    register_shift<Shift::Sar>(b, "sar");
}

}  // namespace amber
