// The x87 instructions (ESC opcodes D8-DF, and WAIT) on the 486 and later,
// which have the FPU on chip. Each handler follows the SDM's description:
// check the stack (underflow/overflow are stack faults with masked
// responses), run the arithmetic core (cpu/fpu), merge its flags into FSW
// and write the result unless an unmasked exception suppresses it.
//
// Ordering: every memory operand is read, and every memory result written,
// before the FPU state changes, so an instruction that faults on its
// operand (#GP, #SS, #PF) leaves the FPU as it was.
#include <cstring>

#include "cpu/ops_common.hpp"
#include "cpu/x87.hpp"
#include "cpu/x87_env.hpp"

namespace amber {
namespace {
using namespace ops;
using fpu::Float80;
using fpu::FpuEnv;
using fpu::kIndefinite;

// ---------------------------------------------------------------- plumbing

// FERR# follows FSW.ES down: dropped once the error is gone (FNCLEX, FNINIT,
// or a loaded FSW/FCW with nothing unmasked pending), so the next error
// makes a fresh FERR# edge and a new IRQ13.
void settle_ferr(Cpu& c) {
    if (c.ferr() && !c.x87.error_pending()) c.drive_ferr(false);
}

// What every ESC instruction checks first: #NM when there is no FPU to use
// (EM) or its state belongs to another task (TS); then, unless it is one of
// the no-wait control forms, a pending unmasked exception.
void begin(Cpu& c, bool waits) {
    if (c.cr0 & (cr0_bit::EM | cr0_bit::TS)) c.fault(vec::NM);
    settle_ferr(c);  // ES may have been cleared since (FLDENV, FRSTOR, FNSAVE, FLDCW, FXRSTOR)
    if (waits && c.x87.error_pending()) c.signal_x87_error();
}

// Remembers the instruction for FNSTENV/FNSAVE (control instructions do not).
void note_instruction(Cpu& c, const Insn& i) {
    X87State& x = c.x87;
    x.fip = c.eip;
    x.fcs = c.seg[CS].selector;
    x.fop = static_cast<uint16_t>(((i.op & 7) << 8) | i.modrm);
    if (i.is_mem()) {
        x.fdp = c.ea(i);
        x.fds = c.seg[i.seg].selector;
    }
}

// A non-control instruction: #NM/#MF checks and the pointer update.
void begin_arith(Cpu& c, const Insn& i) {
    begin(c, true);
    note_instruction(c, i);
}

uint32_t operand_offset(Cpu& c, const Insn& i, unsigned add) {
    const uint32_t a = c.ea(i) + add;
    return i.a32() ? a : (a & 0xFFFF);
}

// Memory operands of any size as little-endian bytes. Wider than a dword,
// the whole operand is checked before the first part is read or written.
void read_operand(Cpu& c, const Insn& i, uint8_t* bytes, unsigned n) {
    if (n > 4) (void)c.read_mem<uint8_t>(i.seg, operand_offset(c, i, n - 1));
    for (unsigned k = 0; k < n;) {
        if (n - k >= 4) {
            store_le<uint32_t>(bytes + k, c.read_mem<uint32_t>(i.seg, operand_offset(c, i, k)));
            k += 4;
        } else {
            store_le<uint16_t>(bytes + k, c.read_mem<uint16_t>(i.seg, operand_offset(c, i, k)));
            k += 2;
        }
    }
}
void write_operand(Cpu& c, const Insn& i, const uint8_t* bytes, unsigned n) {
    if (n > 4) {
        c.check_segment_access(i.seg, c.ea(i), n, true);
        c.probe_write(c.seg[i.seg].base + c.ea(i), n);
    }
    for (unsigned k = 0; k < n;) {
        if (n - k >= 4) {
            c.write_mem<uint32_t>(i.seg, operand_offset(c, i, k), load_le<uint32_t>(bytes + k));
            k += 4;
        } else {
            c.write_mem<uint16_t>(i.seg, operand_offset(c, i, k), load_le<uint16_t>(bytes + k));
            k += 2;
        }
    }
}
uint64_t read_int(Cpu& c, const Insn& i, unsigned n) {
    uint8_t b[8] = {};
    read_operand(c, i, b, n);
    return load_le<uint64_t>(b);
}
void write_int(Cpu& c, const Insn& i, uint64_t v, unsigned n) {
    uint8_t b[8];
    store_le<uint64_t>(b, v);
    write_operand(c, i, b, n);
}

// Pushes v (computed under env): a full stack overflows, and the masked
// response pushes the indefinite instead.
void push_value(X87State& x, Float80 v, const FpuEnv& env) {
    if (x.full()) {
        if (x.stack_fault(true)) x.push(kIndefinite);
        return;
    }
    if (x.commit(env)) x.push(v);
}

// ------------------------------------------------------------- arithmetic

// The ModRM reg field of D8/DC/DA/DE, in the manual's order.
enum class Arith : uint8_t { Add, Mul, Com, Comp, Sub, Subr, Div, Divr };

Float80 apply(Arith op, Float80 a, Float80 b, FpuEnv& env) {
    switch (op) {
    case Arith::Add: return fpu::add(a, b, env);
    case Arith::Mul: return fpu::mul(a, b, env);
    case Arith::Sub: return fpu::sub(a, b, env);
    case Arith::Subr: return fpu::sub(b, a, env);
    case Arith::Div: return fpu::div(a, b, env);
    case Arith::Divr: return fpu::div(b, a, env);
    default: return a;
    }
}

// FCOM/FCOMP/FUCOM..: C3 C2 C0 from comparing ST(0) with src, C1 cleared.
// An empty operand is a stack underflow answered with "unordered".
void compare_st0(X87State& x, bool src_ok, Float80 src, bool unordered_ok, FpuEnv& env, unsigned pops) {
    if (x.empty(0) || !src_ok) {
        if (!x.stack_fault(false)) return;
        x.set_cc(fpu::kC3 | fpu::kC2 | fpu::kC0);
    } else {
        const fpu::Relation r = fpu::compare(x.st(0), src, unordered_ok, env);
        x.commit(env, false);
        x.set_c1(false);
        if (env.suppressed) return;
        x.set_cc(fpu::condition_bits(r));
    }
    for (unsigned p = 0; p < pops; ++p) x.pop();
}

// ST(0) = ST(0) op src (or a compare), src from memory or ST(i).
void arith_st0(X87State& x, Arith op, bool src_ok, Float80 src, FpuEnv& env) {
    if (op == Arith::Com || op == Arith::Comp) {
        compare_st0(x, src_ok, src, false, env, op == Arith::Comp ? 1 : 0);
        return;
    }
    if (x.empty(0) || !src_ok) {
        if (x.stack_fault(false)) x.set(0, kIndefinite);
        return;
    }
    const Float80 r = apply(op, x.st(0), src, env);
    if (x.commit(env)) x.set(0, r);
}

// ST(i) = ST(i) op ST(0), then pop for the DE forms.
void arith_sti(X87State& x, Arith op, unsigned i, bool pop) {
    if (x.empty(0) || x.empty(i)) {
        if (!x.stack_fault(false)) return;
        x.set(i, kIndefinite);
    } else {
        FpuEnv env = x.env();
        const Float80 r = apply(op, x.st(i), x.st(0), env);
        if (!x.commit(env)) return;
        x.set(i, r);
    }
    if (pop) x.pop();
}

// DC and DE name their register forms from ST(i)'s side: DC E0+i is FSUBR
// "ST(i) = ST(0) - ST(i)", so with ST(i) as the first operand the
// reversed and plain operations trade places.
Arith from_sti_side(Arith op) {
    switch (op) {
    case Arith::Sub: return Arith::Subr;
    case Arith::Subr: return Arith::Sub;
    case Arith::Div: return Arith::Divr;
    case Arith::Divr: return Arith::Div;
    default: return op;
    }
}

// The memory forms: m32real (D8), m64real (DC), m32int (DA), m16int (DE).
enum class MemSrc : uint8_t { F32, F64, I32, I16 };

void arith_mem(Cpu& c, const Insn& i, MemSrc kind) {
    begin_arith(c, i);
    X87State& x = c.x87;
    FpuEnv env = x.env();
    Float80 src;
    switch (kind) {
    case MemSrc::F32: src = fpu::from_f32(static_cast<uint32_t>(read_int(c, i, 4)), env, true); break;
    case MemSrc::F64: src = fpu::from_f64(read_int(c, i, 8), env, true); break;
    case MemSrc::I32: src = fpu::from_int(static_cast<int32_t>(read_int(c, i, 4))); break;
    case MemSrc::I16: src = fpu::from_int(static_cast<int16_t>(read_int(c, i, 2))); break;
    }
    if (env.suppressed) {
        x.commit(env);
        return;
    }
    arith_st0(x, static_cast<Arith>(i.reg), true, src, env);
}

// FCOMI/FUCOMI(P): ZF PF CF instead of the condition codes.
void compare_eflags(Cpu& c, unsigned i, bool unordered_ok, bool pop) {
    X87State& x = c.x87;
    uint32_t bits;
    if (x.empty(0) || x.empty(i)) {
        if (!x.stack_fault(false)) return;
        bits = flag::ZF | flag::PF | flag::CF;
    } else {
        FpuEnv env = x.env();
        const fpu::Relation r = fpu::compare(x.st(0), x.st(i), unordered_ok, env);
        x.commit(env, false);
        if (env.suppressed) return;
        bits = fpu::eflags_bits(r);
    }
    // OF, SF and AF are cleared, as COMISS does.
    c.flags.set_arith(bits);
    if (pop) x.pop();
}

// FCMOVcc: the EFLAGS conditions B, E, BE, U (DA) and their negations (DB).
void fcmov(Cpu& c, const Insn& i, bool negate) {
    static constexpr unsigned kCc[4] = {0x2, 0x4, 0x6, 0xA};  // Jcc numbering: B, E, BE, P
    X87State& x = c.x87;
    if (x.empty(0) || x.empty(i.rm)) {
        if (x.stack_fault(false)) x.set(0, kIndefinite);
        return;
    }
    if (condition(c, kCc[i.reg & 3] | (negate ? 1u : 0u))) x.set(0, x.st(i.rm));
}

// ----------------------------------------------------- loads and stores

// Stores ST(0) in `size` bytes through `convert`; an empty ST(0) stores the
// format's indefinite. With IE, OE or UE unmasked nothing is stored or popped.
template <typename Convert>
void store_st0(Cpu& c, const Insn& i, unsigned size, const uint8_t* indefinite, bool pop, Convert convert) {
    X87State& x = c.x87;
    uint8_t bytes[10];
    if (x.empty(0)) {
        if (!(x.fcw & fpu::exc::IE)) {
            x.stack_fault(false);
            return;
        }
        write_operand(c, i, indefinite, size);
        x.stack_fault(false);
    } else {
        FpuEnv env = x.env();
        convert(x.st(0), env, bytes);
        const bool store = !(env.unmasked() & (fpu::exc::IE | fpu::exc::OE | fpu::exc::UE));
        if (store) write_operand(c, i, bytes, size);
        x.commit(env);
        if (!store) return;
    }
    if (pop) x.pop();
}

constexpr uint8_t kF32Indefinite[4] = {0x00, 0x00, 0xC0, 0xFF};
constexpr uint8_t kF64Indefinite[8] = {0, 0, 0, 0, 0, 0, 0xF8, 0xFF};
constexpr uint8_t kF80Indefinite[10] = {0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF};
constexpr uint8_t kI16Indefinite[2] = {0x00, 0x80};
constexpr uint8_t kI32Indefinite[4] = {0, 0, 0, 0x80};
constexpr uint8_t kI64Indefinite[8] = {0, 0, 0, 0, 0, 0, 0, 0x80};
constexpr uint8_t kBcdIndefinite[10] = {0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF};

void store_f32(Cpu& c, const Insn& i, bool pop) {
    store_st0(c, i, 4, kF32Indefinite, pop,
              [](Float80 v, FpuEnv& e, uint8_t* b) { store_le<uint32_t>(b, fpu::to_f32(v, e)); });
}
void store_f64(Cpu& c, const Insn& i, bool pop) {
    store_st0(c, i, 8, kF64Indefinite, pop,
              [](Float80 v, FpuEnv& e, uint8_t* b) { store_le<uint64_t>(b, fpu::to_f64(v, e)); });
}
void store_int(Cpu& c, const Insn& i, unsigned bits, bool pop) {
    const uint8_t* ind = bits == 16 ? kI16Indefinite : bits == 32 ? kI32Indefinite : kI64Indefinite;
    store_st0(c, i, bits / 8, ind, pop, [bits](Float80 v, FpuEnv& e, uint8_t* b) {
        store_le<uint64_t>(b, static_cast<uint64_t>(fpu::to_int(v, bits, e)));
    });
}
// FSTP m80: the register image as it is; no exception but the stack fault.
void store_f80(Cpu& c, const Insn& i) {
    store_st0(c, i, 10, kF80Indefinite, true, [](Float80 v, FpuEnv&, uint8_t* b) { v.store(b); });
}
void store_bcd(Cpu& c, const Insn& i) {
    store_st0(c, i, 10, kBcdIndefinite, true, [](Float80 v, FpuEnv& e, uint8_t* b) { fpu::to_bcd(v, e, b); });
}

enum class MemLoad : uint8_t { F32, F64, F80, I16, I32, I64, Bcd };

void load_mem(Cpu& c, const Insn& i, MemLoad kind) {
    X87State& x = c.x87;
    FpuEnv env = x.env();
    uint8_t b[10] = {};
    Float80 v;
    switch (kind) {
    case MemLoad::F32: v = fpu::from_f32(static_cast<uint32_t>(read_int(c, i, 4)), env); break;
    case MemLoad::F64: v = fpu::from_f64(read_int(c, i, 8), env); break;
    case MemLoad::F80: read_operand(c, i, b, 10); v = Float80::load(b); break;
    case MemLoad::I16: v = fpu::from_int(static_cast<int16_t>(read_int(c, i, 2))); break;
    case MemLoad::I32: v = fpu::from_int(static_cast<int32_t>(read_int(c, i, 4))); break;
    case MemLoad::I64: v = fpu::from_int(static_cast<int64_t>(read_int(c, i, 8))); break;
    case MemLoad::Bcd: read_operand(c, i, b, 10); v = fpu::from_bcd(b); break;
    }
    push_value(x, v, env);
}

// FLD ST(i): an empty source pushes the indefinite (a full stack overflows).
void load_sti(X87State& x, unsigned i) {
    if (x.empty(i)) {
        if (x.stack_fault(x.full())) x.push(kIndefinite);
        return;
    }
    push_value(x, x.st(i), x.env());
}

// FST/FSTP ST(i).
void store_sti(X87State& x, unsigned i, bool pop) {
    if (x.empty(0)) {
        if (!x.stack_fault(false)) return;
        x.set(i, kIndefinite);
    } else {
        x.set(i, x.st(0));
        x.set_c1(false);
    }
    if (pop) x.pop();
}

// FXCH: empty registers take part as the indefinite (masked underflow).
void exchange(X87State& x, unsigned i) {
    if (x.empty(0) || x.empty(i)) {
        if (!x.stack_fault(false)) return;
        if (x.empty(0)) x.set(0, kIndefinite);
        if (x.empty(i)) x.set(i, kIndefinite);
    } else {
        x.set_c1(false);
    }
    const Float80 t = x.st(0);
    x.set(0, x.st(i));
    x.set(i, t);
}

// ------------------------------------------------------ one-operand forms

template <typename F> void unary(X87State& x, F f) {
    if (x.empty(0)) {
        if (x.stack_fault(false)) x.set(0, kIndefinite);
        return;
    }
    FpuEnv env = x.env();
    const Float80 r = f(x.st(0), env);
    if (x.commit(env)) x.set(0, r);
}

// ST(1) = f(ST(1), ST(0)), pop: FYL2X, FYL2XP1, FPATAN.
template <typename F> void binary_pop(X87State& x, F f) {
    if (x.empty(0) || x.empty(1)) {
        if (!x.stack_fault(false)) return;
        x.set(1, kIndefinite);
        x.pop();
        return;
    }
    FpuEnv env = x.env();
    const Float80 r = f(x.st(1), x.st(0), env);
    if (x.commit(env)) {
        x.set(1, r);
        x.pop();
    }
}

void ftst(X87State& x) {
    FpuEnv env = x.env();
    compare_st0(x, true, fpu::zero(false), false, env, 0);
}

void fscale(X87State& x) {
    if (x.empty(0) || x.empty(1)) {
        if (x.stack_fault(false)) x.set(0, kIndefinite);
        return;
    }
    FpuEnv env = x.env();
    const Float80 r = fpu::scale(x.st(0), x.st(1), env);
    if (x.commit(env)) x.set(0, r);
}

void fprem(X87State& x, bool ieee) {
    if (x.empty(0) || x.empty(1)) {
        if (!x.stack_fault(false)) return;
        x.set(0, kIndefinite);
        x.fsw &= static_cast<uint16_t>(~fpu::kC2);
        return;
    }
    FpuEnv env = x.env();
    const fpu::Remainder r = ieee ? fpu::prem1(x.st(0), x.st(1), env) : fpu::prem(x.st(0), x.st(1), env);
    if (!x.commit(env, false)) return;
    x.set(0, r.value);
    x.set_cc(r.condition, r.condition_mask);
}

void fxtract(X87State& x) {
    if (x.empty(0) || x.full()) {
        if (!x.stack_fault(!x.empty(0))) return;
        x.set(0, kIndefinite);
        x.push(kIndefinite);
        return;
    }
    FpuEnv env = x.env();
    const fpu::Extracted r = fpu::extract(x.st(0), env);
    if (x.commit(env)) {
        x.set(0, r.exponent);
        x.push(r.significand);
    }
}

// FSIN/FCOS: out of range (C2) leaves ST(0) alone.
void trig(X87State& x, bool cosine) {
    if (x.empty(0)) {
        if (!x.stack_fault(false)) return;
        x.set(0, kIndefinite);
        x.fsw &= static_cast<uint16_t>(~fpu::kC2);
        return;
    }
    FpuEnv env = x.env();
    const fpu::Trig r = cosine ? fpu::cos(x.st(0), env) : fpu::sin(x.st(0), env);
    x.set_cc(r.out_of_range ? fpu::kC2 : 0, fpu::kC2);
    if (r.out_of_range) return;
    if (x.commit(env)) x.set(0, r.value);
}

// FSINCOS and FPTAN: ST(0) <- first, then push second.
void trig_pair(X87State& x, bool tangent) {
    if (x.empty(0) || x.full()) {
        if (!x.stack_fault(!x.empty(0))) return;
        x.fsw &= static_cast<uint16_t>(~fpu::kC2);
        x.set(0, kIndefinite);
        x.push(kIndefinite);
        return;
    }
    FpuEnv env = x.env();
    const fpu::TrigPair r = tangent ? fpu::tan(x.st(0), env) : fpu::sincos(x.st(0), env);
    x.set_cc(r.out_of_range ? fpu::kC2 : 0, fpu::kC2);
    if (r.out_of_range) return;
    if (x.commit(env)) {
        x.set(0, r.first);
        x.push(r.second);
    }
}

// ----------------------------------------------------- control registers

void fldcw(Cpu& c, const Insn& i) {
    c.x87.fcw = loaded_fcw(static_cast<uint16_t>(read_int(c, i, 2)));
    c.x87.update_error_summary();
}
// FNCLEX: exception flags, SF, ES and B.
void fnclex(X87State& x) { x.fsw &= static_cast<uint16_t>(~(fpu::exc::kAll | fsw_bit::SF | fsw_bit::ES | fsw_bit::B)); }

// ------------------------------------------ environment and whole state

// The image layout follows the operand size and the mode: v86 uses the
// real-mode one.
X87EnvFormat env_format(const Cpu& c, const Insn& i) {
    return X87EnvFormat{i.o32(), !c.protected_mode() || c.v86()};
}

// FNSTENV: store, then mask every exception so that a handler runs
// undisturbed: ES and B clear, since no flag is left unmasked.
// write_operand checks the whole image before writing any of it, so a
// fault leaves both memory and the FPU as they were.
void fnstenv(Cpu& c, const Insn& i) {
    const X87EnvFormat f = env_format(c, i);
    uint8_t image[28];
    store_x87_env(c.x87, f, image);
    write_operand(c, i, image, f.env_size());
    c.x87.fcw |= fpu::exc::kAll;
    c.x87.update_error_summary();
}

// FNSAVE: store everything, then FNINIT.
void fnsave(Cpu& c, const Insn& i) {
    const X87EnvFormat f = env_format(c, i);
    uint8_t image[108];
    store_x87_save(c.x87, f, image);
    write_operand(c, i, image, f.save_size());
    c.x87.init();
}

// FLDENV/FRSTOR read the whole image before changing anything.
void fldenv(Cpu& c, const Insn& i) {
    const X87EnvFormat f = env_format(c, i);
    uint8_t image[28];
    read_operand(c, i, image, f.env_size());
    load_x87_env(c.x87, f, image);
}

void frstor(Cpu& c, const Insn& i) {
    const X87EnvFormat f = env_format(c, i);
    uint8_t image[108];
    read_operand(c, i, image, f.save_size());
    load_x87_save(c.x87, f, image);
}

// ----------------------------------------------------- the eight opcodes

[[noreturn]] void undefined(Cpu& c) { c.fault(vec::UD); }
bool has_p6_forms(const Cpu& c) { return c.model() >= CpuModel::p6; }

void esc_d8(Cpu& c, const Insn& i) {
    if (i.is_mem()) return arith_mem(c, i, MemSrc::F32);
    begin_arith(c, i);
    X87State& x = c.x87;
    FpuEnv env = x.env();
    arith_st0(x, static_cast<Arith>(i.reg), !x.empty(i.rm), x.st(i.rm), env);
}

void esc_dc(Cpu& c, const Insn& i) {
    if (i.is_mem()) return arith_mem(c, i, MemSrc::F64);
    begin_arith(c, i);
    X87State& x = c.x87;
    const Arith op = static_cast<Arith>(i.reg);
    if (op == Arith::Com || op == Arith::Comp) {  // undocumented aliases of D8 D0+i / D8+i
        FpuEnv env = x.env();
        return compare_st0(x, !x.empty(i.rm), x.st(i.rm), false, env, op == Arith::Comp ? 1 : 0);
    }
    arith_sti(x, from_sti_side(op), i.rm, false);
}

void esc_da(Cpu& c, const Insn& i) {
    if (i.is_mem()) return arith_mem(c, i, MemSrc::I32);
    if (i.reg < 4 && has_p6_forms(c)) {
        begin_arith(c, i);
        return fcmov(c, i, false);
    }
    if (i.modrm != 0xE9) undefined(c);
    begin_arith(c, i);  // FUCOMPP
    FpuEnv env = c.x87.env();
    compare_st0(c.x87, !c.x87.empty(1), c.x87.st(1), true, env, 2);
}

void esc_de(Cpu& c, const Insn& i) {
    if (i.is_mem()) return arith_mem(c, i, MemSrc::I16);
    begin_arith(c, i);
    X87State& x = c.x87;
    const Arith op = static_cast<Arith>(i.reg);
    if (op == Arith::Com || op == Arith::Comp) {
        // DE D9 is FCOMPP; DE D0+i aliases FCOMP on Intel parts.
        FpuEnv env = x.env();
        const bool fcompp = op == Arith::Comp;
        if (fcompp && i.rm != 1) undefined(c);
        return compare_st0(x, !x.empty(i.rm), x.st(i.rm), false, env, fcompp ? 2 : 1);
    }
    arith_sti(x, from_sti_side(op), i.rm, true);
}

void esc_d9_mem(Cpu& c, const Insn& i) {
    switch (i.reg) {
    case 0: begin_arith(c, i); return load_mem(c, i, MemLoad::F32);
    case 2: begin_arith(c, i); return store_f32(c, i, false);
    case 3: begin_arith(c, i); return store_f32(c, i, true);
    case 4: begin(c, true); return fldenv(c, i);
    case 5: begin(c, true); return fldcw(c, i);
    case 6: begin(c, false); return fnstenv(c, i);
    case 7: begin(c, false); return write_int(c, i, c.x87.fcw, 2);  // FNSTCW
    default: undefined(c);  // /1
    }
}

void esc_d9(Cpu& c, const Insn& i) {
    if (i.is_mem()) return esc_d9_mem(c, i);
    X87State& x = c.x87;
    const unsigned r = i.rm;
    switch (i.reg) {
    case 0: begin_arith(c, i); return load_sti(x, r);
    case 1: begin_arith(c, i); return exchange(x, r);
    case 2:
        if (r != 0) undefined(c);
        return begin_arith(c, i);  // FNOP
    case 3: begin_arith(c, i); return store_sti(x, r, true);  // undocumented FSTP1
    default: break;
    }
    static constexpr fpu::Constant kConstants[7] = {fpu::Constant::One,      fpu::Constant::Log2Ten,
                                                    fpu::Constant::Log2E,    fpu::Constant::Pi,
                                                    fpu::Constant::Log10Two, fpu::Constant::LnTwo,
                                                    fpu::Constant::Zero};
    switch (i.modrm) {
    case 0xE0: begin_arith(c, i); return unary(x, [](Float80 v, FpuEnv&) { return fpu::chs(v); });
    case 0xE1: begin_arith(c, i); return unary(x, [](Float80 v, FpuEnv&) { return fpu::abs(v); });
    case 0xE4: begin_arith(c, i); return ftst(x);
    case 0xE5: begin_arith(c, i); return x.set_cc(fpu::examine(x.st(0), x.empty(0)));
    case 0xE8: case 0xE9: case 0xEA: case 0xEB: case 0xEC: case 0xED: case 0xEE: {
        begin_arith(c, i);
        const FpuEnv env = x.env();
        return push_value(x, fpu::constant(kConstants[i.modrm - 0xE8], env.rc), env);
    }
    case 0xF0: begin_arith(c, i); return unary(x, [](Float80 v, FpuEnv& e) { return fpu::f2xm1(v, e); });
    case 0xF1: begin_arith(c, i); return binary_pop(x, [](Float80 y, Float80 v, FpuEnv& e) { return fpu::yl2x(y, v, e); });
    case 0xF2: begin_arith(c, i); return trig_pair(x, true);
    case 0xF3: begin_arith(c, i); return binary_pop(x, [](Float80 y, Float80 v, FpuEnv& e) { return fpu::atan2(y, v, e); });
    case 0xF4: begin_arith(c, i); return fxtract(x);
    case 0xF5: begin_arith(c, i); return fprem(x, true);
    case 0xF6: begin_arith(c, i); x.set_top(x.top() - 1); return x.set_c1(false);  // FDECSTP
    case 0xF7: begin_arith(c, i); x.set_top(x.top() + 1); return x.set_c1(false);  // FINCSTP
    case 0xF8: begin_arith(c, i); return fprem(x, false);
    case 0xF9: begin_arith(c, i); return binary_pop(x, [](Float80 y, Float80 v, FpuEnv& e) { return fpu::yl2xp1(y, v, e); });
    case 0xFA: begin_arith(c, i); return unary(x, [](Float80 v, FpuEnv& e) { return fpu::sqrt(v, e); });
    case 0xFB: begin_arith(c, i); return trig_pair(x, false);
    case 0xFC: begin_arith(c, i); return unary(x, [](Float80 v, FpuEnv& e) { return fpu::round_to_int(v, e); });
    case 0xFD: begin_arith(c, i); return fscale(x);
    case 0xFE: begin_arith(c, i); return trig(x, false);
    case 0xFF: begin_arith(c, i); return trig(x, true);
    default: undefined(c);
    }
}

void esc_db(Cpu& c, const Insn& i) {
    if (i.is_mem()) {
        switch (i.reg) {
        case 0: begin_arith(c, i); return load_mem(c, i, MemLoad::I32);
        case 2: begin_arith(c, i); return store_int(c, i, 32, false);
        case 3: begin_arith(c, i); return store_int(c, i, 32, true);
        case 5: begin_arith(c, i); return load_mem(c, i, MemLoad::F80);
        case 7: begin_arith(c, i); return store_f80(c, i);
        default: undefined(c);  // /1 is FISTTP (SSE3)
        }
    }
    if (i.reg < 4 && has_p6_forms(c)) {
        begin_arith(c, i);
        return fcmov(c, i, true);
    }
    switch (i.modrm) {
    case 0xE0: case 0xE1: case 0xE4: return begin(c, true);  // FENI, FDISI, FSETPM: 8087/287 only, no-ops
    case 0xE2: begin(c, false); fnclex(c.x87); return settle_ferr(c);
    case 0xE3: begin(c, false); c.x87.init(); return settle_ferr(c);
    default: break;
    }
    if (has_p6_forms(c) && (i.reg == 5 || i.reg == 6)) {  // FUCOMI, FCOMI
        begin_arith(c, i);
        return compare_eflags(c, i.rm, i.reg == 5, false);
    }
    undefined(c);
}

void esc_dd(Cpu& c, const Insn& i) {
    if (i.is_mem()) {
        switch (i.reg) {
        case 0: begin_arith(c, i); return load_mem(c, i, MemLoad::F64);
        case 2: begin_arith(c, i); return store_f64(c, i, false);
        case 3: begin_arith(c, i); return store_f64(c, i, true);
        case 4: begin(c, true); return frstor(c, i);
        case 6: begin(c, false); return fnsave(c, i);
        case 7: begin(c, false); return write_int(c, i, c.x87.fsw, 2);  // FNSTSW m16
        default: undefined(c);  // /1 FISTTP (SSE3), /5 reserved
        }
    }
    X87State& x = c.x87;
    begin_arith(c, i);
    switch (i.reg) {
    case 0: return x.free(i.rm);  // FFREE
    case 1: return exchange(x, i.rm);  // undocumented alias of FXCH
    case 2: return store_sti(x, i.rm, false);
    case 3: return store_sti(x, i.rm, true);
    case 4: case 5: {  // FUCOM, FUCOMP
        FpuEnv env = x.env();
        return compare_st0(x, !x.empty(i.rm), x.st(i.rm), true, env, i.reg == 5 ? 1 : 0);
    }
    default: undefined(c);
    }
}

void esc_df(Cpu& c, const Insn& i) {
    if (i.is_mem()) {
        switch (i.reg) {
        case 0: begin_arith(c, i); return load_mem(c, i, MemLoad::I16);
        case 2: begin_arith(c, i); return store_int(c, i, 16, false);
        case 3: begin_arith(c, i); return store_int(c, i, 16, true);
        case 4: begin_arith(c, i); return load_mem(c, i, MemLoad::Bcd);
        case 5: begin_arith(c, i); return load_mem(c, i, MemLoad::I64);
        case 6: begin_arith(c, i); return store_bcd(c, i);
        case 7: begin_arith(c, i); return store_int(c, i, 64, true);
        default: undefined(c);  // /1 FISTTP (SSE3)
        }
    }
    X87State& x = c.x87;
    if (i.modrm == 0xE0) {  // FNSTSW AX
        begin(c, false);
        return c.set_reg<uint16_t>(EAX, x.fsw);
    }
    switch (i.reg) {
    case 0: begin_arith(c, i); x.free(i.rm); return x.pop();  // undocumented FFREEP
    case 1: begin_arith(c, i); return exchange(x, i.rm);      // undocumented alias of FXCH
    case 2: case 3: begin_arith(c, i); return store_sti(x, i.rm, true);  // undocumented FSTP aliases
    case 5: case 6:
        if (!has_p6_forms(c)) break;
        begin_arith(c, i);
        return compare_eflags(c, i.rm, i.reg == 5, true);  // FUCOMIP, FCOMIP
    default: break;
    }
    undefined(c);
}

// WAIT/FWAIT: #NM when MP and TS are both set; then a pending unmasked
// exception is signalled.
void fwait(Cpu& c, const Insn&) {
    if ((c.cr0 & (cr0_bit::MP | cr0_bit::TS)) == (cr0_bit::MP | cr0_bit::TS)) c.fault(vec::NM);
    settle_ferr(c);
    if (c.x87.error_pending()) c.signal_x87_error();
}

}  // namespace

void register_x87_ops(OpTableBuilder& b) {
    if (b.model.model < CpuModel::i486) return;  // no coprocessor: ops_misc.cpp's ESC stays
    b.op(0x9B, "fwait", kNone, &fwait);
    b.op(0xD8, "esc", kM, &esc_d8);
    b.op(0xD9, "esc", kM, &esc_d9);
    b.op(0xDA, "esc", kM, &esc_da);
    b.op(0xDB, "esc", kM, &esc_db);
    b.op(0xDC, "esc", kM, &esc_dc);
    b.op(0xDD, "esc", kM, &esc_dd);
    b.op(0xDE, "esc", kM, &esc_de);
    b.op(0xDF, "esc", kM, &esc_df);
}

// An unmasked exception is pending (FSW.ES) at a waiting instruction: #MF
// with CR0.NE=1. With NE=0 the PC way instead: the CPU asserts FERR#, which
// the board latches onto IRQ13 until software writes port 0xF0.
//
// On a real 486 or later the waiting instruction then freezes until IGNNE#
// (asserted by that port 0xF0 write) lets it go on or the IRQ13 handler's
// FNCLEX removes the error. Amber does not freeze it: the instruction
// executes now, ignoring the error as it would under IGNNE#, and IRQ13 is
// taken at the next instruction boundary (as Bochs and QEMU do). Handlers
// that write 0xF0, FNCLEX (or inspect FSW) and EOI see the same FPU state;
// only the return address differs (after the waiting instruction rather
// than at it), and no instruction is run twice.
void Cpu::signal_x87_error() {
    if (cr0 & cr0_bit::NE) fault(vec::MF);
    drive_ferr(true);
}

}  // namespace amber
