#include "cpu/fpu/ieee.hpp"

#include <bit>
#include <utility>

#include "cpu/fpu/u128.hpp"
#include "cpu/sse.hpp"

namespace amber::fpu::ieee {

namespace {

namespace flag = mxcsr_bit;

// The layout of a format.
template <typename B> struct Format;
template <> struct Format<uint32_t> {
    static constexpr int kFrac = 23, kExpMax = 0xFF, kBias = 127;
};
template <> struct Format<uint64_t> {
    static constexpr int kFrac = 52, kExpMax = 0x7FF, kBias = 1023;
};

template <typename B> constexpr B kSign = B(1) << (sizeof(B) * 8 - 1);
template <typename B> constexpr B kFracMask = (B(1) << Format<B>::kFrac) - 1;
template <typename B> constexpr B kQuiet = B(1) << (Format<B>::kFrac - 1);
template <typename B> constexpr B kInfinity = B(Format<B>::kExpMax) << Format<B>::kFrac;
template <typename B> constexpr B kDefaultNaN = kSign<B> | kInfinity<B> | kQuiet<B>;

template <typename B> int exp_field(B a) { return static_cast<int>((a >> Format<B>::kFrac) & Format<B>::kExpMax); }
template <typename B> bool sign_of(B a) { return a & kSign<B>; }
template <typename B> bool nan(B a) { return exp_field(a) == Format<B>::kExpMax && (a & kFracMask<B>); }
template <typename B> bool snan(B a) { return nan(a) && !(a & kQuiet<B>); }
template <typename B> bool infinite(B a) { return exp_field(a) == Format<B>::kExpMax && !(a & kFracMask<B>); }
template <typename B> bool denormal(B a) { return exp_field(a) == 0 && (a & kFracMask<B>); }
template <typename B> bool zero(B a) { return !(a & ~kSign<B>); }

// A finite non-zero value as sig * 2^(exp - 63), sig with bit 63 set.
struct Unpacked {
    bool sign;
    int exp;
    uint64_t sig;
};

template <typename B> Unpacked unpack(B a) {
    constexpr int F = Format<B>::kFrac;
    int e = exp_field(a);
    uint64_t m = a & kFracMask<B>;
    if (e == 0) e = 1;  // denormal: no implicit bit
    else m |= uint64_t(1) << F;
    const int lz = std::countl_zero(m);
    // value = m * 2^(e - bias - F) = (m << lz) * 2^(exp - 63)
    return {sign_of(a), e - Format<B>::kBias - F - lz + 63, m << lz};
}

// x >> n, with every bit shifted out OR-ed into bit 0.
uint64_t shift_right_jam(uint64_t x, int n) {
    if (n <= 0) return x;
    if (n >= 64) return x != 0;
    return (x >> n) | ((x & ((uint64_t(1) << n) - 1)) != 0);
}

// Whether to add one unit to `keep`, given the bits below it.
bool round_up(Rounding rc, bool sign, uint64_t keep, uint64_t rem, uint64_t half) {
    switch (rc) {
    case Rounding::Nearest: return rem > half || (rem == half && (keep & 1));
    case Rounding::Down: return sign && rem;
    case Rounding::Up: return !sign && rem;
    case Rounding::TowardZero: return false;
    }
    return false;
}

// Rounds sig * 2^(exp - 63) (sig normalized, sticky in bit 0) to the format.
template <typename B> B round_pack(bool sign, int exp, uint64_t sig, Env& env) {
    constexpr int F = Format<B>::kFrac, P = F + 1, shift = 64 - P;
    constexpr uint64_t half = uint64_t(1) << (shift - 1), low = (uint64_t(1) << shift) - 1;
    const B s = sign ? kSign<B> : 0;
    int e = exp + Format<B>::kBias;  // biased exponent of the unrounded value
    if (e >= 1) {
        uint64_t keep = sig >> shift;
        const uint64_t rem = sig & low;
        if (round_up(env.rc, sign, keep, rem, half)) ++keep;
        if (keep >> P) {
            keep >>= 1;
            ++e;
        }
        if (e >= Format<B>::kExpMax) {
            env.flags |= flag::OE | flag::PE;
            const bool to_infinity = env.rc == Rounding::Nearest || (env.rc == Rounding::Up && !sign) ||
                                     (env.rc == Rounding::Down && sign);
            return to_infinity ? B(s | kInfinity<B>) : B(s | (kInfinity<B> - 1));
        }
        if (rem) env.flags |= flag::PE;
        return B(s | (B(e - 1) << F)) + B(keep);
    }
    // Tiny before rounding; tiny after rounding unless the unbounded
    // rounding carries it up to the smallest normal.
    bool tiny = true;
    if (e == 0) {
        const uint64_t keep = sig >> shift;
        if (round_up(env.rc, sign, keep, sig & low, half) && ((keep + 1) >> P)) tiny = false;
    }
    if (tiny && env.ftz && env.underflow_masked) {
        env.flags |= flag::UE | flag::PE;
        return s;
    }
    const uint64_t d = shift_right_jam(sig, 1 - e);
    uint64_t keep = d >> shift;
    const uint64_t rem = d & low;
    if (round_up(env.rc, sign, keep, rem, half)) ++keep;
    if (rem) env.flags |= flag::PE;
    if (tiny && (rem || !env.underflow_masked)) env.flags |= flag::UE;
    return B(s | keep);  // a carry into bit F makes it the smallest normal
}

// An operand as the operation sees it: DAZ turns denormals into zeros.
template <typename B> B operand(B a, const Env& env) {
    return (env.daz && denormal(a)) ? B(a & kSign<B>) : a;
}

// The NaN result of a two-operand operation with a NaN operand (IE for an SNaN).
template <typename B> B propagate(B a, B b, Env& env) {
    if (snan(a) || snan(b)) env.flags |= flag::IE;
    return B((nan(a) ? a : b) | kQuiet<B>);
}
template <typename B> void note_denormals(B a, B b, Env& env) {
    if (denormal(a) || denormal(b)) env.flags |= flag::DE;
}

template <typename B> B add_magnitudes(B a, B b, bool negate_b, Env& env) {
    a = operand(a, env);
    b = operand(b, env);
    if (nan(a) || nan(b)) return propagate(a, b, env);
    const bool sa = sign_of(a), sb = sign_of(b) != negate_b;
    if (infinite(a) || infinite(b)) {
        if (infinite(a) && infinite(b) && sa != sb) {
            env.flags |= flag::IE;
            return kDefaultNaN<B>;
        }
        note_denormals(a, b, env);
        return infinite(a) ? a : B((b & ~kSign<B>) | (sb ? kSign<B> : 0));
    }
    note_denormals(a, b, env);
    const bool za = zero(a), zb = zero(b);
    if (za && zb) {
        // +0 + -0 is +0, except rounding down; equal signs keep theirs.
        const bool neg = sa == sb ? sa : env.rc == Rounding::Down;
        return neg ? kSign<B> : 0;
    }
    // x + 0 is x, but through the rounding: a tiny x underflows (FTZ, unmasked UE).
    if (zb || za) {
        const Unpacked x = zb ? unpack(a) : unpack(b);
        return round_pack<B>(zb ? sa : sb, x.exp, x.sig, env);
    }
    Unpacked x = unpack(a), y = unpack(b);
    y.sign = sb;
    if (y.exp > x.exp || (y.exp == x.exp && y.sig > x.sig)) std::swap(x, y);
    // One bit of headroom; the smaller operand's lost bits jam into bit 0.
    const uint64_t big = x.sig >> 1, small = shift_right_jam(y.sig >> 1, x.exp - y.exp);
    const uint64_t r = x.sign == y.sign ? big + small : big - small;
    if (r == 0) return env.rc == Rounding::Down ? kSign<B> : 0;
    const int n = std::countl_zero(r);
    return round_pack<B>(x.sign, x.exp + 1 - n, r << n, env);
}

}  // namespace

Env Env::from_mxcsr(uint32_t m) {
    Env e;
    e.rc = static_cast<Rounding>((m >> flag::kRoundShift) & 3);
    e.daz = m & flag::DAZ;
    e.ftz = m & flag::FZ;
    e.underflow_masked = m & (flag::UE << flag::kMaskShift);
    return e;
}

template <typename B> bool is_nan(B a) { return nan(a); }

template <typename B> B add(B a, B b, Env& env) { return add_magnitudes(a, b, false, env); }
template <typename B> B sub(B a, B b, Env& env) { return add_magnitudes(a, b, true, env); }

template <typename B> B mul(B a, B b, Env& env) {
    a = operand(a, env);
    b = operand(b, env);
    if (nan(a) || nan(b)) return propagate(a, b, env);
    const B s = (a ^ b) & kSign<B>;
    if ((infinite(a) && zero(b)) || (zero(a) && infinite(b))) {
        env.flags |= flag::IE;
        return kDefaultNaN<B>;
    }
    note_denormals(a, b, env);
    if (infinite(a) || infinite(b)) return s | kInfinity<B>;
    if (zero(a) || zero(b)) return s;
    const Unpacked x = unpack(a), y = unpack(b);
    const U128 p = mul64(x.sig, y.sig);
    if (p.hi >> 63) return round_pack<B>(s, x.exp + y.exp + 1, p.hi | (p.lo != 0), env);
    return round_pack<B>(s, x.exp + y.exp, (p.hi << 1) | (p.lo >> 63) | ((p.lo << 1) != 0), env);
}

template <typename B> B div(B a, B b, Env& env) {
    a = operand(a, env);
    b = operand(b, env);
    if (nan(a) || nan(b)) return propagate(a, b, env);
    const B s = (a ^ b) & kSign<B>;
    if ((infinite(a) && infinite(b)) || (zero(a) && zero(b))) {
        env.flags |= flag::IE;
        return kDefaultNaN<B>;
    }
    // A zero divisor wins over a denormal dividend: ZE alone (as recorded).
    if (zero(b) && !infinite(a)) {
        env.flags |= flag::ZE;
        return s | kInfinity<B>;
    }
    note_denormals(a, b, env);
    if (infinite(a)) return s | kInfinity<B>;
    if (infinite(b)) return s;
    if (zero(a)) return s;
    const Unpacked x = unpack(a), y = unpack(b);
    uint64_t rem = 0, q;
    int exp;
    if (x.sig >= y.sig) {
        q = div128(x.sig >> 1, x.sig << 63, y.sig, &rem);
        exp = x.exp - y.exp;
    } else {
        q = div128(x.sig, 0, y.sig, &rem);
        exp = x.exp - y.exp - 1;
    }
    return round_pack<B>(s, exp, q | (rem != 0), env);
}

template <typename B> B sqrt(B a, Env& env) {
    a = operand(a, env);
    if (nan(a)) return propagate(a, a, env);
    if (zero(a)) return a;  // sqrt(-0) is -0
    if (sign_of(a)) {
        env.flags |= flag::IE;
        return kDefaultNaN<B>;
    }
    note_denormals(a, a, env);
    if (infinite(a)) return a;
    const Unpacked x = unpack(a);
    // value = sig * 2^(exp - 63) = R * 2^T with T even, R = sig << 64 or << 63.
    int t = x.exp - 127;
    U128 r{x.sig, 0};
    if (t & 1) {
        r = U128{x.sig >> 1, x.sig << 63};
        t = x.exp - 126;
    }
    uint64_t root = 0;
    for (int bit = 63; bit >= 0; --bit) {
        const uint64_t cand = root | (uint64_t(1) << bit);
        if (!(r < mul64(cand, cand))) root = cand;
    }
    const bool exact = mul64(root, root) == r;
    return round_pack<B>(false, t / 2 + 63, root | !exact, env);
}

template <typename B> B min(B a, B b, Env& env) {
    a = operand(a, env);
    b = operand(b, env);
    if (nan(a) || nan(b)) {
        env.flags |= flag::IE;
        return b;
    }
    note_denormals(a, b, env);
    return compare(a, b, false, env) == Order::Less ? a : b;
}
template <typename B> B max(B a, B b, Env& env) {
    a = operand(a, env);
    b = operand(b, env);
    if (nan(a) || nan(b)) {
        env.flags |= flag::IE;
        return b;
    }
    note_denormals(a, b, env);
    return compare(a, b, false, env) == Order::Greater ? a : b;
}

template <typename B> Order compare(B a, B b, bool signaling, Env& env) {
    a = operand(a, env);
    b = operand(b, env);
    if (nan(a) || nan(b)) {
        if (signaling || snan(a) || snan(b)) env.flags |= flag::IE;
        return Order::Unordered;
    }
    note_denormals(a, b, env);
    if (zero(a) && zero(b)) return Order::Equal;
    if (a == b) return Order::Equal;
    // Sign-magnitude order: flip negatives so the integers order like the values.
    auto key = [](B x) -> B { return sign_of(x) ? B(~x) : B(x | kSign<B>); };
    return key(a) < key(b) ? Order::Less : Order::Greater;
}

template <typename B> B from_int32(int32_t v, Env& env) {
    if (v == 0) return 0;
    const bool sign = v < 0;
    const uint64_t mag = sign ? uint64_t(0) - uint64_t(int64_t(v)) : uint64_t(v);
    const int n = std::countl_zero(mag);
    return round_pack<B>(sign, 63 - n, mag << n, env);
}

template <typename B> int32_t to_int32(B a, bool truncate, Env& env) {
    constexpr int32_t kIndefinite = INT32_MIN;
    a = operand(a, env);
    if (nan(a) || infinite(a)) {
        env.flags |= flag::IE;
        return kIndefinite;
    }
    if (zero(a)) return 0;
    const Unpacked x = unpack(a);
    if (x.exp > 31) {
        env.flags |= flag::IE;
        return kIndefinite;
    }
    // The integer part and the bits below it (jammed), then the rounding.
    const int shift = 63 - x.exp;  // >= 32
    const uint64_t d = shift_right_jam(x.sig, shift - 2);  // two fraction bits kept
    uint64_t keep = d >> 2;
    const uint64_t rem = d & 3;
    const Rounding rc = truncate ? Rounding::TowardZero : env.rc;
    if (round_up(rc, x.sign, keep, rem, 2)) ++keep;
    if (keep > (x.sign ? uint64_t(1) << 31 : (uint64_t(1) << 31) - 1)) {
        env.flags |= flag::IE;
        return kIndefinite;
    }
    if (rem) env.flags |= flag::PE;
    return static_cast<int32_t>(x.sign ? uint32_t(0) - uint32_t(keep) : uint32_t(keep));
}

uint64_t widen(uint32_t a, Env& env) {
    a = operand(a, env);
    const uint64_t s = uint64_t(a & kSign<uint32_t>) << 32;
    if (nan(a)) {
        if (snan(a)) env.flags |= flag::IE;
        return s | kInfinity<uint64_t> | kQuiet<uint64_t> | (uint64_t(a & kFracMask<uint32_t>) << 29);
    }
    if (infinite(a)) return s | kInfinity<uint64_t>;
    if (zero(a)) return s;
    note_denormals(a, a, env);
    const Unpacked x = unpack(a);
    return round_pack<uint64_t>(x.sign, x.exp, x.sig, env);
}

uint32_t narrow(uint64_t a, Env& env) {
    a = operand(a, env);
    const uint32_t s = static_cast<uint32_t>((a & kSign<uint64_t>) >> 32);
    if (nan(a)) {
        if (snan(a)) env.flags |= flag::IE;
        return s | kInfinity<uint32_t> | kQuiet<uint32_t> | static_cast<uint32_t>((a & kFracMask<uint64_t>) >> 29);
    }
    if (infinite(a)) return s | kInfinity<uint32_t>;
    if (zero(a)) return s;
    note_denormals(a, a, env);
    const Unpacked x = unpack(a);
    return round_pack<uint32_t>(x.sign, x.exp, x.sig, env);
}

#define AMBER_IEEE_FORMAT(B)                                   \
    template B add<B>(B, B, Env&);                             \
    template B sub<B>(B, B, Env&);                             \
    template B mul<B>(B, B, Env&);                             \
    template B div<B>(B, B, Env&);                             \
    template B sqrt<B>(B, Env&);                               \
    template B min<B>(B, B, Env&);                             \
    template B max<B>(B, B, Env&);                             \
    template Order compare<B>(B, B, bool, Env&);               \
    template B from_int32<B>(int32_t, Env&);                   \
    template int32_t to_int32<B>(B, bool, Env&);               \
    template bool is_nan<B>(B);
AMBER_IEEE_FORMAT(uint32_t)
AMBER_IEEE_FORMAT(uint64_t)
#undef AMBER_IEEE_FORMAT

}  // namespace amber::fpu::ieee
