// What the MMX, SSE and SSE2 handlers share: the checks each one starts
// with, the choice of instruction by mandatory prefix (none, 66, F3, F2),
// the MMX registers aliased onto the x87 significands, and 64/128-bit
// memory operands.
#pragma once
#include <cstdint>

#include "cpu/ops_common.hpp"

namespace amber::simd {

// ------------------------------------------------------------ the checks

// MMX: #UD with CR0.EM, #NM with CR0.TS, then a pending unmasked x87
// exception as a waiting x87 instruction signals it: #MF with CR0.NE, else
// FERR# and the instruction goes on (Cpu::signal_x87_error).
inline void begin_mmx(Cpu& c) {
    if (c.cr0 & cr0_bit::EM) c.fault(vec::UD);
    if (c.cr0 & cr0_bit::TS) c.fault(vec::NM);
    if (c.x87.error_pending()) c.signal_x87_error();
}
// SSE/SSE2 on XMM registers: #UD when the model lacks the extension, with
// CR0.EM or without CR4.OSFXSR (the OS has not said it saves XMM state);
// #NM with CR0.TS. No #MF: x87 exceptions do not concern them.
inline void begin_sse(Cpu& c, Simd level) {
    if (c.traits().simd < level) c.fault(vec::UD);
    if ((c.cr0 & cr0_bit::EM) || !(c.cr4 & cr4_bit::OSFXSR)) c.fault(vec::UD);
    if (c.cr0 & cr0_bit::TS) c.fault(vec::NM);
}
// The MMX forms SSE added (PMINUB mm, PSHUFW, MOVNTQ...) and SSE2's
// PADDQ/PSUBQ/PMULUDQ mm: the MMX checks on a model that has them. These
// do not depend on CR4.OSFXSR.
inline void begin_mmx_ext(Cpu& c, Simd level) {
    if (c.traits().simd < level) c.fault(vec::UD);
    begin_mmx(c);
}

// MXCSR_MASK: the MXCSR bits this model implements.
inline uint32_t mxcsr_mask(const Cpu& c) {
    return c.traits().simd >= Simd::Sse2 ? mxcsr_bit::kWritable : mxcsr_bit::kWritableWithoutDaz;
}

// --------------------------------------------------------- MMX registers

// MMi is the significand of physical x87 register i. Any MMX instruction
// (but EMMS) sets TOP to 0 and marks every register valid; writing MMi sets
// its sign and exponent bits to ones, so the x87 reads it as a NaN.
inline uint64_t mm(const Cpu& c, unsigned n) { return c.x87.reg[n & 7].sig; }
inline void enter_mmx_state(Cpu& c) {
    c.x87.set_top(0);
    c.x87.used = 0xFF;
}
inline void set_mm(Cpu& c, unsigned n, uint64_t v) { c.x87.reg[n & 7] = fpu::Float80{v, 0xFFFF}; }

// --------------------------------------------------------------- memory

inline uint32_t offset_plus(const Insn& i, uint32_t ea, unsigned add) {
    const uint32_t a = ea + add;
    return i.a32() ? a : (a & 0xFFFF);
}
// The operand's linear address, for the alignment rules.
inline uint32_t linear(Cpu& c, const Insn& i) { return c.seg[i.seg].base + c.ea(i); }
// m128 operands of the SSE instructions that are not explicitly unaligned
// must be 16-byte aligned: #GP(0) otherwise.
inline void require_aligned16(Cpu& c, const Insn& i) {
    if (linear(c, i) & 15) c.fault_gp0();
}

// n bytes (4, 8 or 16) little-endian into q[] (zero-extended). The whole
// operand is checked before any part is read.
inline void read_mem_bytes(Cpu& c, const Insn& i, uint64_t* q, unsigned n) {
    const uint32_t ea = c.ea(i);
    if (n > 4) c.check_segment_access(i.seg, ea, n, false);
    q[0] = 0;
    if (n > 8) q[1] = 0;
    for (unsigned k = 0; k < n; k += 4) {
        if (n - k < 4) break;
        const uint64_t v = c.read_mem<uint32_t>(i.seg, offset_plus(i, ea, k));
        q[k / 8] |= v << (8 * (k % 8));
    }
}
inline void write_mem_bytes(Cpu& c, const Insn& i, const uint64_t* q, unsigned n) {
    const uint32_t ea = c.ea(i);
    if (n > 4) {
        c.check_segment_access(i.seg, ea, n, true);
        c.probe_write(c.seg[i.seg].base + ea, n);
    }
    for (unsigned k = 0; k < n; k += 4)
        c.write_mem<uint32_t>(i.seg, offset_plus(i, ea, k), static_cast<uint32_t>(q[k / 8] >> (8 * (k % 8))));
}
inline uint64_t read_m64(Cpu& c, const Insn& i) {
    uint64_t q[1];
    read_mem_bytes(c, i, q, 8);
    return q[0];
}
inline void write_m64(Cpu& c, const Insn& i, uint64_t v) { write_mem_bytes(c, i, &v, 8); }
inline Xmm read_m128(Cpu& c, const Insn& i, bool aligned) {
    if (aligned) require_aligned16(c, i);
    Xmm x;
    read_mem_bytes(c, i, x.q, 16);
    return x;
}
inline void write_m128(Cpu& c, const Insn& i, const Xmm& x, bool aligned) {
    if (aligned) require_aligned16(c, i);
    write_mem_bytes(c, i, x.q, 16);
}
// The r/m operand of an xmm, xmm/m128 form.
inline Xmm xmm_rm(Cpu& c, const Insn& i, bool aligned = true) {
    return i.is_mem() ? read_m128(c, i, aligned) : c.sse.xmm[i.rm];
}
// The r/m operand of an mm, mm/m64 form.
inline uint64_t mm_rm(Cpu& c, const Insn& i) { return i.is_mem() ? read_m64(c, i) : mm(c, i.rm); }

// ------------------------------------------------- mandatory prefixes

enum class Prefix : uint8_t { None, P66, F3, F2 };
// F3 and F2 select the instruction before 66 does; 66 shows as an operand
// size other than the code segment's.
inline Prefix prefix_of(const Cpu& c, const Insn& i) {
    if (i.flags & insn_flag::kRep) return Prefix::F3;
    if (i.flags & insn_flag::kRepne) return Prefix::F2;
    if (i.o32() != c.code32()) return Prefix::P66;
    return Prefix::None;
}

inline void undefined(Cpu& c, const Insn&) { c.fault(vec::UD); }

// One opcode, four instructions: the handler for the prefix given, #UD
// where there is none.
template <Handler None, Handler P66 = nullptr, Handler F3 = nullptr, Handler F2 = nullptr>
void by_prefix(Cpu& c, const Insn& i) {
    Handler h = nullptr;
    switch (prefix_of(c, i)) {
    case Prefix::None: h = None; break;
    case Prefix::P66: h = P66; break;
    case Prefix::F3: h = F3; break;
    case Prefix::F2: h = F2; break;
    }
    if (!h) c.fault(vec::UD);
    h(c, i);
}

}  // namespace amber::simd
