// The SSE state the CPU carries (Pentium III and later): eight 128-bit XMM
// registers and MXCSR. MMX has no state of its own: MM0-7 are the
// significands of the x87 registers (x87.hpp). The handlers are
// ops_mmx.cpp, ops_sse_int.cpp, ops_sse_float.cpp and ops_fxsr.cpp.
#pragma once
#include <cstdint>

namespace amber {

// An XMM register as two quadwords, q[0] holding bits 63..0.
struct Xmm {
    uint64_t q[2] = {0, 0};
    friend constexpr bool operator==(const Xmm&, const Xmm&) = default;
};

namespace mxcsr_bit {
// Exception flags (bits 0-5) and their masks (bits 7-12) in x87 order:
// invalid, denormal, divide by zero, overflow, underflow, precision.
constexpr uint32_t IE = 1u << 0, DE = 1u << 1, ZE = 1u << 2, OE = 1u << 3, UE = 1u << 4, PE = 1u << 5;
constexpr uint32_t kFlags = 0x3F;
constexpr uint32_t DAZ = 1u << 6;       // denormal operands are read as zero
constexpr unsigned kMaskShift = 7;      // IM..PM = flags << 7
constexpr uint32_t kMasks = 0x3Fu << kMaskShift;
constexpr unsigned kRoundShift = 13;    // RC: nearest, down, up, toward zero
constexpr uint32_t FZ = 1u << 15;       // tiny results are flushed to zero (when UE is masked)
constexpr uint32_t kDefault = 0x1F80;   // all masked, round to nearest
// The bits LDMXCSR/FXRSTOR accept (MXCSR_MASK as FXSAVE reports it); the
// rest raise #GP(0). DAZ came with the SSE2 processors: the Pentium III
// lacks it.
constexpr uint32_t kWritable = 0xFFFF;
constexpr uint32_t kWritableWithoutDaz = kWritable & ~DAZ;
}  // namespace mxcsr_bit

struct SseState {
    Xmm xmm[8];
    uint32_t mxcsr = mxcsr_bit::kDefault;

    void reset() { *this = SseState{}; }
};

}  // namespace amber
