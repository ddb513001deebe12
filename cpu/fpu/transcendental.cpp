#include "cpu/fpu/transcendental.hpp"

#include "cpu/fpu/internal.hpp"

namespace amber::fpu {

using namespace detail;

Trig sin(Float80 x, FpuEnv& env) { return {invalid(env), false}; }
Trig cos(Float80 x, FpuEnv& env) { return {invalid(env), false}; }
SinCos sincos(Float80 x, FpuEnv& env) { return {invalid(env), kIndefinite, false}; }
Trig tan(Float80 x, FpuEnv& env) { return {invalid(env), false}; }
Float80 atan2(Float80 y, Float80 x, FpuEnv& env) { return invalid(env); }
Float80 f2xm1(Float80 x, FpuEnv& env) { return invalid(env); }
Float80 yl2x(Float80 y, Float80 x, FpuEnv& env) { return invalid(env); }
Float80 yl2xp1(Float80 y, Float80 x, FpuEnv& env) { return invalid(env); }

}  // namespace amber::fpu
