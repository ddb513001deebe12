// Conversions between the 80-bit format and the x87's memory formats:
// integers (FILD/FIST/FISTP, and the operands of FIADD etc.), float32 and
// float64 (FLD/FST m32/m64, and the operands of FADD m32 etc.), and 18-digit
// packed BCD (FBLD/FBSTP). Loads are exact; stores round by env.rc (never by
// the precision control).
#pragma once
#include <cstdint>

#include "cpu/fpu/float80.hpp"
#include "cpu/fpu/fpu_env.hpp"

namespace amber::fpu {

// Integers: always exact.
Float80 from_int(int64_t v);

// Rounds to an integer of `width` bits (16, 32 or 64) by env.rc, or toward
// zero when `truncate` (FISTTP). NaN, infinity, unsupported or out of range:
// IE and the integer indefinite (the most negative value). Returns the value
// sign-extended to 64 bits; the caller stores the low `width` bits.
int64_t to_int(Float80 x, unsigned width, FpuEnv& env, bool truncate = false);
inline int16_t to_int16(Float80 x, FpuEnv& env) { return static_cast<int16_t>(to_int(x, 16, env)); }
inline int32_t to_int32(Float80 x, FpuEnv& env) { return static_cast<int32_t>(to_int(x, 32, env)); }
inline int64_t to_int64(Float80 x, FpuEnv& env) { return to_int(x, 64, env); }

// float32/float64 bit patterns to 80 bits: exact. A denormal raises DE. An
// SNaN raises IE and is quieted, unless `operand` is set: then it stays
// signaling for the arithmetic operation it feeds (FADD m32 etc.), which
// applies the NaN rules against the other operand.
Float80 from_f32(uint32_t bits, FpuEnv& env, bool operand = false);
Float80 from_f64(uint64_t bits, FpuEnv& env, bool operand = false);

// 80 bits to float32/float64, rounded by env.rc with the format's exponent
// range: OE/UE/PE with the masked responses (infinity or the largest finite,
// denormals). NaNs are quieted (IE for an SNaN) and keep their top fraction
// bits; unsupported formats give the indefinite. With OE, UE or IE unmasked
// the hardware stores nothing: check env.unmasked() before writing memory.
uint32_t to_f32(Float80 x, FpuEnv& env);
uint64_t to_f64(Float80 x, FpuEnv& env);

// Packed BCD: 9 bytes of two digits each (least significant first) and a
// sign byte (bit 7). Invalid digits are undefined on hardware; here they
// simply weigh as their binary value.
Float80 from_bcd(const uint8_t* bytes);
// Rounds by env.rc; |value| >= 10^18, NaN, infinity or unsupported: IE and
// the BCD indefinite (FF FF C0 00 .. 00, most significant byte first).
void to_bcd(Float80 x, FpuEnv& env, uint8_t* bytes);

}  // namespace amber::fpu
