// Packed integer operations on 64-bit (MMX, one quadword) or 128-bit (XMM,
// two quadwords) registers, written once over quadword arrays so both
// widths share them. Pure functions: d = d op s, `nq` quadwords.
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

namespace amber::simd {

template <typename T> inline T get(const uint64_t* q, unsigned i) {
    constexpr unsigned per = 8 / sizeof(T);
    return static_cast<T>(q[i / per] >> (8 * sizeof(T) * (i % per)));
}
template <typename T> inline void put(uint64_t* q, unsigned i, T v) {
    constexpr unsigned per = 8 / sizeof(T);
    constexpr unsigned bits = 8 * sizeof(T);
    const unsigned shift = bits * (i % per);
    const uint64_t mask = (bits == 64 ? ~uint64_t(0) : ((uint64_t(1) << (bits % 64)) - 1)) << shift;
    using U = std::make_unsigned_t<T>;
    q[i / per] = (q[i / per] & ~mask) | ((uint64_t(static_cast<U>(v)) << shift) & mask);
}
template <typename T> constexpr unsigned lanes(unsigned nq) { return nq * 8 / sizeof(T); }

// d[i] = f(d[i], s[i]) over lanes of type T.
template <typename T, typename F> inline void lanewise(uint64_t* d, const uint64_t* s, unsigned nq, F f) {
    for (unsigned i = 0; i < lanes<T>(nq); ++i) put<T>(d, i, static_cast<T>(f(get<T>(d, i), get<T>(s, i))));
}

// Saturation of a wider intermediate to T.
template <typename T> inline T saturate(int64_t v) {
    if (v < std::numeric_limits<T>::min()) return std::numeric_limits<T>::min();
    if (v > std::numeric_limits<T>::max()) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
}

// The operations, as function objects the handlers are instantiated with.
template <typename T> struct Add { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<T>(d, s, nq, [](T a, T b) { return T(a + b); }); } };
template <typename T> struct Sub { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<T>(d, s, nq, [](T a, T b) { return T(a - b); }); } };
// Saturating add/subtract, signed or unsigned by T.
template <typename T> struct AddSat { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<T>(d, s, nq, [](T a, T b) { return saturate<T>(int64_t(a) + int64_t(b)); }); } };
template <typename T> struct SubSat { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<T>(d, s, nq, [](T a, T b) { return saturate<T>(int64_t(a) - int64_t(b)); }); } };
template <typename T> struct CmpEq { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<T>(d, s, nq, [](T a, T b) { return a == b ? T(~T(0)) : T(0); }); } };
template <typename T> struct CmpGt { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<T>(d, s, nq, [](T a, T b) { return a > b ? T(-1) : T(0); }); } };
template <typename T> struct Min { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<T>(d, s, nq, [](T a, T b) { return a < b ? a : b; }); } };
template <typename T> struct Max { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<T>(d, s, nq, [](T a, T b) { return a > b ? a : b; }); } };
template <typename T> struct Avg { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<T>(d, s, nq, [](T a, T b) { return T((uint32_t(a) + b + 1) >> 1); }); } };

struct And { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { for (unsigned k = 0; k < nq; ++k) d[k] &= s[k]; } };
struct AndNot { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { for (unsigned k = 0; k < nq; ++k) d[k] = ~d[k] & s[k]; } };
struct Or { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { for (unsigned k = 0; k < nq; ++k) d[k] |= s[k]; } };
struct Xor { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { for (unsigned k = 0; k < nq; ++k) d[k] ^= s[k]; } };

// PMULLW, PMULHW, PMULHUW: the low or high half of each 32-bit product.
struct MulLow { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<uint16_t>(d, s, nq, [](uint16_t a, uint16_t b) { return uint16_t(uint32_t(a) * b); }); } };
struct MulHighSigned { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<int16_t>(d, s, nq, [](int16_t a, int16_t b) { return int16_t((int32_t(a) * b) >> 16); }); } };
struct MulHighUnsigned { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { lanewise<uint16_t>(d, s, nq, [](uint16_t a, uint16_t b) { return uint16_t((uint32_t(a) * b) >> 16); }); } };
// PMULUDQ: the low dwords of each quadword, multiplied to 64 bits.
struct MulUdq { static void run(uint64_t* d, const uint64_t* s, unsigned nq) { for (unsigned k = 0; k < nq; ++k) d[k] = uint64_t(uint32_t(d[k])) * uint32_t(s[k]); } };
// PMADDWD: pairs of signed word products summed into dwords (0x8000^2 * 2 wraps to 0x80000000).
struct MulAdd {
    static void run(uint64_t* d, const uint64_t* s, unsigned nq) {
        for (unsigned i = 0; i < lanes<uint32_t>(nq); ++i) {
            const int64_t sum = int64_t(int32_t(get<int16_t>(d, 2 * i)) * get<int16_t>(s, 2 * i)) +
                                int32_t(get<int16_t>(d, 2 * i + 1)) * get<int16_t>(s, 2 * i + 1);
            put<uint32_t>(d, i, static_cast<uint32_t>(sum));
        }
    }
};
// PSADBW: per quadword, the sum of absolute byte differences in the low word.
struct SumAbsDiff {
    static void run(uint64_t* d, const uint64_t* s, unsigned nq) {
        for (unsigned k = 0; k < nq; ++k) {
            uint32_t sum = 0;
            for (unsigned b = 0; b < 8; ++b) {
                const int a = uint8_t(d[k] >> (8 * b)), c = uint8_t(s[k] >> (8 * b));
                sum += static_cast<uint32_t>(a > c ? a - c : c - a);
            }
            d[k] = sum;
        }
    }
};

