// sse: the SSE state (Pentium III and later). MXCSR with its flags, masks,
// rounding and DAZ/FZ named; XMM0..XMM7 as four dwords, most significant
// first (the order a 128-bit number is written in), and as two doubles
// through the low and high quadwords, since SSE2 code keeps doubles there.
#include <array>
#include <bit>

#include "cpu/sse.hpp"
#include "frontend/monitor/context.hpp"

namespace amber::monitor {

namespace {

constexpr std::array<const char*, 6> kFlagNames = {"IE", "DE", "ZE", "OE", "UE", "PE"};
constexpr std::array<const char*, 6> kMaskNames = {"IM", "DM", "ZM", "OM", "UM", "PM"};

// Highest bit first, as fpu names the x87's.
std::string named_bits(uint32_t bits, const std::array<const char*, 6>& names) {
    std::string s;
    for (unsigned b = 6; b-- > 0;) {
        if (!(bits & (1u << b))) continue;
        if (!s.empty()) s += ' ';
        s += names[b];
    }
    return "[" + s + "]";
}

std::string mxcsr_text(uint32_t m) {
    static constexpr std::array<const char*, 4> kRounding = {"nearest", "down", "up", "zero"};
    std::string t = fmt::format("{} {} RC={}", named_bits(m & mxcsr_bit::kFlags, kFlagNames),
                                named_bits((m & mxcsr_bit::kMasks) >> mxcsr_bit::kMaskShift, kMaskNames),
                                kRounding[(m >> mxcsr_bit::kRoundShift) & 3]);
    if (m & mxcsr_bit::DAZ) t += " DAZ";
    if (m & mxcsr_bit::FZ) t += " FZ";
    return t;
}

}  // namespace

void cmd_sse(Context& ctx, Words w) {
    require_words(w, 0, 0, "sse");
    const Cpu& c = ctx.cpu();
    if (c.traits().simd < Simd::Sse) {
        ctx.print("no SSE: the {} has no XMM registers\n", c.traits().name);
        return;
    }
    ctx.print("mxcsr={:08X}  {}\n", c.sse.mxcsr, mxcsr_text(c.sse.mxcsr));
    ctx.print("      dword 3  dword 2  dword 1  dword 0   qword 1, qword 0 as doubles\n");
    for (unsigned i = 0; i < 8; ++i) {
        const Xmm& x = c.sse.xmm[i];
        ctx.print("xmm{}  {:08X} {:08X} {:08X} {:08X}  {:.17g} {:.17g}\n", i, uint32_t(x.q[1] >> 32), uint32_t(x.q[1]),
                  uint32_t(x.q[0] >> 32), uint32_t(x.q[0]), std::bit_cast<double>(x.q[1]), std::bit_cast<double>(x.q[0]));
    }
}

}  // namespace amber::monitor
