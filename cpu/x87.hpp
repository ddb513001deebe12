// The architectural x87 state the CPU carries: eight 80-bit physical
// registers addressed as a stack through TOP, their tags, the control and
// status words, and the last-instruction pointers FNSTENV/FNSAVE report.
// The arithmetic itself is cpu/fpu/*; the opcode handlers are ops_x87.cpp.
//
// Tags are kept as empty or not: the two-bit tag the hardware reports
// (valid, zero, special) is a function of the register's contents, so it is
// computed when an image is stored (full_tags) rather than kept up to date.
#pragma once
#include <cstdint>

#include "cpu/fpu/fpu.hpp"

namespace amber {

namespace fsw_bit {
constexpr uint16_t SF = 0x0040;  // stack fault (with IE; C1 tells overflow from underflow)
constexpr uint16_t ES = 0x0080;  // error summary: an unmasked exception is pending
constexpr uint16_t B = 0x8000;   // busy: mirrors ES on the 387 and later
constexpr uint16_t kTopMask = 0x3800;
}  // namespace fsw_bit

struct X87State {
    using Float80 = fpu::Float80;

    Float80 reg[8];        // physical registers R0..R7
    uint8_t used = 0;      // bit p set: physical register p is not empty
    uint16_t fcw = 0x037F;
    uint16_t fsw = 0;
    // The last non-control instruction: its CS:EIP, opcode (low 11 bits of
    // the two opcode bytes) and memory operand.
    uint32_t fip = 0, fdp = 0;
    uint16_t fcs = 0, fds = 0, fop = 0;

    // FNINIT: the state after reset, except that the pointers are cleared too.
    void init() { *this = X87State{}; }

    unsigned top() const { return (fsw >> 11) & 7; }
    void set_top(unsigned t) { fsw = static_cast<uint16_t>((fsw & ~fsw_bit::kTopMask) | ((t & 7) << 11)); }
    unsigned phys(unsigned i) const { return (top() + i) & 7; }

    Float80 st(unsigned i) const { return reg[phys(i)]; }
    bool empty(unsigned i) const { return !(used & (1u << phys(i))); }
    void set(unsigned i, Float80 v) {
        reg[phys(i)] = v;
        used = static_cast<uint8_t>(used | (1u << phys(i)));
    }
    void free(unsigned i) { used = static_cast<uint8_t>(used & ~(1u << phys(i))); }
    // A push goes to ST(7)'s register; it overflows when that one is in use.
    bool full() const { return !empty(7); }
    void push(Float80 v) {
        set_top(top() - 1);
        set(0, v);
    }
    void pop() {
        free(0);
        set_top(top() + 1);
    }

    void set_c1(bool on) { fsw = static_cast<uint16_t>(on ? fsw | fpu::kC1 : fsw & ~fpu::kC1); }
    // C3 C2 C1 C0 replaced by `bits` (in their FSW positions).
    void set_cc(uint16_t bits, uint16_t mask = fpu::kConditionMask) {
        fsw = static_cast<uint16_t>((fsw & ~mask) | (bits & mask));
    }

    // The FNSTENV tag word: per physical register 00 valid, 01 zero,
    // 10 special, 11 empty.
    uint16_t full_tags() const;
    // FLDENV/FRSTOR: only "empty" (11) is kept from each field.
    void set_full_tags(uint16_t ftw);

    // ES and B follow the exception flags that the control word leaves
    // unmasked: recomputed when FCW or FSW is loaded as a whole (FLDCW,
    // FLDENV, FRSTOR); an operation only ever sets them.
    void update_error_summary();
    void raise_error_summary() {
        if (fsw & ~fcw & fpu::exc::kAll) fsw |= fsw_bit::ES | fsw_bit::B;
    }
    bool error_pending() const { return fsw & fsw_bit::ES; }

    // A stack overflow or underflow: IE and SF, C1 = overflow. Returns true
    // when IE is masked, so the caller goes on with the masked response
    // (the indefinite as result); false when the instruction must stop.
    bool stack_fault(bool overflow);

    // Merges the flags of a core operation (see fpu_env.hpp). C1 takes the
    // round-up bit when `c1` is set. Returns false when the result must be
    // discarded (an unmasked IE, ZE or DE).
    bool commit(const fpu::FpuEnv& env, bool c1 = true);

    fpu::FpuEnv env() const { return fpu::FpuEnv(fcw); }
};

}  // namespace amber
