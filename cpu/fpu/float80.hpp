// The x87 80-bit extended-precision value: sign, 15-bit biased exponent and a
// 64-bit significand with an explicit integer bit (bit 63). A plain value
// type; arithmetic lives in the other cpu/fpu headers.
#pragma once
#include <cstdint>

namespace amber::fpu {

constexpr uint16_t kExpMax = 0x7FFF;   // infinities and NaNs
constexpr int32_t kExpBias = 16383;
constexpr uint64_t kIntBit = 0x8000000000000000u;
constexpr uint64_t kQuietBit = 0x4000000000000000u;

struct Float80 {
    uint64_t sig = 0;  // significand, integer bit in bit 63
    uint16_t se = 0;   // sign in bit 15, biased exponent in bits 0-14

    static constexpr Float80 make(bool sign, uint16_t exp, uint64_t sig) {
        return Float80{sig, static_cast<uint16_t>((sign ? 0x8000u : 0u) | (exp & 0x7FFFu))};
    }
    constexpr bool sign() const { return se >> 15; }
    constexpr uint16_t exp() const { return se & 0x7FFF; }

    // The 10-byte little-endian memory image (significand first).
    static Float80 load(const uint8_t* bytes);
    void store(uint8_t* bytes) const;

    friend constexpr bool operator==(const Float80&, const Float80&) = default;
};

// Every encoding falls in exactly one class. Pseudo-denormals (exponent 0,
// integer bit set) are read as denormals with exponent 1; unnormals,
// pseudo-infinities and pseudo-NaNs (exponent non-zero, integer bit clear)
// are "unsupported": the 387 and later reject them as invalid operands.
enum class FpClass : uint8_t {
    Zero,
    Denormal,
    PseudoDenormal,
    Normal,
    Infinity,
    QNaN,
    SNaN,
    Unnormal,
    PseudoInfinity,
    PseudoNaN,
};

constexpr FpClass classify(Float80 x) {
    const uint16_t e = x.exp();
    const bool j = x.sig >> 63;
    if (e == 0) {
        if (x.sig == 0) return FpClass::Zero;
        return j ? FpClass::PseudoDenormal : FpClass::Denormal;
    }
    if (e == kExpMax) {
        const uint64_t frac = x.sig & ~kIntBit;
        if (!j) return frac ? FpClass::PseudoNaN : FpClass::PseudoInfinity;
        if (frac == 0) return FpClass::Infinity;
        return (x.sig & kQuietBit) ? FpClass::QNaN : FpClass::SNaN;
    }
    return j ? FpClass::Normal : FpClass::Unnormal;
}

constexpr bool is_unsupported(FpClass c) {
    return c == FpClass::Unnormal || c == FpClass::PseudoInfinity || c == FpClass::PseudoNaN;
}
constexpr bool is_nan(FpClass c) { return c == FpClass::QNaN || c == FpClass::SNaN; }
constexpr bool is_denormal(FpClass c) { return c == FpClass::Denormal || c == FpClass::PseudoDenormal; }

// The common case in one test: exponent 1..0x7FFE with the integer bit set.
constexpr bool is_normal(Float80 x) {
    return static_cast<uint16_t>(x.exp() - 1) < 0x7FFE && (x.sig >> 63);
}
constexpr bool is_nan(Float80 x) { return x.exp() == kExpMax && (x.sig & ~kIntBit) && (x.sig >> 63); }
constexpr bool is_snan(Float80 x) { return classify(x) == FpClass::SNaN; }

// The tag the hardware computes for a non-empty register (FNSTENV, FXSAVE):
// 0 valid, 1 zero, 2 special (NaN, infinity, denormal, unsupported).
constexpr unsigned tag_of(Float80 x) {
    if (is_normal(x)) return 0;
    if (x.exp() == 0 && x.sig == 0) return 1;
    return 2;
}

// Named values.
constexpr Float80 kIndefinite = Float80::make(true, kExpMax, 0xC000000000000000u);  // QNaN indefinite
constexpr Float80 infinity(bool sign) { return Float80::make(sign, kExpMax, kIntBit); }
constexpr Float80 zero(bool sign) { return Float80::make(sign, 0, 0); }
constexpr Float80 one(bool sign) { return Float80::make(sign, kExpBias, kIntBit); }
constexpr Float80 quieted(Float80 x) { return Float80{x.sig | kQuietBit, x.se}; }

}  // namespace amber::fpu
