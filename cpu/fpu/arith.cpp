// FADD/FSUB/FMUL/FDIV/FSQRT: exact results on 128-bit significands, one
// rounding by round_pack at the precision control's width.
#include "cpu/fpu/arith.hpp"

#include "cpu/fpu/internal.hpp"

namespace amber::fpu {

using namespace detail;

namespace {

// A finite non-zero value rounded to the precision control (x + 0, x * 1...).
Float80 pass(Float80 x, bool sign, FpuEnv& env) {
    const Unpacked u = unpack(x);
    return round_pack(sign, u.exp, U128{u.sig, 0}, env.precision_bits(), env);
}

Float80 add_finite(Unpacked x, Unpacked y, FpuEnv& env) {
    // x gets the larger magnitude.
    if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig)) {
        const Unpacked t = x;
        x = y;
        y = t;
    }
    const U128 big{x.sig, 0};
    const U128 small = shr128_sticky(U128{y.sig, 0}, static_cast<uint32_t>(x.exp - y.exp));
    if (x.sign == y.sign) {
        U128 s = add128(big, small);
        int32_t e = x.exp;
        if (s < big) {  // carry out of bit 127
            s = shr128_sticky(s, 1);
            s.hi |= kIntBit;
            ++e;
        }
        return round_pack(x.sign, e, s, env.precision_bits(), env);
    }
    const U128 d = sub128(big, small);
    // An exact zero difference is +0, or -0 when rounding down.
    if (d.is_zero()) return zero(env.rc == Rounding::Down);
    return normalize_round_pack(x.sign, x.exp, d, env.precision_bits(), env);
}

Float80 add_signed(Float80 a, Float80 b, bool negate_b, FpuEnv& env) {
    if (is_normal(a) && is_normal(b) && !env.operand_denormal) [[likely]] {
        Unpacked y = unpack(b);
        y.sign ^= negate_b;
        return add_finite(unpack(a), y, env);
    }
    const FpClass ca = classify(a), cb = classify(b);
    Float80 out;
    if (nan_operands(a, ca, b, cb, env, &out)) return out;
    const bool sa = a.sign(), sb = b.sign() != negate_b;
    if (ca == FpClass::Infinity || cb == FpClass::Infinity) {
        if (ca == cb && sa != sb) return invalid(env);
        if (denormal_operand(ca, cb, env) && env.raise_pre(exc::DE)) return a;
        return infinity(ca == FpClass::Infinity ? sa : sb);
    }
    if (denormal_operand(ca, cb, env) && env.raise_pre(exc::DE)) return a;
    if (ca == FpClass::Zero) {
        if (cb == FpClass::Zero) return zero(sa == sb ? sa : env.rc == Rounding::Down);
        return pass(b, sb, env);
    }
    if (cb == FpClass::Zero) return pass(a, sa, env);
    Unpacked y = unpack(b);
    y.sign = sb;
    return add_finite(unpack(a), y, env);
}

Float80 mul_finite(Unpacked x, Unpacked y, FpuEnv& env) {
    U128 p = mul64(x.sig, y.sig);
    int32_t e = x.exp + y.exp - kExpBias + 1;
    if (!(p.hi >> 63)) {
        p = shl128(p, 1);
        --e;
    }
    return round_pack(x.sign != y.sign, e, p, env.precision_bits(), env);
}

Float80 div_finite(Unpacked x, Unpacked y, FpuEnv& env) {
    uint64_t hi, lo;
    int32_t e = x.exp - y.exp + kExpBias;
    if (x.sig >= y.sig) {
        hi = x.sig >> 1;
        lo = x.sig << 63;
    } else {
        hi = x.sig;
        lo = 0;
        --e;
    }
    uint64_t r1, r2;
    const uint64_t q1 = div128(hi, lo, y.sig, &r1);
    const uint64_t q2 = div128(r1, 0, y.sig, &r2);
    return round_pack(x.sign != y.sign, e, U128{q1, q2 | (r2 != 0)}, env.precision_bits(), env);
}

