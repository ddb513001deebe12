// ADD OR ADC SBB AND SUB XOR CMP, TEST, INC DEC, NOT NEG.
#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

enum class Alu { Add, Or, Adc, Sbb, And, Sub, Xor, Cmp };  // the order of ModRM reg in 80-83

template <Alu op, typename T> T alu(Cpu& c, T a, T b) {
    T r;
    if constexpr (op == Alu::Add) {
        r = T(a + b);
        c.flags.lazy(Flags::Op::Add, a, b, r);
    } else if constexpr (op == Alu::Adc) {
        r = T(a + b + T(c.flags.cf()));
        c.flags.lazy(Flags::Op::Add, a, b, r);
    } else if constexpr (op == Alu::Sub || op == Alu::Cmp) {
        r = T(a - b);
        c.flags.lazy(Flags::Op::Sub, a, b, r);
    } else if constexpr (op == Alu::Sbb) {
        r = T(a - b - T(c.flags.cf()));
        c.flags.lazy(Flags::Op::Sub, a, b, r);
    } else {
        r = op == Alu::And ? T(a & b) : op == Alu::Or ? T(a | b) : T(a ^ b);
        c.flags.lazy(Flags::Op::Logic, a, b, r);
    }
    return r;
}

// Eb,Gb / Ev,Gv: r/m = r/m op reg
template <Alu op, typename T> void alu_eg(Cpu& c, const Insn& i) {
    T src = c.reg<T>(i.reg);
    if constexpr (op == Alu::Cmp) alu<op, T>(c, read_rm<T>(c, i), src);
    else rmw_rm<T>(c, i, [&](T d) { return alu<op, T>(c, d, src); });
}
// Gb,Eb / Gv,Ev: reg = reg op r/m
template <Alu op, typename T> void alu_ge(Cpu& c, const Insn& i) {
    T r = alu<op, T>(c, c.reg<T>(i.reg), read_rm<T>(c, i));
    if constexpr (op != Alu::Cmp) c.set_reg<T>(i.reg, r);
}
// AL,Ib / eAX,Iz
template <Alu op, typename T> void alu_ai(Cpu& c, const Insn& i) {
    T r = alu<op, T>(c, acc<T>(c), static_cast<T>(i.imm));
    if constexpr (op != Alu::Cmp) c.set_reg<T>(EAX, r);
}
// 80-83: r/m op imm
template <Alu op, typename T> void alu_ei(Cpu& c, const Insn& i) {
    T src = static_cast<T>(i.imm);
    if constexpr (op == Alu::Cmp) alu<op, T>(c, read_rm<T>(c, i), src);
    else rmw_rm<T>(c, i, [&](T d) { return alu<op, T>(c, d, src); });
}

template <typename T> void test_eg(Cpu& c, const Insn& i) { alu<Alu::And, T>(c, read_rm<T>(c, i), c.reg<T>(i.reg)); }
template <typename T> void test_ai(Cpu& c, const Insn& i) { alu<Alu::And, T>(c, acc<T>(c), static_cast<T>(i.imm)); }
template <typename T> void test_ei(Cpu& c, const Insn& i) { alu<Alu::And, T>(c, read_rm<T>(c, i), static_cast<T>(i.imm)); }

template <typename T> T inc(Cpu& c, T v) {
    T r = T(v + 1);
    c.flags.lazy(Flags::Op::Inc, v, T(1), r);
    return r;
}
template <typename T> T dec(Cpu& c, T v) {
    T r = T(v - 1);
    c.flags.lazy(Flags::Op::Dec, v, T(1), r);
    return r;
}
template <typename T> void inc_r(Cpu& c, const Insn& i) { c.set_reg<T>(i.reg, inc<T>(c, c.reg<T>(i.reg))); }
template <typename T> void dec_r(Cpu& c, const Insn& i) { c.set_reg<T>(i.reg, dec<T>(c, c.reg<T>(i.reg))); }
template <typename T> void inc_e(Cpu& c, const Insn& i) { rmw_rm<T>(c, i, [&](T v) { return inc<T>(c, v); }); }
template <typename T> void dec_e(Cpu& c, const Insn& i) { rmw_rm<T>(c, i, [&](T v) { return dec<T>(c, v); }); }

