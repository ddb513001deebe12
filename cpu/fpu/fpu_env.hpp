// The context of one x87 operation: what the control word asks for (rounding,
// precision, exception masks) going in, and what happened (exception flags,
// the C1 round-up bit, whether the result must be discarded) coming out.
//
// The CPU layer builds one per instruction, FpuEnv env(fcw), calls the core,
// then:
//   fsw |= env.flags;              // sticky IE DE ZE OE UE PE
//   C1 = env.c1;                   // where C1 is the round-up bit (arithmetic,
//                                  // stores, FRNDINT...); 0 when exact
//   register destination: write the result and pop unless env.suppressed
//     (an unmasked IE, ZE or DE leaves operands and stack as they were); an
//     unmasked OE or UE result arrives with its exponent adjusted by 24576,
//     as the x87 delivers it;
//   memory destination (FST, FIST, FBSTP): write and pop only if
//     !(env.unmasked() & (IE | OE | UE)) -- the hardware stores nothing
//     then; an unmasked PE alone still stores;
//   if (env.unmasked()) set ES and B: #MF (CR0.NE=1) or FERR# -> IRQ13
//     (CR0.NE=0) at the next waiting FP instruction.
// Stack faults (IE+SF with C1 = overflow) are the CPU layer's business: the
// core never sees the register stack. tests/unit/fpu_vectors_test.cpp holds
// a small x87 that follows these rules against the hardware vectors.
#pragma once
#include <cstdint>

namespace amber::fpu {

// FCW.RC values.
enum class Rounding : uint8_t { Nearest = 0, Down = 1, Up = 2, Zero = 3 };
// FCW.PC values (1 is reserved and rounds like Extended here).
enum class Precision : uint8_t { Single = 0, Reserved = 1, Double = 2, Extended = 3 };

// Exception bits, in their FSW/FCW positions.
namespace exc {
constexpr uint8_t IE = 0x01;  // invalid operation
constexpr uint8_t DE = 0x02;  // denormal operand
constexpr uint8_t ZE = 0x04;  // zero divide
constexpr uint8_t OE = 0x08;  // overflow
constexpr uint8_t UE = 0x10;  // underflow
constexpr uint8_t PE = 0x20;  // precision (inexact)
constexpr uint8_t kAll = 0x3F;
}  // namespace exc

// Condition-code bits, in their FSW positions.
constexpr uint16_t kC0 = 0x0100, kC1 = 0x0200, kC2 = 0x0400, kC3 = 0x4000;
constexpr uint16_t kConditionMask = kC0 | kC1 | kC2 | kC3;

// The exponent adjustment of the x87's unmasked overflow/underflow response.
constexpr int32_t kBiasAdjust = 24576;

struct FpuEnv {
    // Inputs.
    Rounding rc = Rounding::Nearest;
    Precision pc = Precision::Extended;
    uint8_t masks = exc::kAll;  // FCW bits 0-5: a set bit masks the exception

    // Outputs, accumulated by every operation run with this env.
    uint8_t flags = 0;       // exceptions detected (masked or not)
    bool c1 = false;         // the last rounding went up in magnitude
    bool suppressed = false; // an unmasked IE, ZE or DE: no result is delivered

    // Set by from_f32/from_f64 for an arithmetic operand (FADD m32 etc.)
    // that was a denormal in memory: it is normal once widened to 80 bits,
    // yet the operation must raise DE, after its NaN checks, as the hardware
    // does. The CPU layer does not touch it (and uses one env per
    // instruction, so it never carries over).
    bool operand_denormal = false;

    FpuEnv() = default;
    // From the control word: RC bits 10-11, PC bits 8-9, masks bits 0-5.
    explicit FpuEnv(uint16_t fcw)
        : rc(static_cast<Rounding>((fcw >> 10) & 3)), pc(static_cast<Precision>((fcw >> 8) & 3)),
          masks(static_cast<uint8_t>(fcw & exc::kAll)) {}

    bool masked(uint8_t e) const { return (masks & e) == e; }
    // Exceptions raised here that the control word does not mask.
    uint8_t unmasked() const { return flags & static_cast<uint8_t>(~masks) & exc::kAll; }

    // Significand bits the precision control keeps for arithmetic results.
    unsigned precision_bits() const {
        switch (pc) {
        case Precision::Single: return 24;
        case Precision::Double: return 53;
        default: return 64;
        }
    }

    // Records a pre-computation exception (IE, ZE, DE). Returns true when it
    // is unmasked: the operation must stop without a result.
    bool raise_pre(uint8_t e) {
        flags |= e;
        if (masked(e)) return false;
        suppressed = true;
        return true;
    }
};

}  // namespace amber::fpu
