// SSE and SSE2 on XMM registers: floating-point arithmetic, compares,
// conversions, logic, shuffles and the data moves (MOVAPS..MOVSD, MOVLPS..,
// MOVMSKPS). Single precision without a prefix (packed) or with F3
// (scalar); double precision with 66 (packed) or F2 (scalar). The
// arithmetic is cpu/fpu/ieee.*.
//
// Exceptions: every lane is computed under one environment; the flags are
// merged into MXCSR, and if one of them is unmasked the destination is left
// alone and the instruction raises #XM (CR4.OSXMMEXCPT=1) or #UD.
#include "cpu/fpu/ieee.hpp"
#include "cpu/simd_common.hpp"
#include "cpu/simd_lanes.hpp"

namespace amber {
namespace {
using namespace ops;
using namespace simd;
namespace ieee = fpu::ieee;
using ieee::Env;

// --------------------------------------------------------------- plumbing

template <typename B> constexpr Simd kLevel = sizeof(B) == 4 ? Simd::Sse : Simd::Sse2;

Env env_of(const Cpu& c) { return Env::from_mxcsr(c.sse.mxcsr); }

// Merges the flags; an unmasked one faults before anything is written. An
// unmasked exception found before computing (invalid, denormal, divide by
// zero) stops the instruction there: the lanes' overflow, underflow and
// precision results are then never reached, so their flags stay clear.
void finish(Cpu& c, const Env& env) {
    using namespace mxcsr_bit;
    const uint32_t masks = (c.sse.mxcsr & kMasks) >> kMaskShift;
    uint32_t flags = env.flags & kFlags;
    const uint32_t before_computing = flags & (IE | DE | ZE);
    if (before_computing & ~masks) flags = before_computing;
    c.sse.mxcsr |= flags;
    if (flags & ~masks) c.fault((c.cr4 & cr4_bit::OSXMMEXCPT) ? vec::XM : vec::UD);
}

// A scalar operand: lane 0 of an XMM register or sizeof(B) bytes of memory.
template <typename B> B scalar_rm(Cpu& c, const Insn& i) {
    if (!i.is_mem()) return get<B>(c.sse.xmm[i.rm].q, 0);
    if constexpr (sizeof(B) == 4) return c.read_mem<uint32_t>(i.seg, c.ea(i));
    else return read_m64(c, i);
}
template <typename B> constexpr unsigned kLanes = 16 / sizeof(B);

// ---------------------------------------------------------- arithmetic

template <typename B> using Binary = B (*)(B, B, Env&);
template <typename B> using Unary = B (*)(B, Env&);

template <typename B, Binary<B> Fn> void packed(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const Xmm s = xmm_rm(c, i);
    Xmm d = c.sse.xmm[i.reg];
    Env env = env_of(c);
    for (unsigned k = 0; k < kLanes<B>; ++k) put<B>(d.q, k, Fn(get<B>(d.q, k), get<B>(s.q, k), env));
    finish(c, env);
    c.sse.xmm[i.reg] = d;
}
template <typename B, Binary<B> Fn> void scalar(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const B s = scalar_rm<B>(c, i);
    Env env = env_of(c);
    const B r = Fn(get<B>(c.sse.xmm[i.reg].q, 0), s, env);
    finish(c, env);
    put<B>(c.sse.xmm[i.reg].q, 0, r);
}
template <typename B, Unary<B> Fn> void packed_unary(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const Xmm s = xmm_rm(c, i);
    Xmm d;
    Env env = env_of(c);
    for (unsigned k = 0; k < kLanes<B>; ++k) put<B>(d.q, k, Fn(get<B>(s.q, k), env));
    finish(c, env);
    c.sse.xmm[i.reg] = d;
}
template <typename B, Unary<B> Fn> void scalar_unary(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const B s = scalar_rm<B>(c, i);
    Env env = env_of(c);
    const B r = Fn(s, env);
    finish(c, env);
    put<B>(c.sse.xmm[i.reg].q, 0, r);
}

// ps, pd, ss, sd of one operation: the four prefixes of its opcode.
template <Binary<uint32_t> F32, Binary<uint64_t> F64>
constexpr Handler kArith = &by_prefix<&packed<uint32_t, F32>, &packed<uint64_t, F64>, &scalar<uint32_t, F32>,
                                      &scalar<uint64_t, F64>>;

// RCPPS/RSQRTPS (and SS): approximations; Amber answers with the correctly
// rounded value, which is within the documented error. They raise no
// exceptions; denormal operands read as zeros and tiny results are zeros.
uint32_t reciprocal(uint32_t a, Env&) {
    Env env;
    env.daz = env.ftz = true;
    return ieee::div<uint32_t>(0x3F800000, a, env);
}
uint32_t reciprocal_sqrt(uint32_t a, Env&) {
    Env env;
    env.daz = env.ftz = true;
    if ((a & 0x7FFFFFFF) == 0 || ((a & 0x7F800000) == 0)) return (a & 0x80000000) | 0x7F800000;  // +-0, denormals
    return ieee::div<uint32_t>(0x3F800000, ieee::sqrt<uint32_t>(a, env), env);
}

// ---------------------------------------------------------------- compares

// CMPccPS..: the predicate in imm8 bits 2-0; EQ, UNORD, NEQ and ORD are
// quiet (only an SNaN is invalid), LT, LE, NLT and NLE signal on any NaN.
template <typename B> B compare_mask(B a, B b, unsigned pred, Env& env) {
    const bool signaling = (pred & 3) == 1 || (pred & 3) == 2;
    const ieee::Order o = ieee::compare<B>(a, b, signaling, env);
    bool r = false;
    switch (pred & 7) {
    case 0: r = o == ieee::Order::Equal; break;
    case 1: r = o == ieee::Order::Less; break;
    case 2: r = o == ieee::Order::Less || o == ieee::Order::Equal; break;
    case 3: r = o == ieee::Order::Unordered; break;
    case 4: r = o != ieee::Order::Equal; break;
    case 5: r = o != ieee::Order::Less; break;
    case 6: r = !(o == ieee::Order::Less || o == ieee::Order::Equal); break;
    case 7: r = o != ieee::Order::Unordered; break;
    }
    return r ? B(~B(0)) : B(0);
}
template <typename B> void cmp_packed(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const Xmm s = xmm_rm(c, i);
    Xmm d = c.sse.xmm[i.reg];
    Env env = env_of(c);
    for (unsigned k = 0; k < kLanes<B>; ++k) put<B>(d.q, k, compare_mask<B>(get<B>(d.q, k), get<B>(s.q, k), i.imm, env));
    finish(c, env);
    c.sse.xmm[i.reg] = d;
}
template <typename B> void cmp_scalar(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const B s = scalar_rm<B>(c, i);
    Env env = env_of(c);
    const B r = compare_mask<B>(get<B>(c.sse.xmm[i.reg].q, 0), s, i.imm, env);
    finish(c, env);
    put<B>(c.sse.xmm[i.reg].q, 0, r);
}

// COMISS/UCOMISS/COMISD/UCOMISD: ZF PF CF = 111 unordered, 100 equal,
// 001 less, 000 greater; OF SF AF cleared.
template <typename B, bool Signaling> void comis(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const B s = scalar_rm<B>(c, i);
    Env env = env_of(c);
    const ieee::Order o = ieee::compare<B>(get<B>(c.sse.xmm[i.reg].q, 0), s, Signaling, env);
    finish(c, env);
    uint32_t f = 0;
    if (o == ieee::Order::Unordered) f = flag::ZF | flag::PF | flag::CF;
    else if (o == ieee::Order::Equal) f = flag::ZF;
    else if (o == ieee::Order::Less) f = flag::CF;
    c.flags.set_arith(f);
}

// ------------------------------------------------------------ conversions


// CVTSI2SS/CVTSI2SD xmm, r/m32.
template <typename B> void cvtsi2s(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const auto v = static_cast<int32_t>(read_rm<uint32_t>(c, i));
    Env env = env_of(c);
    const B r = ieee::from_int32<B>(v, env);
    finish(c, env);
    put<B>(c.sse.xmm[i.reg].q, 0, r);
}
// CVT(T)SS2SI/CVT(T)SD2SI r32, xmm/m.
template <typename B, bool Truncate> void cvts2si(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const B s = scalar_rm<B>(c, i);
    Env env = env_of(c);
    const int32_t r = ieee::to_int32<B>(s, Truncate, env);
    finish(c, env);
    c.r[i.reg] = static_cast<uint32_t>(r);
}
// CVTPI2PS xmm, mm/m64 (two lanes, upper half kept) and CVTPI2PD xmm, mm/m64.
// A register source is an MMX instruction (TOP=0, tags valid).
template <typename B> void cvtpi2p(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    if (!i.is_mem()) begin_mmx(c);
    const uint64_t s = mm_rm(c, i);
    Xmm d = c.sse.xmm[i.reg];
    Env env = env_of(c);
    for (unsigned k = 0; k < 2; ++k) put<B>(d.q, k, ieee::from_int32<B>(static_cast<int32_t>(s >> (32 * k)), env));
    finish(c, env);
    if (!i.is_mem()) enter_mmx_state(c);
    c.sse.xmm[i.reg] = d;
}
// CVT(T)PS2PI mm, xmm/m64 and CVT(T)PD2PI mm, xmm/m128.
template <typename B, bool Truncate> void cvtp2pi(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    begin_mmx(c);
    Xmm s;
    if (sizeof(B) == 4 && i.is_mem()) s.q[0] = read_m64(c, i);
    else s = xmm_rm(c, i);
    Env env = env_of(c);
    uint64_t r = 0;
    for (unsigned k = 0; k < 2; ++k)
        r |= uint64_t(static_cast<uint32_t>(ieee::to_int32<B>(get<B>(s.q, k), Truncate, env))) << (32 * k);
    finish(c, env);
    enter_mmx_state(c);
    set_mm(c, i.reg, r);
}
// CVTDQ2PS, CVTPS2DQ, CVTTPS2DQ: four lanes.
void cvtdq2ps(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const Xmm s = xmm_rm(c, i);
    Xmm d;
    Env env = env_of(c);
    for (unsigned k = 0; k < 4; ++k) put<uint32_t>(d.q, k, ieee::from_int32<uint32_t>(get<int32_t>(s.q, k), env));
    finish(c, env);
    c.sse.xmm[i.reg] = d;
}
template <bool Truncate> void cvtps2dq(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const Xmm s = xmm_rm(c, i);
    Xmm d;
    Env env = env_of(c);
    for (unsigned k = 0; k < 4; ++k) put<int32_t>(d.q, k, ieee::to_int32<uint32_t>(get<uint32_t>(s.q, k), Truncate, env));
    finish(c, env);
    c.sse.xmm[i.reg] = d;
}
// CVTPD2DQ, CVTTPD2DQ: two lanes, the upper quadword cleared.
template <bool Truncate> void cvtpd2dq(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const Xmm s = xmm_rm(c, i);
    Xmm d;
    Env env = env_of(c);
    for (unsigned k = 0; k < 2; ++k) put<int32_t>(d.q, k, ieee::to_int32<uint64_t>(get<uint64_t>(s.q, k), Truncate, env));
    finish(c, env);
    c.sse.xmm[i.reg] = d;
}
// CVTDQ2PD xmm, xmm/m64: exact.
void cvtdq2pd(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const uint64_t s = i.is_mem() ? read_m64(c, i) : c.sse.xmm[i.rm].q[0];
    Xmm d;
    Env env = env_of(c);
    for (unsigned k = 0; k < 2; ++k) put<uint64_t>(d.q, k, ieee::from_int32<uint64_t>(static_cast<int32_t>(s >> (32 * k)), env));
    c.sse.xmm[i.reg] = d;
}
// CVTPS2PD xmm, xmm/m64 and CVTPD2PS xmm, xmm/m128 (upper quadword cleared).
void cvtps2pd(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const uint64_t s = i.is_mem() ? read_m64(c, i) : c.sse.xmm[i.rm].q[0];
    Xmm d;
    Env env = env_of(c);
    for (unsigned k = 0; k < 2; ++k) d.q[k] = ieee::widen(static_cast<uint32_t>(s >> (32 * k)), env);
    finish(c, env);
    c.sse.xmm[i.reg] = d;
}
void cvtpd2ps(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const Xmm s = xmm_rm(c, i);
    Xmm d;
    Env env = env_of(c);
    for (unsigned k = 0; k < 2; ++k) put<uint32_t>(d.q, k, ieee::narrow(s.q[k], env));
    finish(c, env);
    c.sse.xmm[i.reg] = d;
}
// CVTSS2SD / CVTSD2SS: lane 0, the rest kept.
void cvtss2sd(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const uint32_t s = scalar_rm<uint32_t>(c, i);
    Env env = env_of(c);
    const uint64_t r = ieee::widen(s, env);
    finish(c, env);
    c.sse.xmm[i.reg].q[0] = r;
}
void cvtsd2ss(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const uint64_t s = scalar_rm<uint64_t>(c, i);
    Env env = env_of(c);
    const uint32_t r = ieee::narrow(s, env);
    finish(c, env);
    put<uint32_t>(c.sse.xmm[i.reg].q, 0, r);
}

// ------------------------------------------------------ logic and shuffles

template <typename Op, typename B> void logic(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const Xmm s = xmm_rm(c, i);
    Op::run(c.sse.xmm[i.reg].q, s.q, 2);
}
template <typename Op> constexpr Handler kLogic = &by_prefix<&logic<Op, uint32_t>, &logic<Op, uint64_t>>;

template <typename B, bool High> void unpack_fp(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const Xmm s = xmm_rm(c, i);
    Unpack<B, High>::run(c.sse.xmm[i.reg].q, s.q, 2);
}
void shufps(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse);
    const Xmm s = xmm_rm(c, i), d = c.sse.xmm[i.reg];
    Xmm r;
    const unsigned imm = i.imm & 0xFF;
    put<uint32_t>(r.q, 0, get<uint32_t>(d.q, imm & 3));
    put<uint32_t>(r.q, 1, get<uint32_t>(d.q, (imm >> 2) & 3));
    put<uint32_t>(r.q, 2, get<uint32_t>(s.q, (imm >> 4) & 3));
    put<uint32_t>(r.q, 3, get<uint32_t>(s.q, (imm >> 6) & 3));
    c.sse.xmm[i.reg] = r;
}
void shufpd(Cpu& c, const Insn& i) {
    begin_sse(c, Simd::Sse2);
    const Xmm s = xmm_rm(c, i), d = c.sse.xmm[i.reg];
    c.sse.xmm[i.reg] = Xmm{{d.q[i.imm & 1], s.q[(i.imm >> 1) & 1]}};
}

// ------------------------------------------------------------------ moves

// MOVUPS/MOVUPD/MOVAPS/MOVAPD, both directions.
template <typename B, bool Aligned> void movp_load(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    c.sse.xmm[i.reg] = xmm_rm(c, i, Aligned);
}
template <typename B, bool Aligned> void movp_store(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    if (i.is_mem()) write_m128(c, i, c.sse.xmm[i.reg], Aligned);
    else c.sse.xmm[i.rm] = c.sse.xmm[i.reg];
}
// MOVSS/MOVSD: between registers only lane 0 moves; from memory the rest is cleared.
template <typename B> void movs_load(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const B v = scalar_rm<B>(c, i);
    if (i.is_mem()) c.sse.xmm[i.reg] = Xmm{};
    put<B>(c.sse.xmm[i.reg].q, 0, v);
}
template <typename B> void movs_store(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    const B v = get<B>(c.sse.xmm[i.reg].q, 0);
    if (!i.is_mem()) put<B>(c.sse.xmm[i.rm].q, 0, v);
    else if constexpr (sizeof(B) == 4) c.write_mem<uint32_t>(i.seg, c.ea(i), v);
    else write_m64(c, i, v);
}
// MOVLPS/MOVLPD xmm, m64 (register form: MOVHLPS) and MOVHPS/MOVHPD xmm,
// m64 (register form: MOVLHPS); the stores of one half.
template <typename B, unsigned Half> void movhl_load(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    if (!i.is_mem()) {
        if (sizeof(B) == 8) c.fault(vec::UD);  // 66 forms take memory only
        c.sse.xmm[i.reg].q[Half] = c.sse.xmm[i.rm].q[1 - Half];
        return;
    }
    c.sse.xmm[i.reg].q[Half] = read_m64(c, i);
}
template <typename B, unsigned Half> void movhl_store(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    if (!i.is_mem()) c.fault(vec::UD);
    write_m64(c, i, c.sse.xmm[i.reg].q[Half]);
}
// MOVNTPS/MOVNTPD m128, xmm.
template <typename B> void movntp(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    if (!i.is_mem()) c.fault(vec::UD);
    write_m128(c, i, c.sse.xmm[i.reg], true);
}
// MOVNTI m32, r32.
void movnti(Cpu& c, const Insn& i) {
    if (c.traits().simd < Simd::Sse2 || !i.is_mem()) c.fault(vec::UD);
    c.write_mem<uint32_t>(i.seg, c.ea(i), c.r[i.reg]);
}
// MOVMSKPS/MOVMSKPD r32, xmm: the sign bits.
template <typename B> void movmskp(Cpu& c, const Insn& i) {
    begin_sse(c, kLevel<B>);
    if (i.is_mem()) c.fault(vec::UD);
    uint32_t m = 0;
    for (unsigned k = 0; k < kLanes<B>; ++k) m |= uint32_t(get<B>(c.sse.xmm[i.rm].q, k) >> (8 * sizeof(B) - 1)) << k;
    c.r[i.reg] = m;
}

}  // namespace

