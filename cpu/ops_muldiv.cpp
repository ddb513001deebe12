// MUL IMUL DIV IDIV (F6/F7 /4-/7) and the 186's IMUL with an immediate.
#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

// Double-width type for a product or dividend.
template <typename T> using Wide = std::conditional_t<sizeof(T) == 1, uint16_t, std::conditional_t<sizeof(T) == 2, uint32_t, uint64_t>>;

// Writes the double-width result to AX, DX:AX or EDX:EAX.
template <typename T> void set_acc_pair(Cpu& c, Wide<T> v) {
    if constexpr (sizeof(T) == 1) {
        c.set_reg<uint16_t>(EAX, static_cast<uint16_t>(v));
    } else {
        c.set_reg<T>(EAX, static_cast<T>(v));
        c.set_reg<T>(EDX, static_cast<T>(v >> kBits<T>));
    }
}
template <typename T> Wide<T> acc_pair(Cpu& c) {
    if constexpr (sizeof(T) == 1) return c.reg<uint16_t>(EAX);
    else return (Wide<T>(c.reg<T>(EDX)) << kBits<T>) | c.reg<T>(EAX);
}

template <typename T> void mul_e(Cpu& c, const Insn& i) {
    Wide<T> p = Wide<T>(acc<T>(c)) * Wide<T>(read_rm<T>(c, i));
    set_acc_pair<T>(c, p);
    bool high = (p >> kBits<T>) != 0;
    set_szp<T>(c, static_cast<T>(p >> kBits<T>), high, high, false);
}

template <typename T> void imul_e(Cpu& c, const Insn& i) {
    using SW = std::make_signed_t<Wide<T>>;
    SW p = SW(Signed<T>(acc<T>(c))) * SW(Signed<T>(read_rm<T>(c, i)));
    set_acc_pair<T>(c, static_cast<Wide<T>>(p));
    bool overflow = p != SW(Signed<T>(static_cast<T>(p)));
    set_szp<T>(c, static_cast<T>(static_cast<Wide<T>>(p) >> kBits<T>), overflow, overflow, false);
}

// The 8086 reports #DE with the return address after the DIV.
[[noreturn]] void divide_error(Cpu& c) {
    throw CpuFault{vec::DE, false, 0, !c.traits().div_fault_at_insn};
}

// The 8086's division microcode starts by subtracting the divisor from the
// high half of the dividend and stops with #DE when that does not borrow, so
// the flags it pushes are those of that subtraction (of the magnitudes, for
// IDIV). Verified against every early divide error in the hardware vectors.
template <typename T> [[noreturn]] void early_divide_error(Cpu& c, T high, T divisor) {
    if (!c.traits().has_186_ops) c.flags.lazy(Flags::Op::Sub, high, divisor, T(high - divisor));
    divide_error(c);
}

// When the 8086's IDIV overflows only after dividing (the quotient does not fit
// its signed range), the flags it pushes are those of the division loop's last
// trial subtraction -- partial remainder minus divisor, on the magnitudes --
// with CF clear. Derived from, and checked against, the hardware vectors.
template <typename T, typename SW> void late_idiv_flags(Cpu& c, SW dividend, Signed<T> divisor) {
    Wide<T> n = dividend < 0 ? Wide<T>(0) - Wide<T>(dividend) : Wide<T>(dividend);
    Wide<T> d = divisor < 0 ? Wide<T>(T(0 - T(divisor))) : Wide<T>(T(divisor));
    Wide<T> rem = n >> kBits<T>, trial = 0;
    for (int bit = kBits<T> - 1; bit >= 0; --bit) {
        trial = (rem << 1) | ((n >> bit) & 1);
        rem = trial >= d ? trial - d : trial;
    }
    c.flags.lazy(Flags::Op::Sub, static_cast<T>(trial), static_cast<T>(d), static_cast<T>(trial - d));
    c.flags.set_flag(flag::CF, false);
}

template <typename T> void div_e(Cpu& c, const Insn& i) {
    T d = read_rm<T>(c, i);
    Wide<T> n = acc_pair<T>(c);
    T high = static_cast<T>(n >> kBits<T>);
    if (high >= d) early_divide_error<T>(c, high, d);  // also d == 0
    Wide<T> q = n / d;
    c.set_reg<T>(EAX, static_cast<T>(q));
    c.set_reg<T>(sizeof(T) == 1 ? 4 : EDX, static_cast<T>(n % d));  // AH or (E)DX
}

template <typename T> void idiv_e(Cpu& c, const Insn& i) {
    using SW = std::make_signed_t<Wide<T>>;
    using S = Signed<T>;
    S d = S(read_rm<T>(c, i));
    SW n = SW(acc_pair<T>(c));
    {
        Wide<T> magnitude = n < 0 ? Wide<T>(0) - Wide<T>(n) : Wide<T>(n);
        T high = static_cast<T>(magnitude >> kBits<T>);
        T divisor = d < 0 ? T(0 - T(d)) : T(d);
        if (high >= divisor) early_divide_error<T>(c, high, divisor);  // also d == 0
    }
    if (n == std::numeric_limits<SW>::min() && d == -1) divide_error(c);
    SW q = n / d;
    // The 8086 cannot produce the most negative quotient; later CPUs can.
    SW lowest = c.traits().has_186_ops ? SW(std::numeric_limits<S>::min()) : SW(std::numeric_limits<S>::min()) + 1;
    if (q > SW(std::numeric_limits<S>::max()) || q < lowest) {
        if (!c.traits().has_186_ops) late_idiv_flags<T>(c, n, d);
        divide_error(c);
    }
    // 8086 quirk: its microcode keeps the quotient's sign in the same internal
    // flag that marks a REP prefix, so a REP-prefixed IDIV negates the quotient.
    if (!c.traits().has_186_ops && (i.flags & (insn_flag::kRep | insn_flag::kRepne))) q = -q;
    c.set_reg<T>(EAX, static_cast<T>(q));
    c.set_reg<T>(sizeof(T) == 1 ? 4 : EDX, static_cast<T>(n % d));
}

// IMUL Gv,Ev,Iz / Gv,Ev,Ib (186+)
template <typename T> void imul_gei(Cpu& c, const Insn& i) {
    using SW = std::make_signed_t<Wide<T>>;
    SW p = SW(Signed<T>(read_rm<T>(c, i))) * SW(Signed<T>(static_cast<T>(i.imm)));
    T r = static_cast<T>(p);
    c.set_reg<T>(i.reg, r);
    bool overflow = p != SW(Signed<T>(r));
    set_szp<T>(c, r, overflow, overflow, false);
}

}  // namespace

void register_muldiv_ops(OpTableBuilder& b) {
    b.group(0xF6, 4, "mul", kM, &mul_e<uint8_t>);
    b.group(0xF7, 4, "mul", kM, AMBER_SIZED(mul_e));
    b.group(0xF6, 5, "imul", kM, &imul_e<uint8_t>);
    b.group(0xF7, 5, "imul", kM, AMBER_SIZED(imul_e));
    b.group(0xF6, 6, "div", kM, &div_e<uint8_t>);
    b.group(0xF7, 6, "div", kM, AMBER_SIZED(div_e));
    b.group(0xF6, 7, "idiv", kM, &idiv_e<uint8_t>);
    b.group(0xF7, 7, "idiv", kM, AMBER_SIZED(idiv_e));
    if (b.model.has_186_ops) {
        b.op(0x69, "imul", M(Imm::Iz), AMBER_SIZED(imul_gei));
        b.op(0x6B, "imul", M(Imm::Ibs), AMBER_SIZED(imul_gei));
    }
}

}  // namespace amber
