#include "cpu/fpu/misc.hpp"

#include "cpu/fpu/convert.hpp"
#include "cpu/fpu/internal.hpp"

namespace amber::fpu {

using namespace detail;

Float80 round_to_int(Float80 x, FpuEnv& env) {
    const FpClass c = classify(x);
    if (c != FpClass::Normal) {
        Float80 out;
        if (nan_operand(x, c, env, &out)) return out;
        if (c == FpClass::Zero || c == FpClass::Infinity) return x;
        if (env.raise_pre(exc::DE)) return x;
    }
    const Unpacked u = unpack(x);
    const int32_t e = u.exp - kExpBias;
    if (e >= 63) return x;  // no fraction bits
    const U128 s = shr128_sticky(U128{u.sig, 0}, static_cast<uint32_t>(63 - e));
    const Rounded r = round_sig(s, 64, env.rc, u.sign);
    if (r.inexact) env.flags |= exc::PE;
    env.c1 = r.up;
    if (r.sig == 0) return zero(u.sign);
    const int n = clz64(r.sig);
    return Float80::make(u.sign, static_cast<uint16_t>(kExpBias + 63 - n), r.sig << n);
}

Float80 scale(Float80 x, Float80 s, FpuEnv& env) {
    const FpClass cx = classify(x), cs = classify(s);
    if (cx != FpClass::Normal || cs != FpClass::Normal) {
        Float80 out;
        if (nan_operands(x, cx, s, cs, env, &out)) return out;
        const bool denormal = is_denormal(cx) || is_denormal(cs);
        if (cx == FpClass::Infinity) {
            if (cs == FpClass::Infinity && s.sign()) return invalid(env);
            if (denormal && env.raise_pre(exc::DE)) return x;
            return x;
        }
        if (cx == FpClass::Zero) {
            if (cs == FpClass::Infinity && !s.sign()) return invalid(env);
            if (denormal && env.raise_pre(exc::DE)) return x;
            return x;
        }
        if (denormal && env.raise_pre(exc::DE)) return x;
        if (cs == FpClass::Infinity) return s.sign() ? zero(x.sign()) : infinity(x.sign());
    }
    // trunc(s), clamped far beyond any exponent that can still matter.
    int32_t n = 0;
    if (cs != FpClass::Zero) {
        const Unpacked v = unpack(s);
        const int32_t e = v.exp - kExpBias;
        if (e >= 20) n = 1 << 20;
        else if (e >= 0) n = static_cast<int32_t>(v.sig >> (63 - e));
        if (v.sign) n = -n;
    }
    const Unpacked u = unpack(x);
    return round_pack(u.sign, u.exp + n, U128{u.sig, 0}, 64, env);
}

Extracted extract(Float80 x, FpuEnv& env) {
    const FpClass c = classify(x);
    if (c != FpClass::Normal) {
        Float80 out;
        if (nan_operand(x, c, env, &out)) return {out, out};
        if (c == FpClass::Zero) {
            if (env.raise_pre(exc::ZE)) return {x, x};
            return {infinity(true), x};
        }
        if (c == FpClass::Infinity) return {infinity(false), x};
        if (env.raise_pre(exc::DE)) return {x, x};
    }
    const Unpacked u = unpack(x);
    return {from_int(u.exp - kExpBias), Float80::make(u.sign, kExpBias, u.sig)};
}

namespace {

Remainder remainder(Float80 a, Float80 b, bool nearest, FpuEnv& env) {
    const FpClass ca = classify(a), cb = classify(b);
    if (ca != FpClass::Normal || cb != FpClass::Normal) {
        Float80 out;
        if (nan_operands(a, ca, b, cb, env, &out)) return {out, 0, kC1 | kC2};
        if (ca == FpClass::Infinity || cb == FpClass::Zero) return {invalid(env), 0, kC1 | kC2};
        if ((is_denormal(ca) || is_denormal(cb)) && env.raise_pre(exc::DE)) return {a, 0, kC1 | kC2};
        if (cb == FpClass::Infinity || ca == FpClass::Zero) {
            if (ca == FpClass::Zero) return {a, 0, kConditionMask};
            const Unpacked u = unpack(a);
            return {round_pack(u.sign, u.exp, U128{u.sig, 0}, 64, env), 0, kConditionMask};
        }
    }
    const Unpacked x = unpack(a), y = unpack(b);
    const int32_t d = x.exp - y.exp;
    if (d < 0 && !(nearest && d == -1)) {
        return {round_pack(x.sign, x.exp, U128{x.sig, 0}, 64, env), 0, kConditionMask};
    }
    bool partial = d >= 64;
    const int32_t shift = partial ? 32 * ((d - 32) / 32) : 0;  // quotient weight 2^shift
    const int32_t steps = d - shift;                             // 32..63 when partial
    uint64_t q = 0;
    uint64_t r;
    int32_t r_exp;  // r is scaled like y.sig * 2^shift ...
    bool flip = false;
    if (steps < 0) {
        // FPREM1 with |a| in [|b|/4, |b|): the quotient rounds to 0 or 1.
        r = x.sig;
        r_exp = x.exp;
        if (x.sig > y.sig) {
            r = y.sig - (x.sig - y.sig);
            q = 1;
            flip = true;
        }
    } else {
        r = x.sig;
        if (r >= y.sig) {
            r -= y.sig;
            q = 1;
        }
        for (int32_t i = 0; i < steps; ++i) {
            const bool carry = r >> 63;
            r <<= 1;
            q <<= 1;
            if (carry || r >= y.sig) {
                r -= y.sig;
                q |= 1;
            }
        }
        r_exp = y.exp + shift;
        if (nearest && !partial) {
            const uint64_t other = y.sig - r;
            if (r > other || (r == other && (q & 1))) {
                r = other;
                ++q;
                flip = true;
            }
        }
    }
    const uint16_t cond = partial ? kC2
                                  : static_cast<uint16_t>(((q & 4) ? kC0 : 0) | ((q & 2) ? kC3 : 0) |
                                                          ((q & 1) ? kC1 : 0));
    if (r == 0) return {zero(x.sign), cond, kConditionMask};
    return {normalize_round_pack(x.sign != flip, r_exp, U128{r, 0}, 64, env), cond, kConditionMask};
}

}  // namespace

Remainder prem(Float80 a, Float80 b, FpuEnv& env) { return remainder(a, b, false, env); }
Remainder prem1(Float80 a, Float80 b, FpuEnv& env) { return remainder(a, b, true, env); }

Float80 constant(Constant c, Rounding rc) {
    struct Entry {
        uint16_t exp;
        uint64_t sig;       // truncated to 64 bits
        bool nearest_up;    // the bits beyond round to nearest upward
        bool exact;
    };
    static constexpr Entry kTable[] = {
        {kExpBias, 0x8000000000000000u, false, true},       // 1
        {kExpBias + 1, 0xD49A784BCD1B8AFEu, false, false},  // log2(10)
        {kExpBias, 0xB8AA3B295C17F0BBu, true, false},       // log2(e)
        {kExpBias + 1, 0xC90FDAA22168C234u, true, false},   // pi
        {kExpBias - 2, 0x9A209A84FBCFF798u, true, false},   // log10(2)
        {kExpBias - 1, 0xB17217F7D1CF79ABu, true, false},   // ln(2)
        {0, 0, false, true},                                // 0
    };
    const Entry& e = kTable[static_cast<unsigned>(c)];
    uint64_t sig = e.sig;
    if (!e.exact && (rc == Rounding::Up || (rc == Rounding::Nearest && e.nearest_up))) ++sig;
    return Float80::make(false, e.exp, sig);
}

}  // namespace amber::fpu
