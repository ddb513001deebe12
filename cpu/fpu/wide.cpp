#include "cpu/fpu/wide.hpp"

#include "cpu/fpu/internal.hpp"

namespace amber::fpu::detail {

Wide wide_normalize(bool sign, int32_t exp, U128 sig) {
    if (sig.is_zero()) return Wide{sign, 0, {}};
    const int n = clz128(sig);
    return Wide{sign, exp - n, shl128(sig, static_cast<unsigned>(n))};
}

Wide wide_from(Float80 x) {
    if (x.exp() == 0 && x.sig == 0) return Wide{x.sign(), 0, {}};
    const Unpacked u = unpack(x);
    return Wide{u.sign, u.exp - kExpBias, U128{u.sig, 0}};
}

Wide wide_from_int(int64_t v) {
    const bool sign = v < 0;
    const uint64_t m = sign ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    return wide_normalize(sign, 127, U128{0, m});
}

int wide_compare_magnitude(Wide a, Wide b) {
    if (a.is_zero() || b.is_zero()) return a.is_zero() == b.is_zero() ? 0 : (a.is_zero() ? -1 : 1);
    if (a.exp != b.exp) return a.exp < b.exp ? -1 : 1;
    if (a.sig == b.sig) return 0;
    return a.sig < b.sig ? -1 : 1;
}

Wide wide_add(Wide a, Wide b) {
    if (a.is_zero()) return b;
    if (b.is_zero()) return a;
    if (wide_compare_magnitude(a, b) < 0) {
        const Wide t = a;
        a = b;
        b = t;
    }
    const int64_t d = int64_t{a.exp} - b.exp;
    const U128 small = shr128_sticky(b.sig, static_cast<uint32_t>(d < 0xFFFF ? d : 0xFFFF));
    if (a.sign == b.sign) {
        U128 s = add128(a.sig, small);
        if (s < a.sig) {  // carry out of bit 127
            s = shr128_sticky(s, 1);
            s.hi |= kIntBit;
            return Wide{a.sign, a.exp + 1, s};
        }
        return Wide{a.sign, a.exp, s};
    }
    return wide_normalize(a.sign, a.exp, sub128(a.sig, small));
}

Wide wide_mul(Wide a, Wide b) {
    if (a.is_zero() || b.is_zero()) return Wide{a.sign != b.sign, 0, {}};
    const U128 ll = mul64(a.sig.lo, b.sig.lo), lh = mul64(a.sig.lo, b.sig.hi);
    const U128 hl = mul64(a.sig.hi, b.sig.lo), hh = mul64(a.sig.hi, b.sig.hi);
    // Columns of the 256-bit product w3:w2:w1:w0 (w0 only feeds carries).
    const uint64_t sticky = ll.lo != 0;
    uint64_t w1 = ll.hi, c1 = 0;
    w1 += lh.lo;
    c1 += w1 < lh.lo;
    w1 += hl.lo;
    c1 += w1 < hl.lo;
    uint64_t w2 = hh.lo, c2 = 0;
    w2 += lh.hi;
    c2 += w2 < lh.hi;
    w2 += hl.hi;
    c2 += w2 < hl.hi;
    w2 += c1;
    c2 += w2 < c1;
    const uint64_t w3 = hh.hi + c2;
    const bool sign = a.sign != b.sign;
    if (w3 >> 63) return Wide{sign, a.exp + b.exp + 1, U128{w3, w2 | ((w1 | sticky) != 0)}};
    return Wide{sign, a.exp + b.exp,
                U128{(w3 << 1) | (w2 >> 63), (w2 << 1) | (w1 >> 63) | (((w1 << 1) | sticky) != 0)}};
}

Wide wide_div(Wide a, Wide b) {
    if (a.is_zero()) return Wide{a.sign != b.sign, 0, {}};
    // 1/m for the significand m = b.sig * 2^-127 in [1, 2): a 64-bit first
    // guess from the top word, then two Newton steps y += y * (1 - m*y).
    const Wide m{false, 0, b.sig};
    uint64_t r;
    const uint64_t q = div128(uint64_t{1} << 62, 0, b.sig.hi, &r);  // 2^126 / top word ~ 2^63 / m
    Wide y = wide_normalize(false, 127 - 63, U128{0, q});
    const Wide one{false, 0, U128{kIntBit, 0}};
    for (int i = 0; i < 2; ++i) y = wide_add(y, wide_mul(y, wide_sub(one, wide_mul(m, y))));
    Wide res = wide_mul(Wide{a.sign, a.exp, a.sig}, y);
    res.sign = a.sign != b.sign;
    res.exp -= b.exp;
    return res;
}

Float80 wide_round(Wide a, FpuEnv& env) {
    if (a.is_zero()) return zero(a.sign);
    return round_pack(a.sign, a.exp + kExpBias, a.sig, 64, env);
}

namespace {
constexpr Wide kPi{false, 1, {0xC90FDAA22168C234u, 0xC4C6628B80DC1CD1u}};
constexpr Wide kLn2{false, -1, {0xB17217F7D1CF79ABu, 0xC9E3B39803F2F6AFu}};
constexpr Wide kLog2e{false, 0, {0xB8AA3B295C17F0BBu, 0xBE87FED0691D3E89u}};
constexpr Wide kAtanEighths[8] = {
    {false, -4, {0xFEADD4D5617B6E32u, 0xC897989F3E888EF8u}},  // atan(1/8)
    {false, -3, {0xFADBAFC96406EB15u, 0x6DC79EF5F7A217E6u}},  // atan(2/8)
    {false, -2, {0xB7B0CA0F26F78473u, 0x8AA32122DCFE4483u}},  // atan(3/8)
    {false, -2, {0xED63382B0DDA7B45u, 0x6FE445ECBC3A8D03u}},  // atan(4/8)
    {false, -1, {0x8F005D5EF7F59F9Bu, 0x5C835E1665C43748u}},  // atan(5/8)
    {false, -1, {0xA4BC7D1934F70924u, 0x19A87F2A457DAC9Fu}},  // atan(6/8)
    {false, -1, {0xB8053E2BC2319E73u, 0xCB2DA55210A4443Du}},  // atan(7/8)
    {false, -1, {0xC90FDAA22168C234u, 0xC4C6628B80DC1CD1u}},  // atan(1) = pi/4
};
}  // namespace

Wide wide_pi() { return kPi; }
Wide wide_ln2() { return kLn2; }
Wide wide_log2e() { return kLog2e; }
Wide wide_atan_eighths(unsigned k) { return kAtanEighths[k - 1]; }

}  // namespace amber::fpu::detail
