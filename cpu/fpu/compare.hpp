// Comparisons (FCOM, FUCOM, FTST, FICOM, FCOMI, FUCOMI) and FXAM.
#pragma once
#include <cstdint>

#include "cpu/fpu/float80.hpp"
#include "cpu/fpu/fpu_env.hpp"

namespace amber::fpu {

enum class Relation : uint8_t { Less, Equal, Greater, Unordered };

// Compares a with b (a is ST(0)). Ordered compares (FCOM, FTST, FCOMI) raise
// IE for any NaN; unordered ones (FUCOM, FUCOMI) only for an SNaN. An
// unsupported operand is always IE; a denormal raises DE.
Relation compare(Float80 a, Float80 b, bool unordered_ok, FpuEnv& env);

// C3 C2 C0 after FCOM/FUCOM/FTST/FICOM: 000 >, 001 <, 100 =, 111 unordered.
constexpr uint16_t condition_bits(Relation r) {
    switch (r) {
    case Relation::Less: return kC0;
    case Relation::Equal: return kC3;
    case Relation::Greater: return 0;
    default: return kC3 | kC2 | kC0;
    }
}

// ZF PF CF after FCOMI/FUCOMI, in EFLAGS positions (0x40, 0x04, 0x01).
constexpr uint32_t eflags_bits(Relation r) {
    switch (r) {
    case Relation::Less: return 0x01;
    case Relation::Equal: return 0x40;
    case Relation::Greater: return 0;
    default: return 0x45;
    }
}

// FXAM: C1 is the sign, C3 C2 C0 the class (000 unsupported, 001 NaN,
// 010 normal, 011 infinity, 100 zero, 101 empty, 110 denormal). Returns the
// four bits in FSW positions. No exceptions.
uint16_t examine(Float80 x, bool empty);

}  // namespace amber::fpu
