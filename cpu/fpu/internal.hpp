// Shared by the cpu/fpu sources only: unpacked values, the one rounding
// routine every result goes through, and the NaN rules.
#pragma once
#include <cstdint>

#include "cpu/fpu/float80.hpp"
#include "cpu/fpu/fpu_env.hpp"
#include "cpu/fpu/u128.hpp"

namespace amber::fpu::detail {

// A finite non-zero value with its significand normalized (bit 63 set):
// value = (-1)^sign * sig * 2^(exp - 16383 - 63). The biased exponent may lie
// outside 1..0x7FFE (denormals unpack below 1).
struct Unpacked {
    bool sign;
    int32_t exp;
    uint64_t sig;
};

// x must be normal, denormal or pseudo-denormal.
inline Unpacked unpack(Float80 x) {
    int32_t e = x.exp();
    uint64_t s = x.sig;
    if (e == 0) {
        // Denormals and pseudo-denormals both scale by 2^(1 - bias).
        const int n = clz64(s);
        s <<= n;
        e = 1 - n;
    }
    return {x.sign(), e, s};
}

// One rounding step on a 128-bit significand (bit 127 is the integer bit
// when normalized): keep the top `bits` bits, round by `rc`.
struct Rounded {
    uint64_t sig;     // kept bits (low bits cleared); kIntBit on carry out
    bool inexact;
    bool up;          // magnitude increased
    bool carry;       // rounding overflowed out of bit 63 (sig became kIntBit)
};

inline Rounded round_sig(U128 s, unsigned bits, Rounding rc, bool sign) {
    uint64_t hi = s.hi;
    uint64_t unit;
    bool round, sticky;
    if (bits >= 64) {
        unit = 1;
        round = s.lo >> 63;
        sticky = (s.lo << 1) != 0;
    } else {
        unit = uint64_t{1} << (64 - bits);
        const uint64_t rem = hi & (unit - 1);
        const uint64_t half = unit >> 1;
        round = rem & half;
        sticky = (rem & (half - 1)) || s.lo;
        hi -= rem;
    }
    Rounded r{hi, round || sticky, false, false};
    bool inc = false;
    switch (rc) {
    case Rounding::Nearest: inc = round && (sticky || (hi & unit)); break;
    case Rounding::Up: inc = r.inexact && !sign; break;
    case Rounding::Down: inc = r.inexact && sign; break;
    case Rounding::Zero: break;
    }
    if (inc) {
        r.up = true;
        r.sig = hi + unit;
        if (r.sig == 0) {
            r.sig = kIntBit;
            r.carry = true;
        }
    }
    return r;
}

// Rounds (-1)^sign * s * 2^(exp - 16383 - 127) to `bits` significand bits
// and packs it, with the x87's overflow, underflow (tininess after rounding)
// and unmasked bias-adjust responses. s must have bit 127 set.
// `exp_max` is the exponent of infinity: conversions to float32/float64 pass
// 255/2047 with exp already rebiased for that format (the underflow
// threshold, exponent 1, is the same in every format).
Float80 round_pack_edge(bool sign, int32_t exp, U128 s, unsigned bits, FpuEnv& env, int32_t exp_max);

inline Float80 round_pack(bool sign, int32_t exp, U128 s, unsigned bits, FpuEnv& env, int32_t exp_max = kExpMax) {
    // The common case inline: a normal result that stays normal.
    if (exp >= 1 && exp < exp_max - 1) [[likely]] {
        const Rounded r = round_sig(s, bits, env.rc, sign);
        if (r.inexact) env.flags |= exc::PE;
        env.c1 = r.up;
        return Float80::make(sign, static_cast<uint16_t>(exp + r.carry), r.sig);
    }
    return round_pack_edge(sign, exp, s, bits, env, exp_max);
}

// The same for a significand that is not normalized (any non-zero value;
// zero gives a zero of `sign`).
Float80 normalize_round_pack(bool sign, int32_t exp, U128 s, unsigned bits, FpuEnv& env);

// The x87's choice between two NaNs: a QNaN over an SNaN, else the larger
// significand; quieted.
Float80 pick_nan(Float80 a, Float80 b);

// Operand screening shared by the arithmetic operations: when an operand is
// unsupported (IE, indefinite) or a NaN (IE if signaling, the NaN rules),
// returns true with the result in *out. An unmasked IE sets env.suppressed.
bool nan_operands(Float80 a, FpClass ca, Float80 b, FpClass cb, FpuEnv& env, Float80* out);
bool nan_operand(Float80 a, FpClass ca, FpuEnv& env, Float80* out);

// Whether a two-operand operation sees a denormal (DE): an 80-bit denormal
// or pseudo-denormal, or a float32/float64 operand that was one in memory.
inline bool denormal_operand(FpClass ca, FpClass cb, const FpuEnv& env) {
    return is_denormal(ca) || is_denormal(cb) || env.operand_denormal;
}

// floor(sqrt(m)) for m >= 2^126 (a normalized radicand); *rem = m - root^2.
uint64_t isqrt128(U128 m, U128* rem);

// An invalid operation: IE with the indefinite as the masked response.
inline Float80 invalid(FpuEnv& env) {
    env.raise_pre(exc::IE);
    return kIndefinite;
}

}  // namespace amber::fpu::detail
