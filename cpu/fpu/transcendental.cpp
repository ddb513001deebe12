// FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1: special operands per
// the SDM's tables, then series in the 128-bit Wide format (wide.hpp) on a
// reduced argument, and one final rounding.
#include "cpu/fpu/transcendental.hpp"

#include <array>
#include <cstddef>

#include "cpu/fpu/internal.hpp"
#include "cpu/fpu/wide.hpp"

namespace amber::fpu {

using namespace detail;

namespace {

constexpr Wide kOne{false, 0, U128{kIntBit, 0}};

// Reciprocals for the series coefficients, computed at compile time, so the
// series multiply instead of dividing.
template <std::size_t N, typename F>
constexpr std::array<Wide, N> reciprocals(F denominator) {
    std::array<Wide, N> t{};
    for (std::size_t i = 0; i < N; ++i) t[i] = wide_div_small(kOne, denominator(static_cast<uint32_t>(i)));
    return t;
}
constexpr uint32_t kTrigTerms = 17, kExpTerms = 34, kOddTerms = 26;
// [k] = 1/((2k)(2k+1)) and 1/((2k-1)(2k)), k >= 1.
constexpr auto kSinRecip = reciprocals<kTrigTerms + 1>([](uint32_t k) { return k ? (2 * k) * (2 * k + 1) : 1; });
constexpr auto kCosRecip = reciprocals<kTrigTerms + 1>([](uint32_t k) { return k ? (2 * k - 1) * (2 * k) : 1; });
// [k] = 1/k and 1/(2k+1).
constexpr auto kIntRecip = reciprocals<kExpTerms + 1>([](uint32_t k) { return k ? k : 1; });
constexpr auto kOddRecip = reciprocals<kOddTerms + 1>([](uint32_t k) { return 2 * k + 1; });

// floor(a) for 0 <= a < 2^63.
uint64_t wide_floor(Wide a) {
    if (a.is_zero() || a.exp < 0) return 0;
    return shr128(a.sig, static_cast<unsigned>(127 - a.exp)).lo;
}

// Taylor terms of sin and cos needed for |r| < 2^(e+1) (e = r.exp), so the
// first omitted one is below 2^-130 of the result.
uint32_t trig_terms(int32_t e) {
    static constexpr uint8_t kTerms[] = {17, 14, 12, 10, 9, 8, 7, 6, 6, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3,
                                         2,  2,  2,  2,  2, 2, 2, 2, 2, 2, 2, 1};  // e = -1, -2, ...
    if (e >= -1) return kTrigTerms;
    const int32_t i = -1 - e;
    return i < static_cast<int32_t>(sizeof kTerms) ? kTerms[i] : 1;
}

// sin(r) and cos(r) for |r| <= pi/4: Taylor series in Horner form.
Wide sin_series(Wide r) {
    const Wide r2 = wide_mul(r, r);
    Wide t = kOne;
    for (uint32_t k = trig_terms(r.exp); k >= 1; --k) t = wide_sub(kOne, wide_mul(wide_mul(r2, t), kSinRecip[k]));
    return wide_mul(r, t);
}

Wide cos_series(Wide r) {
    const Wide r2 = wide_mul(r, r);
    Wide t = kOne;
    for (uint32_t k = trig_terms(r.exp); k >= 1; --k) t = wide_sub(kOne, wide_mul(wide_mul(r2, t), kCosRecip[k]));
    return t;
}

// sum (-1)^k u^2k / (2k+1) or, with `alternate` false, sum u^2k / (2k+1):
// atan(u) = u * S(alternating), atanh(u) = u * S(plain). At most
// `max_terms`, fewer when |u| < 2^(e+1) is small enough that u^2k drops
// below 2^-130 sooner.
Wide odd_series(Wide u, bool alternate, uint32_t max_terms) {
    uint32_t terms = max_terms;
    if (u.exp <= -2) {
        const uint32_t enough = 65 / static_cast<uint32_t>(-1 - u.exp) + 1;
        if (enough < terms) terms = enough;
    }
    const Wide u2 = wide_mul(u, u);
    Wide t = kOddRecip[terms];
    for (uint32_t k = terms; k-- > 0;) {
        const Wide p = wide_mul(u2, t);
        t = alternate ? wide_sub(kOddRecip[k], p) : wide_add(kOddRecip[k], p);
    }
    return t;
}

// e^z - 1 for |z| <= ln 2: z * (1 + z/2 * (1 + z/3 * (...))), with as many
// terms as |z| < 2^(e+1) needs for the first omitted one to fall below
// 2^-130 of the result.
Wide expm1_series(Wide z) {
    static constexpr uint8_t kTerms[] = {34, 28, 24, 21, 19, 17, 15, 14, 13, 12, 11, 10, 10, 9, 8, 8, 8, 7, 7, 7, 6, 6, 6,
                                         6,  6,  5,  5,  5,  5,  5,  5,  4,  4,  4,  4,  4,  4, 4, 4, 4, 4, 4, 3};
    uint32_t terms = kExpTerms;
    if (z.exp < -1) {
        const int32_t i = -1 - z.exp;
        terms = i < static_cast<int32_t>(sizeof kTerms) ? kTerms[i] : (i < 64 ? 3 : 2);
    }
    Wide t = kOne;
    for (uint32_t k = terms; k >= 2; --k) t = wide_add(kOne, wide_mul(wide_mul(z, t), kIntRecip[k]));
    return wide_mul(z, t);
}

// The 387's pi/2 for argument reduction: pi rounded to 66 bits, halved.
// As an integer in units of 2^-65: floor(pi * 2^64).
constexpr U128 kHalfPi66{0x3, 0x243F6A8885A308D3u};

struct Reduced {
    Wide r;             // |x| - q * pi66/2, in [-pi66/4, pi66/4]
    unsigned quadrant;  // q mod 4
};

// Reduces |x| (finite, below 2^63) exactly modulo the 66-bit pi/2.
Reduced reduce(Float80 x) {
    const Unpacked u = unpack(x);
    const int32_t e = u.exp - kExpBias;  // |x| = sig * 2^(e - 63)
    if (e < -1) return {Wide{false, e, U128{u.sig, 0}}, 0};  // below 1/2: nothing to reduce
    // |x| in units of 2^-65: an integer below 2^128.
    const U128 X = shl128(U128{0, u.sig}, static_cast<unsigned>(e + 2));
    // Quotient estimate from the top 64 bits of pi66/2, corrected below.
    const U128 Xs = shr128(X, 2);
    uint64_t rem;
    uint64_t q = div128(Xs.hi, Xs.lo, shr128(kHalfPi66, 2).lo, &rem);
    // r = X - q * P, exact modulo 2^128 (the true r is small).
    U128 qp = mul64(q, kHalfPi66.lo);
    qp.hi += q * kHalfPi66.hi;
    U128 r = sub128(X, qp);
    while (r.hi >> 63) {  // negative
        r = add128(r, kHalfPi66);
        --q;
    }
    while (r >= kHalfPi66) {
        r = sub128(r, kHalfPi66);
        ++q;
    }
    bool neg = false;
    if (shl128(r, 1) > kHalfPi66) {  // past the midpoint: go to the next multiple
        r = sub128(kHalfPi66, r);
        neg = true;
        ++q;
    }
    return {wide_normalize(neg, 127 - 65, r), static_cast<unsigned>(q & 3)};
}

// Screening shared by FSIN/FCOS/FSINCOS/FPTAN. Returns false with *done set
// when the operand needs no series (NaN, infinity, zero, out of range).
enum class TrigCase { Compute, Zero, OutOfRange, Done };
TrigCase trig_screen(Float80 x, FpuEnv& env, Float80* nan) {
    const FpClass c = classify(x);
    if (c == FpClass::Normal) return x.exp() >= kExpBias + 63 ? TrigCase::OutOfRange : TrigCase::Compute;
    if (nan_operand(x, c, env, nan)) return TrigCase::Done;
    if (c == FpClass::Infinity) {
        *nan = invalid(env);
        return TrigCase::Done;
    }
    if (c == FpClass::Zero) return TrigCase::Zero;
    if (env.raise_pre(exc::DE)) {
        *nan = x;
        return TrigCase::Done;
    }
    return TrigCase::Compute;
}

// sin and cos of x from its reduction; the sign of x applies to sin. Either
// pointer may be null when that result is not wanted.
void sin_cos_wide(Float80 x, Wide* s, Wide* c) {
    const Reduced red = reduce(x);
    const bool odd = red.quadrant & 1;
    // sin x = +-sin r (even quadrant) or +-cos r (odd); cos x the other way.
    if (s) {
        *s = odd ? cos_series(red.r) : sin_series(red.r);
        if ((red.quadrant >= 2) != x.sign()) *s = wide_neg(*s);
    }
    if (c) {
        *c = odd ? sin_series(red.r) : cos_series(red.r);
        if (red.quadrant == 1 || red.quadrant == 2) *c = wide_neg(*c);
    }
}

// Natural logarithm of a positive value: v = m * 2^E with m in
// [sqrt(1/2), sqrt(2)), ln v = E ln 2 + 2 atanh((m - 1) / (m + 1)).
// Returned as log2.
Wide log2_wide(Wide v) {
    constexpr U128 kSqrt2{0xB504F333F9DE6484u, 0x597D89B3754ABE9Fu};
    int32_t e = v.exp;
    Wide m{false, 0, v.sig};
    if (m.sig > kSqrt2) {
        m.exp = -1;
        ++e;
    }
    const Wide s = wide_div(wide_sub(m, kOne), wide_add(m, kOne));
    const Wide ln_m = wide_scale(wide_mul(s, odd_series(s, false, kOddTerms)), 1);
    return wide_add(wide_from_int(e), wide_mul(ln_m, wide_log2e()));
}

// atan(t) for 0 <= t <= 1: atan(c) + atan((t - c) / (1 + t c)) with c the
// nearest multiple of 1/8, so the series argument is at most 1/16.
Wide atan_unit(Wide t) {
    const uint64_t k = wide_floor(wide_add(wide_scale(t, 3), Wide{false, -1, U128{kIntBit, 0}}));
    if (k == 0) return wide_mul(t, odd_series(t, true, 17));
    const Wide c = wide_scale(wide_from_int(static_cast<int64_t>(k)), -3);
    const Wide u = wide_div(wide_sub(t, c), wide_add(kOne, wide_mul(t, c)));
    return wide_add(wide_atan_eighths(static_cast<unsigned>(k)), wide_mul(u, odd_series(u, true, 17)));
}

Float80 signed_pi_fraction(bool sign, int num, int log2_den, FpuEnv& env) {
    // num * pi / 2^log2_den for num 1 or 3.
    Wide v = wide_scale(wide_pi(), -log2_den);
    if (num == 3) v = wide_add(v, wide_scale(v, 1));
    v.sign = sign;
    return wide_round(v, env);
}

}  // namespace

Trig sin(Float80 x, FpuEnv& env) {
    Float80 special;
    switch (trig_screen(x, env, &special)) {
    case TrigCase::OutOfRange: return {x, true};
    case TrigCase::Zero: return {x, false};
    case TrigCase::Done: return {special, false};
    default: break;
    }
    Wide s;
    sin_cos_wide(x, &s, nullptr);
    return {wide_round(s, env), false};
}

Trig cos(Float80 x, FpuEnv& env) {
    Float80 special;
    switch (trig_screen(x, env, &special)) {
    case TrigCase::OutOfRange: return {x, true};
    case TrigCase::Zero: return {one(false), false};
    case TrigCase::Done: return {special, false};
    default: break;
    }
    Wide c;
    sin_cos_wide(x, nullptr, &c);
    return {wide_round(c, env), false};
}

TrigPair sincos(Float80 x, FpuEnv& env) {
    Float80 special;
    switch (trig_screen(x, env, &special)) {
    case TrigCase::OutOfRange: return {x, x, true};
    case TrigCase::Zero: return {x, one(false), false};
    case TrigCase::Done: return {special, special, false};
    default: break;
    }
    Wide s, c;
    sin_cos_wide(x, &s, &c);
    const Float80 rs = wide_round(s, env);
    const bool up = env.c1;
    const Float80 rc = wide_round(c, env);
    env.c1 = env.c1 || up;
    return {rs, rc, false};
}

TrigPair tan(Float80 x, FpuEnv& env) {
    Float80 special;
    switch (trig_screen(x, env, &special)) {
    case TrigCase::OutOfRange: return {x, x, true};
    case TrigCase::Zero: return {x, one(false), false};
    case TrigCase::Done: return {special, special, false};
    default: break;
    }
    Wide s, c;
    sin_cos_wide(x, &s, &c);
    return {wide_round(wide_div(s, c), env), one(false), false};
}

Float80 atan2(Float80 y, Float80 x, FpuEnv& env) {
    const FpClass cy = classify(y), cx = classify(x);
    if (cy != FpClass::Normal || cx != FpClass::Normal) {
        Float80 out;
        if (nan_operands(y, cy, x, cx, env, &out)) return out;
        if ((is_denormal(cy) || is_denormal(cx)) && env.raise_pre(exc::DE)) return x;
        const bool iy = cy == FpClass::Infinity, ix = cx == FpClass::Infinity;
        if (iy && ix) return signed_pi_fraction(y.sign(), x.sign() ? 3 : 1, 2, env);
        if (iy) return signed_pi_fraction(y.sign(), 1, 1, env);
        if (ix) return x.sign() ? signed_pi_fraction(y.sign(), 1, 0, env) : zero(y.sign());
        if (cy == FpClass::Zero) return x.sign() ? signed_pi_fraction(y.sign(), 1, 0, env) : zero(y.sign());
        if (cx == FpClass::Zero) return signed_pi_fraction(y.sign(), 1, 1, env);
    }
    const Wide ay = wide_abs(wide_from(y)), ax = wide_abs(wide_from(x));
    const bool steep = wide_compare_magnitude(ay, ax) > 0;
    Wide a = atan_unit(steep ? wide_div(ax, ay) : wide_div(ay, ax));
    if (steep) a = wide_sub(wide_scale(wide_pi(), -1), a);
    if (x.sign()) a = wide_sub(wide_pi(), a);
    a.sign = y.sign();
    return wide_round(a, env);
}

Float80 f2xm1(Float80 x, FpuEnv& env) {
    const FpClass c = classify(x);
    if (c != FpClass::Normal) {
        Float80 out;
        if (nan_operand(x, c, env, &out)) return out;
        if (c == FpClass::Zero) return x;
        if (c == FpClass::Infinity) return x.sign() ? one(true) : x;
        if (env.raise_pre(exc::DE)) return x;
    }
    if (x == one(false)) return x;  // 2^1 - 1 = 1, 2^-1 - 1 = -1/2: exact
    if (x == one(true)) return Float80::make(true, kExpBias - 1, kIntBit);
    const Wide w = wide_from(x);
    if (w.exp < 0) return wide_round(expm1_series(wide_mul(w, wide_ln2())), env);
    // Outside the documented range: 2^x - 1 = 2^n (e^(f ln 2)) - 1, x = n + f.
    const Wide half{false, -1, U128{kIntBit, 0}};
    int64_t n = static_cast<int64_t>(wide_floor(wide_add(wide_abs(w), half)));
    if (n > 40000) n = 40000;
    if (w.sign) n = -n;
    const Wide f = wide_sub(w, wide_from_int(n));
    const Wide p = wide_scale(wide_add(expm1_series(wide_mul(f, wide_ln2())), kOne), static_cast<int32_t>(n));
    return wide_round(wide_sub(p, kOne), env);
}

Float80 yl2x(Float80 y, Float80 x, FpuEnv& env) {
    const FpClass cy = classify(y), cx = classify(x);
    const bool x_is_one = x == one(false);
    if (cy != FpClass::Normal || cx != FpClass::Normal || x.sign() || x_is_one) {
        Float80 out;
        if (nan_operands(y, cy, x, cx, env, &out)) return out;
        if (x.sign() && cx != FpClass::Zero) return invalid(env);
        const bool zy = cy == FpClass::Zero, iy = cy == FpClass::Infinity;
        if (cx == FpClass::Zero) {  // log2(0) = -infinity
            if (zy) return invalid(env);
            if (!iy && env.raise_pre(exc::ZE)) return x;
            return infinity(!y.sign());
        }
        if (cx == FpClass::Infinity) {
            if (zy) return invalid(env);
            if (is_denormal(cy) && env.raise_pre(exc::DE)) return x;
            return infinity(y.sign());
        }
        if (x_is_one) {
            if (iy) return invalid(env);
            if (is_denormal(cy) && env.raise_pre(exc::DE)) return x;
            return zero(y.sign());
        }
        if ((is_denormal(cy) || is_denormal(cx)) && env.raise_pre(exc::DE)) return x;
        const bool below_one = x.exp() < kExpBias;  // (denormals included)
        if (iy) return infinity(y.sign() != below_one);
        if (zy) return zero(y.sign() != below_one);
    }
    const Wide wx = wide_from(x);
    if (wx.sig == U128{kIntBit, 0})  // a power of two: y * exponent, exact
        return wide_round(wide_mul(wide_from(y), wide_from_int(wx.exp)), env);
    return wide_round(wide_mul(wide_from(y), log2_wide(wx)), env);
}

Float80 yl2xp1(Float80 y, Float80 x, FpuEnv& env) {
    const FpClass cy = classify(y), cx = classify(x);
    if (cy != FpClass::Normal || cx != FpClass::Normal) {
        Float80 out;
        if (nan_operands(y, cy, x, cx, env, &out)) return out;
        const bool zy = cy == FpClass::Zero, iy = cy == FpClass::Infinity;
        if (cx == FpClass::Infinity) {
            if (x.sign() || zy) return invalid(env);
            if (is_denormal(cy) && env.raise_pre(exc::DE)) return x;
            return infinity(y.sign());
        }
        if (cx == FpClass::Zero) {
            if (iy) return invalid(env);
            if (is_denormal(cy) && env.raise_pre(exc::DE)) return x;
            return zero(y.sign() != x.sign());
        }
        if ((is_denormal(cy) || is_denormal(cx)) && env.raise_pre(exc::DE)) return x;
        if (iy) return infinity(y.sign() != x.sign());
        if (zy) return zero(y.sign() != x.sign());
    }
    const Wide wx = wide_from(x);
    // x <= -1 is outside the instruction's range (and log2 is undefined).
    const int vs_one = wide_compare_magnitude(wx, kOne);
    if (wx.sign && vs_one >= 0) {
        if (vs_one == 0 && !env.raise_pre(exc::ZE)) return infinity(!y.sign());
        if (vs_one == 0) return x;
        return invalid(env);
    }
    Wide l;
    if (wx.exp < -2) {
        // Small x: log2(1 + x) = 2 atanh(x / (2 + x)) / ln 2, no cancellation.
        const Wide s = wide_div(wx, wide_add(Wide{false, 1, U128{kIntBit, 0}}, wx));
        l = wide_mul(wide_scale(wide_mul(s, odd_series(s, false, kOddTerms)), 1), wide_log2e());
    } else {
        l = log2_wide(wide_add(kOne, wx));
    }
    return wide_round(wide_mul(wide_from(y), l), env);
}

}  // namespace amber::fpu
