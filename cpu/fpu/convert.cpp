#include "cpu/fpu/convert.hpp"

#include "cpu/fpu/internal.hpp"

namespace amber::fpu {

using namespace detail;

namespace {

Float80 from_magnitude(bool sign, uint64_t m) {
    if (m == 0) return zero(sign);
    const int n = clz64(m);
    return Float80::make(sign, static_cast<uint16_t>(kExpBias + 63 - n), m << n);
}

// Rounds a finite value to an integer by `rc`: *magnitude gets |result|
// (false when it does not fit 64 bits). Sets PE/C1 only through *inexact/*up.
bool round_to_integer(Float80 x, Rounding rc, uint64_t* magnitude, bool* inexact, bool* up) {
    *inexact = *up = false;
    if (x.exp() == 0 && x.sig == 0) {
        *magnitude = 0;
        return true;
    }
    const Unpacked u = unpack(x);
    const int32_t e = u.exp - kExpBias;  // value = sig * 2^(e - 63)
    if (e > 63) return false;
    // Integer part in hi, fraction in lo.
    const U128 s = shr128_sticky(U128{u.sig, 0}, static_cast<uint32_t>(63 - e));
    const Rounded r = round_sig(s, 64, rc, u.sign);
    if (r.carry) return false;  // rounded up to 2^64
    *magnitude = r.sig;
    *inexact = r.inexact;
    *up = r.up;
    return true;
}

// Shared by the float32/float64 loads: `frac_bits` 23 or 52, `exp_bits` 8 or 11.
Float80 from_binary(uint64_t bits, unsigned frac_bits, unsigned exp_bits, FpuEnv& env, bool operand) {
    const bool sign = bits >> (frac_bits + exp_bits);
    const uint32_t emax = (1u << exp_bits) - 1;
    const int32_t bias = static_cast<int32_t>(emax >> 1);
    const uint32_t e = static_cast<uint32_t>(bits >> frac_bits) & emax;
    const uint64_t frac = bits & ((uint64_t{1} << frac_bits) - 1);
    const unsigned up = 63 - frac_bits;  // fraction to the top of the 64-bit field, below the integer bit
    if (e == emax) {
        if (frac == 0) return infinity(sign);
        Float80 n = Float80::make(sign, kExpMax, kIntBit | (frac << up));
        if (!(n.sig & kQuietBit) && !operand) {
            if (env.raise_pre(exc::IE)) return n;
            n = quieted(n);
        }
        return n;
    }
    if (e == 0) {
        if (frac == 0) return zero(sign);
        if (operand) env.operand_denormal = true;
        else if (env.raise_pre(exc::DE)) return zero(sign);
        // value = frac * 2^(1 - bias - frac_bits) = (frac << n) * 2^(E - 16383 - 63)
        const int n = clz64(frac);
        const int32_t exp = 1 - bias - static_cast<int32_t>(frac_bits) - n + kExpBias + 63;
        return Float80::make(sign, static_cast<uint16_t>(exp), frac << n);
    }
    return Float80::make(sign, static_cast<uint16_t>(static_cast<int32_t>(e) - bias + kExpBias), kIntBit | (frac << up));
}

uint64_t to_binary(Float80 x, unsigned frac_bits, unsigned exp_bits, FpuEnv& env) {
    const uint64_t sign = uint64_t{x.sign()} << (frac_bits + exp_bits);
    const uint32_t emax = (1u << exp_bits) - 1;
    const int32_t bias = static_cast<int32_t>(emax >> 1);
    const unsigned down = 63 - frac_bits;
    const uint64_t frac_mask = (uint64_t{1} << frac_bits) - 1;
    const uint64_t inf = sign | (uint64_t{emax} << frac_bits);
    const FpClass c = classify(x);
    switch (c) {
    case FpClass::Normal:
    case FpClass::Denormal:
    case FpClass::PseudoDenormal: break;
    case FpClass::Zero: return sign;
    case FpClass::Infinity: return inf;
    case FpClass::QNaN:
    case FpClass::SNaN:
        if (c == FpClass::SNaN && env.raise_pre(exc::IE)) return 0;
        return inf | (((x.sig | kQuietBit) >> down) & frac_mask);
    default:
        env.raise_pre(exc::IE);
        return (uint64_t{1} << (frac_bits + exp_bits)) | (uint64_t{emax} << frac_bits) | (uint64_t{1} << (frac_bits - 1));
    }
    // A denormal source raises no DE here (it can only underflow).
    const Unpacked u = unpack(x);
    const Float80 r = round_pack(u.sign, u.exp - kExpBias + bias, U128{u.sig, 0}, frac_bits + 1, env,
                                 static_cast<int32_t>(emax));
    return sign | (uint64_t{r.exp()} << frac_bits) | ((r.sig >> down) & frac_mask);
}

}  // namespace

Float80 from_int(int64_t v) {
    const bool sign = v < 0;
    const uint64_t m = sign ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    return from_magnitude(sign, m);
}

int64_t to_int(Float80 x, unsigned width, FpuEnv& env, bool truncate) {
    const int64_t indefinite = static_cast<int64_t>(uint64_t{0} - (uint64_t{1} << (width - 1)));  // no signed overflow
    const FpClass c = classify(x);
    if (c != FpClass::Normal && c != FpClass::Zero && !is_denormal(c)) {  // a denormal raises no DE
        env.raise_pre(exc::IE);
        return indefinite;
    }
    uint64_t m;
    bool inexact, up;
    if (round_to_integer(x, truncate ? Rounding::Zero : env.rc, &m, &inexact, &up)) {
        const uint64_t limit = (uint64_t{1} << (width - 1)) - (x.sign() ? 0 : 1);
        if (m <= limit) {
            if (inexact) env.flags |= exc::PE;
            env.c1 = up;
            return x.sign() ? static_cast<int64_t>(uint64_t{0} - m) : static_cast<int64_t>(m);
        }
    }
    env.raise_pre(exc::IE);
    return indefinite;
}

Float80 from_f32(uint32_t bits, FpuEnv& env, bool operand) { return from_binary(bits, 23, 8, env, operand); }
Float80 from_f64(uint64_t bits, FpuEnv& env, bool operand) { return from_binary(bits, 52, 11, env, operand); }

uint32_t to_f32(Float80 x, FpuEnv& env) { return static_cast<uint32_t>(to_binary(x, 23, 8, env)); }
uint64_t to_f64(Float80 x, FpuEnv& env) { return to_binary(x, 52, 11, env); }

Float80 from_bcd(const uint8_t* bytes) {
    uint64_t v = 0;
    for (int i = 8; i >= 0; --i) v = v * 100 + (bytes[i] >> 4) * 10 + (bytes[i] & 15);
    return from_magnitude(bytes[9] >> 7, v);
}

void to_bcd(Float80 x, FpuEnv& env, uint8_t* bytes) {
    constexpr uint64_t kLimit = 999999999999999999u;
    const FpClass c = classify(x);
    bool ok = c == FpClass::Normal || c == FpClass::Zero || is_denormal(c);
    uint64_t m = 0;
    bool inexact = false, up = false;
    if (ok) ok = round_to_integer(x, env.rc, &m, &inexact, &up) && m <= kLimit;
    if (!ok) {
        if (env.raise_pre(exc::IE)) return;
        for (int i = 0; i < 7; ++i) bytes[i] = 0;
        bytes[7] = 0xC0;
        bytes[8] = 0xFF;
        bytes[9] = 0xFF;
        return;
    }
    if (inexact) env.flags |= exc::PE;
    env.c1 = up;
    for (int i = 0; i < 9; ++i) {
        const unsigned lo = static_cast<unsigned>(m % 10);
        m /= 10;
        const unsigned hi = static_cast<unsigned>(m % 10);
        m /= 10;
        bytes[i] = static_cast<uint8_t>((hi << 4) | lo);
    }
    bytes[9] = x.sign() ? 0x80 : 0;
}

}  // namespace amber::fpu
