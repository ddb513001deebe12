// The x87 arithmetic core: portable, bit-exact 80-bit extended precision in
// integer arithmetic only. One include for the CPU layer.
//
//   Float80        float80.hpp      the value, its classes, the memory image
//   FpuEnv         fpu_env.hpp      FCW in, exception flags / C1 / suppression out
//   add..sqrt      arith.hpp        FADD FSUB FMUL FDIV FSQRT FCHS FABS
//   compare        compare.hpp      FCOM FUCOM FTST FCOMI FXAM
//   from_/to_      convert.hpp      integers, float32/64, packed BCD
//   round_to_int.. misc.hpp         FRNDINT FSCALE FXTRACT FPREM FPREM1, constants
//   sin..          transcendental.hpp  FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1
#pragma once
#include "cpu/fpu/arith.hpp"
#include "cpu/fpu/compare.hpp"
#include "cpu/fpu/convert.hpp"
#include "cpu/fpu/float80.hpp"
#include "cpu/fpu/fpu_env.hpp"
#include "cpu/fpu/misc.hpp"
#include "cpu/fpu/transcendental.hpp"