// floor(sqrt(m)) by the digit-by-digit method, two radicand bits a step;
// *rem gets m - root^2.
uint64_t isqrt128(U128 m, U128* rem) {
    U128 r{};
    uint64_t root = 0;
    for (int i = 63; i >= 0; --i) {
        const uint64_t pair = (i >= 32 ? m.hi >> (2 * i - 64) : m.lo >> (2 * i)) & 3;
        r = shl128(r, 2);
        r.lo |= pair;
        U128 trial = shl128(U128{0, root}, 2);
        trial.lo |= 1;
        root <<= 1;
        if (r >= trial) {
            r = sub128(r, trial);
            root |= 1;
        }
    }
    *rem = r;
    return root;
}

}  // namespace

Float80 add(Float80 a, Float80 b, FpuEnv& env) { return add_signed(a, b, false, env); }
Float80 sub(Float80 a, Float80 b, FpuEnv& env) { return add_signed(a, b, true, env); }

Float80 mul(Float80 a, Float80 b, FpuEnv& env) {
    if (is_normal(a) && is_normal(b) && !env.operand_denormal) [[likely]]
        return mul_finite(unpack(a), unpack(b), env);
    const FpClass ca = classify(a), cb = classify(b);
    Float80 out;
    if (nan_operands(a, ca, b, cb, env, &out)) return out;
    const bool sign = a.sign() != b.sign();
    const bool za = ca == FpClass::Zero, zb = cb == FpClass::Zero;
    const bool ia = ca == FpClass::Infinity, ib = cb == FpClass::Infinity;
    if ((ia && zb) || (ib && za)) return invalid(env);
    if (denormal_operand(ca, cb, env) && env.raise_pre(exc::DE)) return a;
    if (ia || ib) return infinity(sign);
    if (za || zb) return zero(sign);
    return mul_finite(unpack(a), unpack(b), env);
}

Float80 div(Float80 a, Float80 b, FpuEnv& env) {
    if (is_normal(a) && is_normal(b) && !env.operand_denormal) [[likely]]
        return div_finite(unpack(a), unpack(b), env);
    const FpClass ca = classify(a), cb = classify(b);
    Float80 out;
    if (nan_operands(a, ca, b, cb, env, &out)) return out;
    const bool sign = a.sign() != b.sign();
    const bool za = ca == FpClass::Zero, zb = cb == FpClass::Zero;
    const bool ia = ca == FpClass::Infinity, ib = cb == FpClass::Infinity;
    if ((ia && ib) || (za && zb)) return invalid(env);
    // Division by zero is reported alone: it takes precedence over DE.
    if (zb && !ia) {
        if (env.raise_pre(exc::ZE)) return a;
        return infinity(sign);
    }
    if (denormal_operand(ca, cb, env) && env.raise_pre(exc::DE)) return a;
    if (ia) return infinity(sign);
    if (ib) return zero(sign);
    if (za) return zero(sign);
    return div_finite(unpack(a), unpack(b), env);
}

Float80 sqrt(Float80 a, FpuEnv& env) {
    const FpClass ca = classify(a);
    if (ca != FpClass::Normal) {
        Float80 out;
        if (nan_operand(a, ca, env, &out)) return out;
        if (ca == FpClass::Zero) return a;
        if (a.sign()) return invalid(env);
        if (ca == FpClass::Infinity) return a;
        if (env.raise_pre(exc::DE)) return a;
    } else if (a.sign()) {
        return invalid(env);
    }
    const Unpacked x = unpack(a);
    const int32_t e = x.exp - kExpBias;
    U128 m;
    int32_t re;
    if ((e & 1) == 0) {
        m = U128{x.sig >> 1, x.sig << 63};
        re = e / 2;
    } else {
        m = U128{x.sig, 0};
        re = (e - 1) / 2;
    }
    U128 rem;
    const uint64_t root = isqrt128(m, &rem);
    const U128 s{root, (rem > U128{0, root} ? kIntBit : 0) | (rem.is_zero() ? 0 : 1)};
    return round_pack(false, re + kExpBias, s, env.precision_bits(), env);
}

}  // namespace amber::fpu
