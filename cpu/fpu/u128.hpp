// Portable 128-bit unsigned arithmetic built from 64-bit halves, for the x87
// core: products of two significands, double-width shifts with a sticky bit,
// and 128-by-64 division. No compiler extensions (unsigned __int128), so the
// same code runs on every host the project builds for.
#pragma once
#include <bit>
#include <cstdint>

namespace amber::fpu {

struct U128 {
    uint64_t hi = 0;
    uint64_t lo = 0;

    constexpr bool is_zero() const { return (hi | lo) == 0; }
    friend constexpr bool operator==(const U128&, const U128&) = default;
};

constexpr bool operator<(U128 a, U128 b) { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo); }
constexpr bool operator>=(U128 a, U128 b) { return !(a < b); }
constexpr bool operator>(U128 a, U128 b) { return b < a; }

constexpr U128 add128(U128 a, U128 b) {
    U128 r{a.hi + b.hi, a.lo + b.lo};
    r.hi += r.lo < a.lo;
    return r;
}

constexpr U128 sub128(U128 a, U128 b) {
    U128 r{a.hi - b.hi, a.lo - b.lo};
    r.hi -= a.lo < b.lo;
    return r;
}

// Shifts by 0..127 (anything larger gives zero).
constexpr U128 shl128(U128 a, unsigned n) {
    if (n == 0) return a;
    if (n >= 128) return {};
    if (n >= 64) return {a.lo << (n - 64), 0};
    return {(a.hi << n) | (a.lo >> (64 - n)), a.lo << n};
}

constexpr U128 shr128(U128 a, unsigned n) {
    if (n == 0) return a;
    if (n >= 128) return {};
    if (n >= 64) return {0, a.hi >> (n - 64)};
    return {a.hi >> n, (a.lo >> n) | (a.hi << (64 - n))};
}

// Right shift that ORs every bit shifted out into bit 0 (the sticky bit
// rounding needs). Any count is allowed.
constexpr U128 shr128_sticky(U128 a, uint32_t n) {
    if (n == 0) return a;
    if (n < 64) {
        const uint64_t lost = a.lo << (64 - n);
        return {a.hi >> n, (a.lo >> n) | (a.hi << (64 - n)) | (lost != 0)};
    }
    if (n == 64) return {0, a.hi | (a.lo != 0)};
    if (n < 128) {
        const uint64_t lost = (a.hi << (128 - n)) | a.lo;
        return {0, (a.hi >> (n - 64)) | (lost != 0)};
    }
    return {0, a.is_zero() ? 0u : 1u};
}

// Full 64x64 -> 128 product from 32-bit halves.
constexpr U128 mul64(uint64_t a, uint64_t b) {
    uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32;
    uint64_t b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    // Middle column: the high half of p00 plus the low halves of the cross
    // products; it cannot overflow 64 bits (3 * (2^32 - 1) < 2^64).
    uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    U128 r;
    r.lo = (mid << 32) | (p00 & 0xFFFFFFFFu);
    r.hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return r;
}

constexpr int clz64(uint64_t x) { return std::countl_zero(x); }

constexpr int clz128(U128 a) { return a.hi ? clz64(a.hi) : 64 + clz64(a.lo); }

// (hi:lo) / d for hi < d (so the quotient fits 64 bits); the remainder goes
// to *rem. Schoolbook long division in base 2^32 on the normalized divisor,
// each quotient digit estimated from the top two numerator digits and the
// top divisor digit, then corrected (at most twice).
constexpr uint64_t div128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t* rem) {
    const int s = clz64(d);
    d <<= s;
    if (s) {
        hi = (hi << s) | (lo >> (64 - s));
        lo <<= s;
    }
    const uint64_t d1 = d >> 32, d0 = d & 0xFFFFFFFFu;
    const uint64_t n1 = lo >> 32, n0 = lo & 0xFFFFFFFFu;

    // First digit: (hi, n1) / d.
    uint64_t q1 = hi / d1;
    uint64_t r = hi - q1 * d1;
    while ((q1 >> 32) || q1 * d0 > ((r << 32) | n1)) {
        --q1;
        r += d1;
        if (r >> 32) break;
    }
    // The partial remainder fits in 64 bits because it is below d.
    uint64_t part = ((hi << 32) | n1) - q1 * d;

    // Second digit: (part, n0) / d.
    uint64_t q0 = part / d1;
    r = part - q0 * d1;
    while ((q0 >> 32) || q0 * d0 > ((r << 32) | n0)) {
        --q0;
        r += d1;
        if (r >> 32) break;
    }
    uint64_t last = ((part << 32) | n0) - q0 * d;
    if (rem) *rem = last >> s;
    return (q1 << 32) | q0;
}

}  // namespace amber::fpu
