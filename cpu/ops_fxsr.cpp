// FXSAVE/FXRSTOR (the 512-byte x87+SSE image), LDMXCSR/STMXCSR, the fences
// and the prefetch hints: group 0FAE and 0F18.
//
// The FXSAVE image (32-bit form): FCW 0, FSW 2, abridged tag byte 4 (one
// bit per physical register, 1 = not empty), FOP 6, FIP 8, FCS 12, FDP 16,
// FDS 20, MXCSR 24, MXCSR_MASK 28, ST(0)-ST(7) at 32 + 16*i (10 bytes each,
// stack order), XMM0-7 at 160 + 16*i; 288-511 are reserved and left alone.
// Without CR4.OSFXSR the XMM registers and MXCSR are neither saved nor
// restored (the SDM leaves it to the implementation; this one skips them).
#include <cstring>

#include "cpu/simd_common.hpp"

namespace amber {
namespace {
using namespace ops;
using namespace simd;

constexpr unsigned kImageSize = 512, kUsedSize = 288;
constexpr unsigned kMxcsrAt = 24, kStAt = 32, kXmmAt = 160;

// FXSAVE/FXRSTOR: #NM with EM or TS (they do not wait for x87 errors), a
// memory operand, 16-byte aligned, and all 512 bytes within the segment.
uint32_t begin_fxsr(Cpu& c, const Insn& i, bool write) {
    if (c.cr0 & (cr0_bit::EM | cr0_bit::TS)) c.fault(vec::NM);
    if (!i.is_mem()) c.fault(vec::UD);
    require_aligned16(c, i);
    const uint32_t off = c.ea(i);
    c.check_segment_access(i.seg, off, kImageSize, write);
    if (write) c.probe_write(c.seg[i.seg].base + off, kImageSize);
    return off;
}

void fxsave(Cpu& c, const Insn& i) {
    const uint32_t off = begin_fxsr(c, i, true);
    const X87State& x = c.x87;
    const bool with_sse = c.cr4 & cr4_bit::OSFXSR;
    uint8_t img[kUsedSize] = {};
    store_le<uint16_t>(img + 0, x.fcw);
    store_le<uint16_t>(img + 2, x.fsw);
    img[4] = x.used;
    store_le<uint16_t>(img + 6, static_cast<uint16_t>(x.fop & 0x7FF));
    store_le<uint32_t>(img + 8, x.fip);
    store_le<uint16_t>(img + 12, x.fcs);
    store_le<uint32_t>(img + 16, x.fdp);
    store_le<uint16_t>(img + 20, x.fds);
    for (unsigned k = 0; k < 8; ++k) x.st(k).store(img + kStAt + 16 * k);
    unsigned n = kXmmAt;
    if (with_sse) {
        store_le<uint32_t>(img + kMxcsrAt, c.sse.mxcsr);
        store_le<uint32_t>(img + kMxcsrAt + 4, mxcsr_mask(c));
        for (unsigned k = 0; k < 8; ++k) {
            store_le<uint64_t>(img + kXmmAt + 16 * k, c.sse.xmm[k].q[0]);
            store_le<uint64_t>(img + kXmmAt + 16 * k + 8, c.sse.xmm[k].q[1]);
        }
        n = kUsedSize;
    }
    for (unsigned k = 0; k < n; k += 4) {
        if (!with_sse && k == kMxcsrAt) continue;  // MXCSR and its mask stay as they were
        if (!with_sse && k == kMxcsrAt + 4) continue;
        c.write_mem<uint32_t>(i.seg, offset_plus(i, off, k), load_le<uint32_t>(img + k));
    }
}

void fxrstor(Cpu& c, const Insn& i) {
    const uint32_t off = begin_fxsr(c, i, false);
    const bool with_sse = c.cr4 & cr4_bit::OSFXSR;
    uint8_t img[kUsedSize];
    for (unsigned k = 0; k < kUsedSize; k += 4)
        store_le<uint32_t>(img + k, c.read_mem<uint32_t>(i.seg, offset_plus(i, off, k)));
    const uint32_t mxcsr = load_le<uint32_t>(img + kMxcsrAt);
    if (with_sse && (mxcsr & ~mxcsr_mask(c))) c.fault_gp0();
    X87State& x = c.x87;
    x.fcw = load_le<uint16_t>(img + 0);
    x.fsw = load_le<uint16_t>(img + 2);
    x.used = img[4];
    x.fop = static_cast<uint16_t>(load_le<uint16_t>(img + 6) & 0x7FF);
    x.fip = load_le<uint32_t>(img + 8);
    x.fcs = load_le<uint16_t>(img + 12);
    x.fdp = load_le<uint32_t>(img + 16);
    x.fds = load_le<uint16_t>(img + 20);
    for (unsigned k = 0; k < 8; ++k) x.reg[x.phys(k)] = fpu::Float80::load(img + kStAt + 16 * k);
    x.update_error_summary();
    if (!with_sse) return;
    c.sse.mxcsr = mxcsr;
    for (unsigned k = 0; k < 8; ++k)
        c.sse.xmm[k] = Xmm{{load_le<uint64_t>(img + kXmmAt + 16 * k), load_le<uint64_t>(img + kXmmAt + 16 * k + 8)}};
}

// LDMXCSR m32 / STMXCSR m32: reserved bits set in the loaded value are #GP(0).
void ldmxcsr(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse);
    if (!i.is_mem()) c.fault(vec::UD);
    const uint32_t v = c.read_mem<uint32_t>(i.seg, c.ea(i));
    if (v & ~mxcsr_mask(c)) c.fault_gp0();
    c.sse.mxcsr = v;
}
void stmxcsr(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse);
    if (!i.is_mem()) c.fault(vec::UD);
    c.write_mem<uint32_t>(i.seg, c.ea(i), c.sse.mxcsr);
}

// The fences order memory accesses, which one interpreted CPU performs in
// order anyway: only their encodings are checked. /7 with a memory operand
// is CLFLUSH (SSE2), which faults like a byte read and otherwise does nothing.
template <Simd Level> void fence(Cpu& c, const Insn& i) {
    if (c.traits().simd < Level || i.is_mem()) c.fault(vec::UD);
}
void sfence_or_clflush(Cpu& c, const Insn& i) {
    if (!i.is_mem()) return fence<Simd::Sse>(c, i);
    if (c.traits().simd < Simd::Sse2) c.fault(vec::UD);
    (void)c.read_mem<uint8_t>(i.seg, c.ea(i));
}

// PREFETCHh (and the hint NOPs beside it): no architectural effect, never faults.
void prefetch(Cpu&, const Insn&) {}

}  // namespace

void register_fxsr_ops(OpTableBuilder& b) {
    if (b.model.simd < Simd::Sse) return;
    b.group(0x1AE, 0, "fxsave", kM, &fxsave);
    b.group(0x1AE, 1, "fxrstor", kM, &fxrstor);
    b.group(0x1AE, 2, "ldmxcsr", kM, &ldmxcsr);
    b.group(0x1AE, 3, "stmxcsr", kM, &stmxcsr);
    b.group(0x1AE, 5, "lfence", kM, &fence<Simd::Sse2>);
    b.group(0x1AE, 6, "mfence", kM, &fence<Simd::Sse2>);
    b.group(0x1AE, 7, "sfence", kM, &sfence_or_clflush);
    b.op(0x118, "prefetch", kM, &prefetch);
}

}  // namespace amber
