// The memory image FNSTENV/FNSAVE write and FLDENV/FRSTOR read (SDM vol. 1
// §8.1.10, figures 8-9 to 8-12): four layouts by operand size and mode.
// Protected mode keeps the instruction and data pointers as selector:offset;
// real and virtual-8086 mode keep them as linear addresses split into a low
// 16 bits and a high part stored next to the opcode.
//
// Pure conversions between X87State and bytes: the handlers in ops_x87.cpp
// do the memory accesses (all checked before the state changes).
#pragma once
#include <cstdint>

#include "cpu/x87.hpp"

namespace amber {

// FCW as loaded (FLDCW, FLDENV, FRSTOR): bits 7 and 13-15 are reserved and
// read as 0; bit 6 reads as 1.
constexpr uint16_t loaded_fcw(uint16_t v) { return static_cast<uint16_t>((v & 0x1F3F) | 0x0040); }

struct X87EnvFormat {
    bool o32;   // 28-byte environment (32-bit operand size), else 14 bytes
    bool real;  // real or virtual-8086 mode layout

    unsigned env_size() const { return o32 ? 28 : 14; }
    // FNSAVE/FRSTOR: the environment, then ST(0)..ST(7) as 80-bit images.
    unsigned save_size() const { return env_size() + 80; }
};

// The environment as FNSTENV stores it: the full two-bit tag word, and
// reserved fields as the P6 and later write them (all ones).
void store_x87_env(const X87State& x, X87EnvFormat f, uint8_t* out);
// FNSAVE's image: the environment and the eight registers in stack order.
void store_x87_save(const X87State& x, X87EnvFormat f, uint8_t* out);

// FLDENV: control, status and pointers from the image; of the tag word only
// "empty or not" is taken (the rest follows from the register contents).
// ES and B are recomputed, so unmasked pending exceptions are signalled by
// the next waiting instruction.
void load_x87_env(X87State& x, X87EnvFormat f, const uint8_t* in);
// FRSTOR: the environment, then the registers relative to the new TOP.
void load_x87_save(X87State& x, X87EnvFormat f, const uint8_t* in);

}  // namespace amber
