// The packed integer instructions: MMX on MM0-7 (no prefix) and their SSE2
// forms on XMM0-7 (prefix 66), with the integer moves (MOVD/MOVQ/MOVDQA/
// MOVDQU), shuffles, inserts/extracts and EMMS. Both widths run the same
// lane operations (simd_lanes.hpp), one quadword for MMX, two for XMM.
//
// Ordering: operands are read (and may fault) before the MMX state changes
// (TOP=0, all tags valid), so a faulting instruction commits nothing.
#include "cpu/simd_common.hpp"
#include "cpu/simd_lanes.hpp"

namespace amber {
namespace {
using namespace ops;
using namespace simd;

// ------------------------------------------------ mm, mm/m64 and xmm, xmm/m128

template <typename Op, Simd Level = Simd::Mmx> void mmx_op(Cpu& c, const Insn& i) {
    begin_mmx_ext(c, Level);
    const uint64_t s = mm_rm(c, i);
    uint64_t d = mm(c, i.reg);
    Op::run(&d, &s, 1);
    enter_mmx_state(c);
    set_mm(c, i.reg, d);
}
template <typename Op> void xmm_op(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const Xmm s = xmm_rm(c, i);
    Xmm d = c.sse.xmm[i.reg];
    Op::run(d.q, s.q, 2);
    c.sse.xmm[i.reg] = d;
}
// The instruction on both widths: MMX without a prefix (from `Level` on),
// SSE2 with 66.
template <typename Op, Simd Level = Simd::Mmx> constexpr Handler kPacked = &by_prefix<&mmx_op<Op, Level>, &xmm_op<Op>>;
// SSE2-only forms (PUNPCKLQDQ...): 66 and XMM.
template <typename Op> constexpr Handler kXmmOnly = &by_prefix<nullptr, &xmm_op<Op>>;

// Shifts by the low quadword of the source.
template <typename T, Shift K> struct ShiftBy {
    static void run(uint64_t* d, const uint64_t* s, unsigned nq) { shift_lanes<T, K>(d, s[0], nq); }
};

// Shifts by an immediate (groups 0F71-0F73): register operands only.
template <typename T, Shift K> void mmx_shift_imm(Cpu& c, const Insn& i) {
    begin_mmx(c);
    if (i.is_mem()) c.fault(vec::UD);
    uint64_t d = mm(c, i.rm);
    shift_lanes<T, K>(&d, i.imm & 0xFF, 1);
    enter_mmx_state(c);
    set_mm(c, i.rm, d);
}
template <typename T, Shift K> void xmm_shift_imm(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    if (i.is_mem()) c.fault(vec::UD);
    shift_lanes<T, K>(c.sse.xmm[i.rm].q, i.imm & 0xFF, 2);
}
template <bool Left> void xmm_shift_bytes(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    if (i.is_mem()) c.fault(vec::UD);
    const unsigned n = i.imm & 0xFF;
    shift_bytes(c.sse.xmm[i.rm].q, n > 16 ? 16 : n, Left);
}
template <typename T, Shift K> constexpr Handler kShiftImm = &by_prefix<&mmx_shift_imm<T, K>, &xmm_shift_imm<T, K>>;

// ------------------------------------------------------------------ moves

// MOVD mm, r/m32 and MOVD xmm, r/m32: zero-extended.
void movd_to_mm(Cpu& c, const Insn& i) {
    begin_mmx(c);
    const uint32_t v = read_rm<uint32_t>(c, i);
    enter_mmx_state(c);
    set_mm(c, i.reg, v);
}
void movd_to_xmm(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    c.sse.xmm[i.reg] = Xmm{{read_rm<uint32_t>(c, i), 0}};
}
// MOVD r/m32, mm and MOVD r/m32, xmm.
void movd_from_mm(Cpu& c, const Insn& i) {
    begin_mmx(c);
    write_rm<uint32_t>(c, i, static_cast<uint32_t>(mm(c, i.reg)));
    enter_mmx_state(c);
}
void movd_from_xmm(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    write_rm<uint32_t>(c, i, static_cast<uint32_t>(c.sse.xmm[i.reg].q[0]));
}
// MOVQ xmm, xmm/m64 (F3 0F 7E): the upper quadword cleared.
void movq_to_xmm(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const uint64_t v = i.is_mem() ? read_m64(c, i) : c.sse.xmm[i.rm].q[0];
    c.sse.xmm[i.reg] = Xmm{{v, 0}};
}
// MOVQ xmm/m64, xmm (66 0F D6).
void movq_from_xmm(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const uint64_t v = c.sse.xmm[i.reg].q[0];
    if (i.is_mem()) write_m64(c, i, v);
    else c.sse.xmm[i.rm] = Xmm{{v, 0}};
}
// MOVQ2DQ xmm, mm and MOVDQ2Q mm, xmm: both touch the MMX state.
void movq2dq(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    begin_mmx(c);
    if (i.is_mem()) c.fault(vec::UD);
    c.sse.xmm[i.reg] = Xmm{{mm(c, i.rm), 0}};
    enter_mmx_state(c);
}
void movdq2q(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    begin_mmx(c);
    if (i.is_mem()) c.fault(vec::UD);
    enter_mmx_state(c);
    set_mm(c, i.reg, c.sse.xmm[i.rm].q[0]);
}
// MOVQ mm, mm/m64 and MOVQ mm/m64, mm.
void movq_load_mm(Cpu& c, const Insn& i) {
    begin_mmx(c);
    const uint64_t v = mm_rm(c, i);
    enter_mmx_state(c);
    set_mm(c, i.reg, v);
}
void movq_store_mm(Cpu& c, const Insn& i) {
    begin_mmx(c);
    const uint64_t v = mm(c, i.reg);
    if (i.is_mem()) write_m64(c, i, v);
    enter_mmx_state(c);
    if (!i.is_mem()) set_mm(c, i.rm, v);
}
// MOVDQA (aligned) and MOVDQU, both directions.
template <bool Aligned> void movdq_load(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    c.sse.xmm[i.reg] = xmm_rm(c, i, Aligned);
}
template <bool Aligned> void movdq_store(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    if (i.is_mem()) write_m128(c, i, c.sse.xmm[i.reg], Aligned);
    else c.sse.xmm[i.rm] = c.sse.xmm[i.reg];
}
// MOVNTQ m64, mm and MOVNTDQ m128, xmm: the non-temporal hint changes
// nothing here. Memory destinations only.
void movntq(Cpu& c, const Insn& i) {
    begin_mmx_ext(c, Simd::Sse);
    if (!i.is_mem()) c.fault(vec::UD);
    write_m64(c, i, mm(c, i.reg));
    enter_mmx_state(c);
}
void movntdq(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    if (!i.is_mem()) c.fault(vec::UD);
    write_m128(c, i, c.sse.xmm[i.reg], true);
}
// MASKMOVQ/MASKMOVDQU: the bytes of reg whose mask byte (rm) has its top
// bit set, stored at DS:EDI (or DI; segment overridable).
void mask_store(Cpu& c, const Insn& i, const uint64_t* data, const uint64_t* mask, unsigned nq) {
    const uint32_t base = i.a32() ? c.r[EDI] : (c.r[EDI] & 0xFFFF);
    for (unsigned b = 0; b < 8 * nq; ++b) {
        if (!(get<uint8_t>(mask, b) & 0x80)) continue;
        const uint32_t off = i.a32() ? base + b : ((base + b) & 0xFFFF);
        c.write_mem<uint8_t>(i.seg, off, get<uint8_t>(data, b));
    }
}
void maskmovq(Cpu& c, const Insn& i) {
    begin_mmx_ext(c, Simd::Sse);
    if (i.is_mem()) c.fault(vec::UD);
    const uint64_t data = mm(c, i.reg), mask = mm(c, i.rm);
    mask_store(c, i, &data, &mask, 1);
    enter_mmx_state(c);
}
void maskmovdqu(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    if (i.is_mem()) c.fault(vec::UD);
    const Xmm data = c.sse.xmm[i.reg], mask = c.sse.xmm[i.rm];
    mask_store(c, i, data.q, mask.q, 2);
}

// EMMS: every x87 register empty again (TOP is left alone).
void emms(Cpu& c, const Insn&) {
    begin_mmx(c);
    c.x87.used = 0;
}

// ------------------------------------------------- shuffles, insert/extract

void pshufw(Cpu& c, const Insn& i) {
    begin_mmx_ext(c, Simd::Sse);
    const uint64_t s = mm_rm(c, i);
    uint64_t d = 0;
    shuffle4<uint16_t>(&d, &s, static_cast<uint8_t>(i.imm), 0);
    enter_mmx_state(c);
    set_mm(c, i.reg, d);
}
// PSHUFD (dwords), PSHUFLW (low four words), PSHUFHW (high four words).
template <typename T, unsigned First> void pshuf_xmm(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const Xmm s = xmm_rm(c, i);
    Xmm d = s;
    shuffle4<T>(d.q, s.q, static_cast<uint8_t>(i.imm), First);
    c.sse.xmm[i.reg] = d;
}

// PINSRW: a word from r32 (its low word) or m16 into lane imm.
void pinsrw_mm(Cpu& c, const Insn& i) {
    begin_mmx_ext(c, Simd::Sse);
    const uint16_t w = read_rm<uint16_t>(c, i);
    uint64_t d = mm(c, i.reg);
    put<uint16_t>(&d, i.imm & 3, w);
    enter_mmx_state(c);
    set_mm(c, i.reg, d);
}
void pinsrw_xmm(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const uint16_t w = read_rm<uint16_t>(c, i);
    put<uint16_t>(c.sse.xmm[i.reg].q, i.imm & 7, w);
}
// PEXTRW r32, mm/xmm, imm: register sources only.
void pextrw_mm(Cpu& c, const Insn& i) {
    begin_mmx_ext(c, Simd::Sse);
    if (!i.is_mem()) {
        const uint64_t s = mm(c, i.rm);
        enter_mmx_state(c);
        c.r[i.reg] = get<uint16_t>(&s, i.imm & 3);
        return;
    }
    c.fault(vec::UD);
}
void pextrw_xmm(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    if (i.is_mem()) c.fault(vec::UD);
    c.r[i.reg] = get<uint16_t>(c.sse.xmm[i.rm].q, i.imm & 7);
}
// PMOVMSKB r32, mm/xmm.
void pmovmskb_mm(Cpu& c, const Insn& i) {
    begin_mmx_ext(c, Simd::Sse);
    if (i.is_mem()) c.fault(vec::UD);
    const uint64_t s = mm(c, i.rm);
    enter_mmx_state(c);
    c.r[i.reg] = byte_mask(&s, 1);
}
void pmovmskb_xmm(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    if (i.is_mem()) c.fault(vec::UD);
    c.r[i.reg] = byte_mask(c.sse.xmm[i.rm].q, 2);
}

}  // namespace

void register_mmx_ops(OpTableBuilder& b) {
    if (b.model.simd < Simd::Mmx) return;
    // Unpacks, packs and compares: 0F60-0F6D.
    b.op(0x160, "punpcklbw", kM, kPacked<Unpack<uint8_t, false>>);
    b.op(0x161, "punpcklwd", kM, kPacked<Unpack<uint16_t, false>>);
    b.op(0x162, "punpckldq", kM, kPacked<Unpack<uint32_t, false>>);
    b.op(0x163, "packsswb", kM, kPacked<Pack<int16_t, int8_t>>);
    b.op(0x164, "pcmpgtb", kM, kPacked<CmpGt<int8_t>>);
    b.op(0x165, "pcmpgtw", kM, kPacked<CmpGt<int16_t>>);
    b.op(0x166, "pcmpgtd", kM, kPacked<CmpGt<int32_t>>);
    b.op(0x167, "packuswb", kM, kPacked<Pack<int16_t, uint8_t>>);
    b.op(0x168, "punpckhbw", kM, kPacked<Unpack<uint8_t, true>>);
    b.op(0x169, "punpckhwd", kM, kPacked<Unpack<uint16_t, true>>);
    b.op(0x16A, "punpckhdq", kM, kPacked<Unpack<uint32_t, true>>);
    b.op(0x16B, "packssdw", kM, kPacked<Pack<int32_t, int16_t>>);
    b.op(0x16C, "punpcklqdq", kM, kXmmOnly<Unpack<uint64_t, false>>);
    b.op(0x16D, "punpckhqdq", kM, kXmmOnly<Unpack<uint64_t, true>>);
    b.op(0x16E, "movd", kM, &by_prefix<&movd_to_mm, &movd_to_xmm>);
    b.op(0x16F, "movq", kM, &by_prefix<&movq_load_mm, &movdq_load<true>, &movdq_load<false>>);
    b.op(0x170, "pshufw", M(Imm::Ib), &by_prefix<&pshufw, &pshuf_xmm<uint32_t, 0>, &pshuf_xmm<uint16_t, 4>,
                                                 &pshuf_xmm<uint16_t, 0>>);
    b.group(0x171, 2, "psrlw", M(Imm::Ib), kShiftImm<uint16_t, Shift::Right>);
    b.group(0x171, 4, "psraw", M(Imm::Ib), kShiftImm<uint16_t, Shift::RightArith>);
    b.group(0x171, 6, "psllw", M(Imm::Ib), kShiftImm<uint16_t, Shift::Left>);
    b.group(0x172, 2, "psrld", M(Imm::Ib), kShiftImm<uint32_t, Shift::Right>);
    b.group(0x172, 4, "psrad", M(Imm::Ib), kShiftImm<uint32_t, Shift::RightArith>);
    b.group(0x172, 6, "pslld", M(Imm::Ib), kShiftImm<uint32_t, Shift::Left>);
    b.group(0x173, 2, "psrlq", M(Imm::Ib), kShiftImm<uint64_t, Shift::Right>);
    b.group(0x173, 3, "psrldq", M(Imm::Ib), &by_prefix<nullptr, &xmm_shift_bytes<false>>);
    b.group(0x173, 6, "psllq", M(Imm::Ib), kShiftImm<uint64_t, Shift::Left>);
    b.group(0x173, 7, "pslldq", M(Imm::Ib), &by_prefix<nullptr, &xmm_shift_bytes<true>>);
    b.op(0x174, "pcmpeqb", kM, kPacked<CmpEq<uint8_t>>);
    b.op(0x175, "pcmpeqw", kM, kPacked<CmpEq<uint16_t>>);
    b.op(0x176, "pcmpeqd", kM, kPacked<CmpEq<uint32_t>>);
    b.op(0x177, "emms", kNone, &emms);
    b.op(0x17E, "movd", kM, &by_prefix<&movd_from_mm, &movd_from_xmm, &movq_to_xmm>);
    b.op(0x17F, "movq", kM, &by_prefix<&movq_store_mm, &movdq_store<true>, &movdq_store<false>>);
    b.op(0x1C4, "pinsrw", M(Imm::Ib), &by_prefix<&pinsrw_mm, &pinsrw_xmm>);
    b.op(0x1C5, "pextrw", M(Imm::Ib), &by_prefix<&pextrw_mm, &pextrw_xmm>);
    // 0FD1-0FFE: arithmetic, logic and shifts by register.
    b.op(0x1D1, "psrlw", kM, kPacked<ShiftBy<uint16_t, Shift::Right>>);
    b.op(0x1D2, "psrld", kM, kPacked<ShiftBy<uint32_t, Shift::Right>>);
    b.op(0x1D3, "psrlq", kM, kPacked<ShiftBy<uint64_t, Shift::Right>>);
    b.op(0x1D4, "paddq", kM, kPacked<Add<uint64_t>, Simd::Sse2>);
    b.op(0x1D5, "pmullw", kM, kPacked<MulLow>);
    b.op(0x1D6, "movq", kM, &by_prefix<nullptr, &movq_from_xmm, &movq2dq, &movdq2q>);
    b.op(0x1D7, "pmovmskb", kM, &by_prefix<&pmovmskb_mm, &pmovmskb_xmm>);
    b.op(0x1D8, "psubusb", kM, kPacked<SubSat<uint8_t>>);
    b.op(0x1D9, "psubusw", kM, kPacked<SubSat<uint16_t>>);
    b.op(0x1DA, "pminub", kM, kPacked<Min<uint8_t>, Simd::Sse>);
    b.op(0x1DB, "pand", kM, kPacked<And>);
    b.op(0x1DC, "paddusb", kM, kPacked<AddSat<uint8_t>>);
    b.op(0x1DD, "paddusw", kM, kPacked<AddSat<uint16_t>>);
    b.op(0x1DE, "pmaxub", kM, kPacked<Max<uint8_t>, Simd::Sse>);
    b.op(0x1DF, "pandn", kM, kPacked<AndNot>);
    b.op(0x1E0, "pavgb", kM, kPacked<Avg<uint8_t>, Simd::Sse>);
    b.op(0x1E1, "psraw", kM, kPacked<ShiftBy<uint16_t, Shift::RightArith>>);
    b.op(0x1E2, "psrad", kM, kPacked<ShiftBy<uint32_t, Shift::RightArith>>);
    b.op(0x1E3, "pavgw", kM, kPacked<Avg<uint16_t>, Simd::Sse>);
    b.op(0x1E4, "pmulhuw", kM, kPacked<MulHighUnsigned, Simd::Sse>);
    b.op(0x1E5, "pmulhw", kM, kPacked<MulHighSigned>);
    b.op(0x1E7, "movntq", kM, &by_prefix<&movntq, &movntdq>);
    b.op(0x1E8, "psubsb", kM, kPacked<SubSat<int8_t>>);
    b.op(0x1E9, "psubsw", kM, kPacked<SubSat<int16_t>>);
    b.op(0x1EA, "pminsw", kM, kPacked<Min<int16_t>, Simd::Sse>);
    b.op(0x1EB, "por", kM, kPacked<Or>);
    b.op(0x1EC, "paddsb", kM, kPacked<AddSat<int8_t>>);
    b.op(0x1ED, "paddsw", kM, kPacked<AddSat<int16_t>>);
    b.op(0x1EE, "pmaxsw", kM, kPacked<Max<int16_t>, Simd::Sse>);
    b.op(0x1EF, "pxor", kM, kPacked<Xor>);
    b.op(0x1F1, "psllw", kM, kPacked<ShiftBy<uint16_t, Shift::Left>>);
    b.op(0x1F2, "pslld", kM, kPacked<ShiftBy<uint32_t, Shift::Left>>);
    b.op(0x1F3, "psllq", kM, kPacked<ShiftBy<uint64_t, Shift::Left>>);
    b.op(0x1F4, "pmuludq", kM, kPacked<MulUdq, Simd::Sse2>);
    b.op(0x1F5, "pmaddwd", kM, kPacked<MulAdd>);
    b.op(0x1F6, "psadbw", kM, kPacked<SumAbsDiff, Simd::Sse>);
    b.op(0x1F7, "maskmovq", kM, &by_prefix<&maskmovq, &maskmovdqu>);
    b.op(0x1F8, "psubb", kM, kPacked<Sub<uint8_t>>);
    b.op(0x1F9, "psubw", kM, kPacked<Sub<uint16_t>>);
    b.op(0x1FA, "psubd", kM, kPacked<Sub<uint32_t>>);
    b.op(0x1FB, "psubq", kM, kPacked<Sub<uint64_t>, Simd::Sse2>);
    b.op(0x1FC, "paddb", kM, kPacked<Add<uint8_t>>);
    b.op(0x1FD, "paddw", kM, kPacked<Add<uint16_t>>);
    b.op(0x1FE, "paddd", kM, kPacked<Add<uint32_t>>);
}

}  // namespace amber
