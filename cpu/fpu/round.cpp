// Rounding and packing of every computed result, and the NaN rules.
#include "cpu/fpu/internal.hpp"

namespace amber::fpu::detail {

namespace {

// Largest finite value with `bits` significand bits.
Float80 largest(bool sign, unsigned bits, int32_t exp_max) {
    const uint64_t sig = bits >= 64 ? ~uint64_t{0} : ~((uint64_t{1} << (64 - bits)) - 1);
    return Float80::make(sign, static_cast<uint16_t>(exp_max - 1), sig);
}

// The exponent is above the range after rounding.
Float80 overflow(bool sign, int32_t exp, const Rounded& r, unsigned bits, FpuEnv& env, int32_t exp_max) {
    env.flags |= exc::OE;
    if (!env.masked(exc::OE)) {
        // Unmasked: the rounded significand with the exponent scaled down.
        if (r.inexact) env.flags |= exc::PE;
        env.c1 = r.up;
        exp -= kBiasAdjust;
        if (exp < exp_max) return Float80::make(sign, static_cast<uint16_t>(exp), r.sig);
        env.c1 = true;
        return Float80::make(sign, static_cast<uint16_t>(exp_max), kIntBit);
    }
    env.flags |= exc::PE;
    bool to_inf = false;
    switch (env.rc) {
    case Rounding::Nearest: to_inf = true; break;
    case Rounding::Up: to_inf = !sign; break;
    case Rounding::Down: to_inf = sign; break;
    case Rounding::Zero: break;
    }
    env.c1 = to_inf;
    return to_inf ? Float80::make(sign, static_cast<uint16_t>(exp_max), kIntBit) : largest(sign, bits, exp_max);
}

}  // namespace

Float80 round_pack_edge(bool sign, int32_t exp, U128 s, unsigned bits, FpuEnv& env, int32_t exp_max) {
    if (exp >= 1) {
        Rounded r = round_sig(s, bits, env.rc, sign);
        if (r.carry) ++exp;
        if (exp < exp_max) [[likely]] {
            if (r.inexact) env.flags |= exc::PE;
            env.c1 = r.up;
            return Float80::make(sign, static_cast<uint16_t>(exp), r.sig);
        }
        return overflow(sign, exp, r, bits, env, exp_max);
    }

    // Below the normal range. Tiny means the result, rounded to `bits` with
    // an unbounded exponent, is still below 2^-16382.
    const Rounded unbounded = round_sig(s, bits, env.rc, sign);
    const bool tiny = !(exp == 0 && unbounded.carry);
    if (tiny && !env.masked(exc::UE)) {
        // Unmasked: UE whenever tiny, and the rounded significand with the
        // exponent scaled up.
        env.flags |= exc::UE;
        int32_t e = exp + kBiasAdjust + (unbounded.carry ? 1 : 0);
        if (e >= 1) {
            if (unbounded.inexact) env.flags |= exc::PE;
            env.c1 = unbounded.up;
            return Float80::make(sign, static_cast<uint16_t>(e), unbounded.sig);
        }
        exp += kBiasAdjust;  // still too small: denormalize what remains
    }
    // Denormalize, then round at the same precision (the precision control
    // masks the low bits of the 64-bit field, denormal or not).
    const U128 d = shr128_sticky(s, static_cast<uint32_t>(1 - exp));
    const Rounded r = round_sig(d, bits, env.rc, sign);
    if (r.inexact) {
        env.flags |= exc::PE;
        if (tiny) env.flags |= exc::UE;
    }
    env.c1 = r.up;
    // Rounding up may carry into the integer bit: the smallest normal.
    return Float80::make(sign, (r.sig >> 63) ? 1 : 0, r.sig);
}

Float80 normalize_round_pack(bool sign, int32_t exp, U128 s, unsigned bits, FpuEnv& env) {
    if (s.is_zero()) return zero(sign);
    const int n = clz128(s);
    return round_pack(sign, exp - n, shl128(s, static_cast<unsigned>(n)), bits, env);
}

Float80 pick_nan(Float80 a, Float80 b) {
    const bool qa = a.sig & kQuietBit, qb = b.sig & kQuietBit;
    if (qa != qb) return quieted(qa ? a : b);
    if (b.sig > a.sig) return quieted(b);
    return quieted(a);
}

bool nan_operands(Float80 a, FpClass ca, Float80 b, FpClass cb, FpuEnv& env, Float80* out) {
    if (is_unsupported(ca) || is_unsupported(cb)) {
        *out = invalid(env);
        return true;
    }
    const bool na = is_nan(ca), nb = is_nan(cb);
    if (!na && !nb) return false;
    if (ca == FpClass::SNaN || cb == FpClass::SNaN) {
        if (env.raise_pre(exc::IE)) return true;
    }
    *out = na && nb ? pick_nan(a, b) : quieted(na ? a : b);
    return true;
}

bool nan_operand(Float80 a, FpClass ca, FpuEnv& env, Float80* out) {
    if (is_unsupported(ca)) {
        *out = invalid(env);
        return true;
    }
    if (!is_nan(ca)) return false;
    if (ca == FpClass::SNaN && env.raise_pre(exc::IE)) return true;
    *out = quieted(a);
    return true;
}

}  // namespace amber::fpu::detail
