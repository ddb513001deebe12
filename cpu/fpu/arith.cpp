// FADD/FSUB/FMUL/FDIV/FSQRT: exact results on 128-bit significands, one
// rounding by round_pack at the precision control's width. Each operation
// tests for two normal operands and computes inline; everything else
// (zeros, denormals, infinities, NaNs) goes to an out-of-line *_special.
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

inline Unpacked unpack_normal(Float80 x, bool flip = false) { return {x.sign() != flip, x.exp(), x.sig}; }

inline Float80 add_finite(Unpacked x, Unpacked y, FpuEnv& env) {
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

[[gnu::noinline]] Float80 add_special(Float80 a, Float80 b, bool negate_b, FpuEnv& env) {
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

inline Float80 mul_finite(Unpacked x, Unpacked y, FpuEnv& env) {
    U128 p = mul64(x.sig, y.sig);
    int32_t e = x.exp + y.exp - kExpBias + 1;
    if (!(p.hi >> 63)) {
        p = shl128(p, 1);
        --e;
    }
    return round_pack(x.sign != y.sign, e, p, env.precision_bits(), env);
}

inline Float80 div_finite(Unpacked x, Unpacked y, FpuEnv& env) {
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
    uint64_t r;
    const uint64_t q = div128(hi, lo, y.sig, &r);
    // The bits below the quotient only matter as round and sticky bits:
    // compare 2r with the divisor instead of dividing again.
    const uint64_t other = y.sig - r;  // 2r > divisor  <=>  r > divisor - r
    const uint64_t below = r == 0 ? 0 : (r > other ? kIntBit | 1 : (r == other ? kIntBit : 1));
    return round_pack(x.sign != y.sign, e, U128{q, below}, env.precision_bits(), env);
}


[[gnu::noinline]] Float80 mul_special(Float80 a, Float80 b, FpuEnv& env) {
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

[[gnu::noinline]] Float80 div_special(Float80 a, Float80 b, FpuEnv& env) {
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

inline bool both_normal(Float80 a, Float80 b, const FpuEnv& env) {
    return is_normal(a) && is_normal(b) && !env.operand_denormal;
}

// Integer square roots with remainder (root^2 + rem = x) of normalized
// radicands (top two bits not both zero). The 32-bit one goes digit by
// digit, two radicand bits a step; each wider one takes the root of its top
// half, then one division gives the low half of the root (a Karatsuba
// square root step), then at most one correction.
uint32_t isqrt32(uint32_t x, uint32_t* rem) {
    uint32_t r = 0, root = 0;
    for (int i = 15; i >= 0; --i) {
        r = (r << 2) | ((x >> (2 * i)) & 3);
        const uint32_t trial = (root << 2) | 1;
        root <<= 1;
        if (r >= trial) {
            r -= trial;
            root |= 1;
        }
    }
    *rem = r;
    return root;
}

uint64_t isqrt64(uint64_t x, uint64_t* rem) {
    uint32_t r1;
    const uint64_t s1 = isqrt32(static_cast<uint32_t>(x >> 32), &r1);  // r1 <= 2 s1 < 2^17
    const uint64_t n = (uint64_t{r1} << 16) | ((x >> 16) & 0xFFFF);
    const uint64_t q = n / (2 * s1), u = n % (2 * s1);  // q <= 2^16
    uint64_t s = (s1 << 16) + q;
    int64_t r = static_cast<int64_t>((u << 16) | (x & 0xFFFF)) - static_cast<int64_t>(q * q);
    if (r < 0) {
        r += static_cast<int64_t>(2 * s - 1);
        --s;
    }
    *rem = static_cast<uint64_t>(r);
    return s;
}

}  // namespace

uint64_t detail::isqrt128(U128 m, U128* rem) {
    // The top half gives the top 32 root bits s; one division step gives the
    // low 32 (a Karatsuba square root step, base 2^32, valid because
    // m >= 2^126 makes s >= 2^31), then at most one correction.
    uint64_t r1;
    const uint64_t s = isqrt64(m.hi, &r1);  // r1 <= 2s < 2^33
    const U128 n{r1 >> 32, (r1 << 32) | (m.lo >> 32)};
    uint64_t u;
    const uint64_t q = div128(n.hi, n.lo, 2 * s, &u);  // q <= 2^32
    U128 root = add128(U128{0, s << 32}, U128{0, q});
    U128 r = add128(U128{u >> 32, u << 32}, U128{0, m.lo & 0xFFFFFFFFu});
    r = sub128(r, mul64(q, q));
    if (r.hi >> 63) {  // negative: root was one too large
        r = add128(r, sub128(shl128(root, 1), U128{0, 1}));
        root = sub128(root, U128{0, 1});
    }
    *rem = r;
    return root.lo;
}


Float80 add(Float80 a, Float80 b, FpuEnv& env) {
    if (both_normal(a, b, env)) [[likely]]
        return add_finite(unpack_normal(a), unpack_normal(b), env);
    return add_special(a, b, false, env);
}

Float80 sub(Float80 a, Float80 b, FpuEnv& env) {
    if (both_normal(a, b, env)) [[likely]]
        return add_finite(unpack_normal(a), unpack_normal(b, true), env);
    return add_special(a, b, true, env);
}

Float80 mul(Float80 a, Float80 b, FpuEnv& env) {
    if (both_normal(a, b, env)) [[likely]]
        return mul_finite(unpack_normal(a), unpack_normal(b), env);
    return mul_special(a, b, env);
}

Float80 div(Float80 a, Float80 b, FpuEnv& env) {
    if (both_normal(a, b, env)) [[likely]]
        return div_finite(unpack_normal(a), unpack_normal(b), env);
    return div_special(a, b, env);
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
