// FRNDINT, FSCALE, FXTRACT, FPREM and FPREM1: exact operations on the
// exponent and the integer part (only FRNDINT and an underflowing or
// overflowing FSCALE round). The precision control does not apply.
#pragma once
#include <cstdint>

#include "cpu/fpu/float80.hpp"
#include "cpu/fpu/fpu_env.hpp"

namespace amber::fpu {

// FRNDINT: x rounded to an integer by env.rc (PE and C1 when inexact).
Float80 round_to_int(Float80 x, FpuEnv& env);

// FSCALE: x * 2^trunc(s), with the SDM's table for zeros and infinities.
Float80 scale(Float80 x, Float80 s, FpuEnv& env);

// FXTRACT: x = significand * 2^exponent, the significand in [1, 2). The CPU
// layer puts `exponent` in ST(0)'s place and pushes `significand`.
// Zero: ZE, exponent -infinity, significand the zero itself.
struct Extracted {
    Float80 exponent;
    Float80 significand;
};
Extracted extract(Float80 x, FpuEnv& env);

// FPREM (quotient truncated) and FPREM1 (rounded to nearest): the partial
// remainder of a / b (a is ST(0), b is ST(1)). The CPU layer sets
//   fsw = (fsw & ~condition_mask) | condition
// `condition` holds the low three quotient bits (C0 = Q2, C3 = Q1, C1 = Q0)
// when the reduction is complete, else C2 alone. When the exponent
// difference D is 64 or more, one step reduces it by a multiple of 32,
// leaving a difference of 32..63 (N = 32 + D mod 32), as the hardware does.
// A NaN or invalid operand clears C1 and C2 and leaves C0 and C3.
struct Remainder {
    Float80 value;
    uint16_t condition;
    uint16_t condition_mask;
};
Remainder prem(Float80 a, Float80 b, FpuEnv& env);
Remainder prem1(Float80 a, Float80 b, FpuEnv& env);

// FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ. The 387 and later hold
// the constants to 66 bits and round them by the rounding control (not the
// precision control), raising no exception.
enum class Constant : uint8_t { One, Log2Ten, Log2E, Pi, Log10Two, LnTwo, Zero };
Float80 constant(Constant c, Rounding rc);

}  // namespace amber::fpu
