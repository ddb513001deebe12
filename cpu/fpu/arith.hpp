// The basic arithmetic of the x87: add, subtract, multiply, divide and
// square root on 80-bit values, rounded by env's rounding and precision
// control, with the masked responses for every exception (see fpu_env.hpp).
// Operand order follows the math: sub(a, b) = a - b, div(a, b) = a / b; the
// CPU layer swaps operands for the reversed forms (FSUBR, FDIVR).
#pragma once
#include "cpu/fpu/float80.hpp"
#include "cpu/fpu/fpu_env.hpp"

namespace amber::fpu {

Float80 add(Float80 a, Float80 b, FpuEnv& env);
Float80 sub(Float80 a, Float80 b, FpuEnv& env);
Float80 mul(Float80 a, Float80 b, FpuEnv& env);
Float80 div(Float80 a, Float80 b, FpuEnv& env);
Float80 sqrt(Float80 a, FpuEnv& env);

// FCHS and FABS: sign bit only, no exceptions, any operand.
constexpr Float80 chs(Float80 a) { return Float80{a.sig, static_cast<uint16_t>(a.se ^ 0x8000u)}; }
constexpr Float80 abs(Float80 a) { return Float80{a.sig, static_cast<uint16_t>(a.se & 0x7FFFu)}; }

}  // namespace amber::fpu
