// A wider working format for the transcendental functions: sign, int32
// exponent and a 128-bit significand, value = sig * 2^(exp - 127) with bit
// 127 set (or sig = 0 for zero). Operations keep 128 bits and jam whatever
// they drop into bit 0 (a sticky bit), so each has a relative error below
// 2^-126, and a result that is not exact never looks exact: a chain of a
// few dozen stays far below the 2^-64 of the 80-bit result, which
// round_pack then rounds once, in the right direction even when the
// correction is far below the last bit (sin x = x - x^3/6 for tiny x).
// Internal to cpu/fpu.
#pragma once
#include <cstdint>

#include "cpu/fpu/float80.hpp"
#include "cpu/fpu/fpu_env.hpp"
#include "cpu/fpu/u128.hpp"

namespace amber::fpu::detail {

struct Wide {
    bool sign = false;
    int32_t exp = 0;  // exponent of bit 127
    U128 sig{};

    constexpr bool is_zero() const { return sig.hi == 0; }
};

// Any significand: shifts it up to bit 127.
Wide wide_normalize(bool sign, int32_t exp, U128 sig);

// A finite Float80 (normal, denormal or zero), exactly.
Wide wide_from(Float80 x);
Wide wide_from_int(int64_t v);

inline Wide wide_neg(Wide a) {
    a.sign = !a.sign;
    return a;
}
inline Wide wide_abs(Wide a) {
    a.sign = false;
    return a;
}
inline Wide wide_scale(Wide a, int32_t n) {
    if (!a.is_zero()) a.exp += n;
    return a;
}

Wide wide_add(Wide a, Wide b);
inline Wide wide_sub(Wide a, Wide b) { return wide_add(a, wide_neg(b)); }
Wide wide_mul(Wide a, Wide b);
// a / d for a small divisor (d < 2^32); constexpr, for tables of 1/n.
constexpr Wide wide_div_small(Wide a, uint32_t d) {
    if (a.is_zero()) return a;
    uint64_t r;
    const uint64_t q2 = div128(0, a.sig.hi, d, &r);
    const uint64_t q1 = div128(r, a.sig.lo, d, &r);
    const uint64_t q0 = div128(r, 0, d, &r);
    // q2:q1:q0 is the quotient scaled by 2^64; q2 < 2^64 / d, so at most 32
    // leading zeros: normalize from the three words.
    const int n = clz64(q2);
    U128 s{q2, q1};
    s = shl128(s, static_cast<unsigned>(n));
    if (n) s.lo |= q0 >> (64 - n);
    if ((q0 << n) || r) s.lo |= 1;
    return Wide{a.sign, a.exp - n, s};
}

Wide wide_div(Wide a, Wide b);  // b non-zero

// -1, 0 or 1 as |a| is below, equal to or above |b|.
int wide_compare_magnitude(Wide a, Wide b);

// Rounds to 80 bits by env.rc (64-bit significand), with the usual
// overflow/underflow handling.
Float80 wide_round(Wide a, FpuEnv& env);

// Constants to 128 bits.
Wide wide_pi();
Wide wide_ln2();
Wide wide_log2e();
Wide wide_atan_eighths(unsigned k);  // atan(k/8), k = 1..8

}  // namespace amber::fpu::detail
