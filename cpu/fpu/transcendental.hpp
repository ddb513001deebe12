// The x87 transcendental instructions, within 1 ulp of the exact result,
// computed in 128-bit-significand integer arithmetic (see wide.hpp) and
// rounded once by env.rc (the precision control does not apply).
//
// FSIN, FCOS, FSINCOS and FPTAN reduce their argument modulo the 387's
// 66-bit approximation of pi, as the hardware does, so huge arguments give
// the hardware's answers rather than the mathematically exact ones. For
// |x| >= 2^63 they do nothing but report out_of_range (C2 = 1).
#pragma once
#include "cpu/fpu/float80.hpp"
#include "cpu/fpu/fpu_env.hpp"

namespace amber::fpu {

struct Trig {
    Float80 value;
    bool out_of_range;  // C2: |x| >= 2^63, leave ST(0) as it is
};
// FSINCOS and FPTAN: ST(0) <- first, then push second (unless out of range).
struct TrigPair {
    Float80 first;
    Float80 second;
    bool out_of_range;
};

Trig sin(Float80 x, FpuEnv& env);
Trig cos(Float80 x, FpuEnv& env);
// FSINCOS: first = sin, second = cos (a NaN operand gives the NaN twice).
TrigPair sincos(Float80 x, FpuEnv& env);
// FPTAN: first = tan, second = 1.0 (a NaN operand gives the NaN twice).
TrigPair tan(Float80 x, FpuEnv& env);

// FPATAN: atan(y / x) in the quadrant of (x, y); y is ST(1), x is ST(0).
Float80 atan2(Float80 y, Float80 x, FpuEnv& env);
// F2XM1: 2^x - 1 (defined for |x| <= 1; larger values are computed anyway).
Float80 f2xm1(Float80 x, FpuEnv& env);
// FYL2X: y * log2(x); y is ST(1), x is ST(0).
Float80 yl2x(Float80 y, Float80 x, FpuEnv& env);
// FYL2XP1: y * log2(x + 1), accurate for small x.
Float80 yl2xp1(Float80 y, Float80 x, FpuEnv& env);

}  // namespace amber::fpu