template <typename T> void not_e(Cpu& c, const Insn& i) { rmw_rm<T>(c, i, [](T v) { return T(~v); }); }
template <typename T> void neg_e(Cpu& c, const Insn& i) {
    rmw_rm<T>(c, i, [&](T v) {
        T r = T(0 - v);
        c.flags.lazy(Flags::Op::Sub, T(0), v, r);
        return r;
    });
}

template <Alu op> void register_alu(OpTableBuilder& b, const char* name) {
    const uint16_t base = static_cast<uint16_t>(op) * 8;
    b.op(base + 0, name, kM, &alu_eg<op, uint8_t>);
    b.op(base + 1, name, kM, &alu_eg<op, uint16_t>, &alu_eg<op, uint32_t>);
    b.op(base + 2, name, kM, &alu_ge<op, uint8_t>);
    b.op(base + 3, name, kM, &alu_ge<op, uint16_t>, &alu_ge<op, uint32_t>);
    b.op(base + 4, name, I(Imm::Ib), &alu_ai<op, uint8_t>);
    b.op(base + 5, name, I(Imm::Iz), &alu_ai<op, uint16_t>, &alu_ai<op, uint32_t>);
    const uint8_t reg = static_cast<uint8_t>(op);
    b.group(0x80, reg, name, M(Imm::Ib), &alu_ei<op, uint8_t>);
    b.group(0x81, reg, name, M(Imm::Iz), &alu_ei<op, uint16_t>, &alu_ei<op, uint32_t>);
    b.group(0x82, reg, name, M(Imm::Ib), &alu_ei<op, uint8_t>);  // undocumented alias of 80
    b.group(0x83, reg, name, M(Imm::Ibs), &alu_ei<op, uint16_t>, &alu_ei<op, uint32_t>);
}

}  // namespace

void register_alu_ops(OpTableBuilder& b) {
    register_alu<Alu::Add>(b, "add");
    register_alu<Alu::Or>(b, "or");
    register_alu<Alu::Adc>(b, "adc");
    register_alu<Alu::Sbb>(b, "sbb");
    register_alu<Alu::And>(b, "and");
    register_alu<Alu::Sub>(b, "sub");
    register_alu<Alu::Xor>(b, "xor");
    register_alu<Alu::Cmp>(b, "cmp");

    b.op(0x84, "test", kM, &test_eg<uint8_t>);
    b.op(0x85, "test", kM, AMBER_SIZED(test_eg));
    b.op(0xA8, "test", I(Imm::Ib), &test_ai<uint8_t>);
    b.op(0xA9, "test", I(Imm::Iz), AMBER_SIZED(test_ai));
    for (uint8_t reg : {0, 1}) {  // F6/F7 /1 is an undocumented alias of /0
        b.group(0xF6, reg, "test", M(Imm::Ib), &test_ei<uint8_t>);
        b.group(0xF7, reg, "test", M(Imm::Iz), AMBER_SIZED(test_ei));
    }
    b.group(0xF6, 2, "not", kM, &not_e<uint8_t>);
    b.group(0xF7, 2, "not", kM, AMBER_SIZED(not_e));
    b.group(0xF6, 3, "neg", kM, &neg_e<uint8_t>);
    b.group(0xF7, 3, "neg", kM, AMBER_SIZED(neg_e));

    for (uint16_t r = 0; r < 8; ++r) {
        b.op(0x40 + r, "inc", kNone, AMBER_SIZED(inc_r));
        b.op(0x48 + r, "dec", kNone, AMBER_SIZED(dec_r));
    }
    b.group(0xFE, 0, "inc", kM, &inc_e<uint8_t>);
    b.group(0xFE, 1, "dec", kM, &dec_e<uint8_t>);
    b.group(0xFF, 0, "inc", kM, AMBER_SIZED(inc_e));
    b.group(0xFF, 1, "dec", kM, AMBER_SIZED(dec_e));
}

}  // namespace amber