// PACKSSWB/PACKSSDW/PACKUSWB: Wide lanes of d, then of s, saturated to Narrow.
template <typename Wide, typename Narrow> struct Pack {
    static void run(uint64_t* d, const uint64_t* s, unsigned nq) {
        uint64_t out[2] = {0, 0};
        const unsigned n = lanes<Wide>(nq);
        for (unsigned i = 0; i < n; ++i) {
            put<Narrow>(out, i, saturate<Narrow>(get<Wide>(d, i)));
            put<Narrow>(out, n + i, saturate<Narrow>(get<Wide>(s, i)));
        }
        for (unsigned k = 0; k < nq; ++k) d[k] = out[k];
    }
};
// PUNPCKL*/PUNPCKH*: lanes of the low (or high) halves interleaved, d first.
template <typename T, bool High> struct Unpack {
    static void run(uint64_t* d, const uint64_t* s, unsigned nq) {
        uint64_t out[2] = {0, 0};
        const unsigned half = lanes<T>(nq) / 2, from = High ? half : 0;
        for (unsigned k = 0; k < half; ++k) {
            put<T>(out, 2 * k, get<T>(d, from + k));
            put<T>(out, 2 * k + 1, get<T>(s, from + k));
        }
        for (unsigned k = 0; k < nq; ++k) d[k] = out[k];
    }
};

// Shifts by a count (the low quadword of a register or memory operand, or
// an immediate). Counts past the lane width clear the lane, or fill it with
// the sign for arithmetic right shifts.
enum class Shift : uint8_t { Left, Right, RightArith };
template <typename T, Shift Kind> inline void shift_lanes(uint64_t* d, uint64_t count, unsigned nq) {
    constexpr unsigned bits = 8 * sizeof(T);
    for (unsigned i = 0; i < lanes<T>(nq); ++i) {
        const T v = get<T>(d, i);
        T r;
        if (Kind == Shift::RightArith) {
            using S = std::make_signed_t<T>;
            const unsigned n = count > bits - 1 ? bits - 1 : static_cast<unsigned>(count);
            r = static_cast<T>(static_cast<S>(v) >> n);
        } else if (count >= bits) {
            r = 0;
        } else if (Kind == Shift::Left) {
            r = static_cast<T>(v << count);
        } else {
            r = static_cast<T>(v >> count);
        }
        put<T>(d, i, r);
    }
}
// PSLLDQ/PSRLDQ: the whole 128-bit register by bytes.
inline void shift_bytes(uint64_t* d, unsigned count, bool left) {
    uint8_t in[16], out[16] = {};
    for (unsigned b = 0; b < 16; ++b) in[b] = get<uint8_t>(d, b);
    for (unsigned b = 0; b < 16; ++b) {
        const int from = left ? int(b) - int(count) : int(b) + int(count);
        if (count < 16 && from >= 0 && from < 16) out[b] = in[from];
    }
    for (unsigned b = 0; b < 16; ++b) put<uint8_t>(d, b, out[b]);
}

// PSHUFW/PSHUFD/PSHUFLW/PSHUFHW: four lanes of T from s chosen by imm,
// starting at lane `first` (the other lanes copied).
template <typename T> inline void shuffle4(uint64_t* d, const uint64_t* s, uint8_t imm, unsigned first) {
    T pick[4];
    for (unsigned k = 0; k < 4; ++k) pick[k] = get<T>(s, first + ((imm >> (2 * k)) & 3));
    for (unsigned k = 0; k < 4; ++k) put<T>(d, first + k, pick[k]);
}

// PMOVMSKB: the top bit of each byte.
inline uint32_t byte_mask(const uint64_t* q, unsigned nq) {
    uint32_t m = 0;
    for (unsigned b = 0; b < 8 * nq; ++b) m |= uint32_t(get<uint8_t>(q, b) >> 7) << b;
    return m;
}

}  // namespace amber::simd