void register_sse_ops(OpTableBuilder& b) {
    if (b.model.simd < Simd::Sse) return;
    using f32 = uint32_t;
    using f64 = uint64_t;
    b.op(0x110, "movups", kM, &by_prefix<&movp_load<f32, false>, &movp_load<f64, false>, &movs_load<f32>, &movs_load<f64>>);
    b.op(0x111, "movups", kM, &by_prefix<&movp_store<f32, false>, &movp_store<f64, false>, &movs_store<f32>, &movs_store<f64>>);
    b.op(0x112, "movlps", kM, &by_prefix<&movhl_load<f32, 0>, &movhl_load<f64, 0>>);
    b.op(0x113, "movlps", kM, &by_prefix<&movhl_store<f32, 0>, &movhl_store<f64, 0>>);
    b.op(0x114, "unpcklps", kM, &by_prefix<&unpack_fp<f32, false>, &unpack_fp<f64, false>>);
    b.op(0x115, "unpckhps", kM, &by_prefix<&unpack_fp<f32, true>, &unpack_fp<f64, true>>);
    b.op(0x116, "movhps", kM, &by_prefix<&movhl_load<f32, 1>, &movhl_load<f64, 1>>);
    b.op(0x117, "movhps", kM, &by_prefix<&movhl_store<f32, 1>, &movhl_store<f64, 1>>);
    b.op(0x128, "movaps", kM, &by_prefix<&movp_load<f32, true>, &movp_load<f64, true>>);
    b.op(0x129, "movaps", kM, &by_prefix<&movp_store<f32, true>, &movp_store<f64, true>>);
    b.op(0x12A, "cvtpi2ps", kM, &by_prefix<&cvtpi2p<f32>, &cvtpi2p<f64>, &cvtsi2s<f32>, &cvtsi2s<f64>>);
    b.op(0x12B, "movntps", kM, &by_prefix<&movntp<f32>, &movntp<f64>>);
    b.op(0x12C, "cvttps2pi", kM, &by_prefix<&cvtp2pi<f32, true>, &cvtp2pi<f64, true>, &cvts2si<f32, true>, &cvts2si<f64, true>>);
    b.op(0x12D, "cvtps2pi", kM, &by_prefix<&cvtp2pi<f32, false>, &cvtp2pi<f64, false>, &cvts2si<f32, false>, &cvts2si<f64, false>>);
    b.op(0x12E, "ucomiss", kM, &by_prefix<&comis<f32, false>, &comis<f64, false>>);
    b.op(0x12F, "comiss", kM, &by_prefix<&comis<f32, true>, &comis<f64, true>>);
    b.op(0x150, "movmskps", kM, &by_prefix<&movmskp<f32>, &movmskp<f64>>);
    b.op(0x151, "sqrtps", kM, &by_prefix<&packed_unary<f32, &ieee::sqrt<f32>>, &packed_unary<f64, &ieee::sqrt<f64>>,
                                         &scalar_unary<f32, &ieee::sqrt<f32>>, &scalar_unary<f64, &ieee::sqrt<f64>>>);
    b.op(0x152, "rsqrtps", kM, &by_prefix<&packed_unary<f32, &reciprocal_sqrt>, nullptr, &scalar_unary<f32, &reciprocal_sqrt>>);
    b.op(0x153, "rcpps", kM, &by_prefix<&packed_unary<f32, &reciprocal>, nullptr, &scalar_unary<f32, &reciprocal>>);
    b.op(0x154, "andps", kM, kLogic<And>);
    b.op(0x155, "andnps", kM, kLogic<AndNot>);
    b.op(0x156, "orps", kM, kLogic<Or>);
    b.op(0x157, "xorps", kM, kLogic<Xor>);
    b.op(0x158, "addps", kM, kArith<&ieee::add<f32>, &ieee::add<f64>>);
    b.op(0x159, "mulps", kM, kArith<&ieee::mul<f32>, &ieee::mul<f64>>);
    b.op(0x15A, "cvtps2pd", kM, &by_prefix<&cvtps2pd, &cvtpd2ps, &cvtss2sd, &cvtsd2ss>);
    b.op(0x15B, "cvtdq2ps", kM, &by_prefix<&cvtdq2ps, &cvtps2dq<false>, &cvtps2dq<true>>);
    b.op(0x15C, "subps", kM, kArith<&ieee::sub<f32>, &ieee::sub<f64>>);
    b.op(0x15D, "minps", kM, kArith<&ieee::min<f32>, &ieee::min<f64>>);
    b.op(0x15E, "divps", kM, kArith<&ieee::div<f32>, &ieee::div<f64>>);
    b.op(0x15F, "maxps", kM, kArith<&ieee::max<f32>, &ieee::max<f64>>);
    b.op(0x1C2, "cmpps", M(Imm::Ib), &by_prefix<&cmp_packed<f32>, &cmp_packed<f64>, &cmp_scalar<f32>, &cmp_scalar<f64>>);
    b.op(0x1C3, "movnti", kM, &movnti);
    b.op(0x1C6, "shufps", M(Imm::Ib), &by_prefix<&shufps, &shufpd>);
    b.op(0x1E6, "cvttpd2dq", kM, &by_prefix<nullptr, &cvtpd2dq<true>, &cvtdq2pd, &cvtpd2dq<false>>);
}

}  // namespace amber
