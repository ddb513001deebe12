// IEEE 754 binary32 and binary64 arithmetic as SSE/SSE2 performs it, for
// the XMM handlers: every result is rounded once, from the exact value (or
// the exact value's leading bits plus a sticky bit), in the MXCSR rounding
// mode; tininess is detected after rounding; DAZ reads denormal operands as
// zero, FTZ flushes tiny results to zero when underflow is masked. NaNs
// follow the SSE rules: an SNaN operand is invalid; the result is the first
// operand if it is a NaN, else the second, made quiet; invalid operations
// give the default NaN (sign set, quiet, zero payload).
//
// Values travel as their bit patterns (uint32_t, uint64_t). Flags use the
// MXCSR bit positions (mxcsr_bit::IE..PE).
#pragma once
#include <cstdint>

namespace amber::fpu::ieee {

// Rounding control as MXCSR.RC (and the x87's RC) encodes it.
enum class Rounding : uint8_t { Nearest = 0, Down = 1, Up = 2, TowardZero = 3 };

struct Env {
    Rounding rc = Rounding::Nearest;
    bool daz = false;               // denormal operands are zeros
    bool ftz = false;               // tiny results become zeros (only while underflow is masked)
    bool underflow_masked = true;
    uint32_t flags = 0;             // exceptions raised (MXCSR flag bits)

    static Env from_mxcsr(uint32_t mxcsr);
};

// Both formats take the same template argument: uint32_t for binary32,
// uint64_t for binary64.
template <typename B> B add(B a, B b, Env& env);
template <typename B> B sub(B a, B b, Env& env);
template <typename B> B mul(B a, B b, Env& env);
template <typename B> B div(B a, B b, Env& env);
template <typename B> B sqrt(B a, Env& env);
// MINPS/MAXPS..: the second operand when either is a NaN (invalid) or both
// are zeros of any sign.
template <typename B> B min(B a, B b, Env& env);
template <typename B> B max(B a, B b, Env& env);

enum class Order : uint8_t { Less, Equal, Greater, Unordered };
// `signaling`: a QNaN operand is invalid too (COMISS, CMPLTPS...); else only an SNaN is.
template <typename B> Order compare(B a, B b, bool signaling, Env& env);

// int32 -> float (exact for binary64), float -> int32 in the rounding mode
// or truncated. NaNs, infinities and values out of range are invalid and
// give the integer indefinite 0x80000000.
template <typename B> B from_int32(int32_t v, Env& env);
template <typename B> int32_t to_int32(B a, bool truncate, Env& env);

// binary32 <-> binary64.
uint64_t widen(uint32_t a, Env& env);
uint32_t narrow(uint64_t a, Env& env);

template <typename B> bool is_nan(B a);

}  // namespace amber::fpu::ieee
