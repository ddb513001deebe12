// The one place that puts a test's register state into the CPU and reads it
// back. Everything else in the runner is format and comparison logic, so when
// the CPU's interface grows (protected mode, FPU state) only this file changes.
#pragma once
#include <cstdint>

#include "cpu/cpu.hpp"
#include "frontend/vectors/test_case.hpp"

namespace amber::vectors {

// Registers a suite compares: 16-bit suites have the four real-mode segments
// and no FS/GS; native32 lists general registers, EIP and EFLAGS only.
uint16_t compared_fields(bool wide);

// Real mode: segment bases follow the selectors (base = selector << 4).
// `flags_clear` holds FLAGS bits the hardware cannot hold (286: 12-15).
void load_real_mode_state(Cpu& cpu, const RegFile& regs, uint32_t flags_clear);

// 32-bit flat protected mode, as native32 needs. Returns false while the CPU
// has no way to enter it (it has no protected mode yet).
bool load_flat32_state(Cpu& cpu, const RegFile& regs);

// The x87 state of an x87 form (ST(i) in stack order, full tag word), and
// the image FNSTENV would give of the CPU's state. Tests without one run
// with the FPU as FNINIT leaves it.
void load_fpu_state(Cpu& cpu, const FpuImage& fpu);
FpuImage read_fpu_state(const Cpu& cpu);
// MXCSR and the XMM registers of an SSE form.
void load_sse_state(Cpu& cpu, const SseImage& sse);
SseImage read_sse_state(const Cpu& cpu);

// The architectural value of a field: FLAGS as PUSHF would store it (with the
// bits fixed at one), segment registers as their selectors.
uint32_t read_field(const Cpu& cpu, Field f, bool wide);
uint32_t segment_base(const Cpu& cpu, Field segment);

}  // namespace amber::vectors
