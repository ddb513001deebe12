#include "cpu/fpu/compare.hpp"

#include "cpu/fpu/internal.hpp"

namespace amber::fpu {

using namespace detail;

Relation compare(Float80 a, Float80 b, bool unordered_ok, FpuEnv& env) {
    const FpClass ca = classify(a), cb = classify(b);
    if (ca != FpClass::Normal || cb != FpClass::Normal || env.operand_denormal) {
        if (is_unsupported(ca) || is_unsupported(cb) || ca == FpClass::SNaN || cb == FpClass::SNaN) {
            env.raise_pre(exc::IE);
            return Relation::Unordered;
        }
        if (ca == FpClass::QNaN || cb == FpClass::QNaN) {
            if (!unordered_ok) env.raise_pre(exc::IE);
            return Relation::Unordered;
        }
        if (denormal_operand(ca, cb, env) && env.raise_pre(exc::DE)) return Relation::Unordered;
        const bool za = ca == FpClass::Zero, zb = cb == FpClass::Zero;
        if (za && zb) return Relation::Equal;
        if (za) return b.sign() ? Relation::Greater : Relation::Less;
        if (zb) return a.sign() ? Relation::Less : Relation::Greater;
    }
    if (a.sign() != b.sign()) return a.sign() ? Relation::Less : Relation::Greater;
    // Same sign: compare magnitudes (infinities order above every finite
    // value; denormals compare through their normalized form).
    const bool ia = ca == FpClass::Infinity, ib = cb == FpClass::Infinity;
    int mag;
    if (ia || ib) {
        mag = ia == ib ? 0 : (ia ? 1 : -1);
    } else {
        const Unpacked x = unpack(a), y = unpack(b);
        if (x.exp != y.exp) mag = x.exp < y.exp ? -1 : 1;
        else if (x.sig != y.sig) mag = x.sig < y.sig ? -1 : 1;
        else mag = 0;
    }
    if (mag == 0) return Relation::Equal;
    if (a.sign()) mag = -mag;
    return mag < 0 ? Relation::Less : Relation::Greater;
}

uint16_t examine(Float80 x, bool empty) {
    const uint16_t c1 = x.sign() ? kC1 : 0;
    if (empty) return c1 | kC3 | kC0;
    switch (classify(x)) {
    case FpClass::Zero: return c1 | kC3;
    case FpClass::Denormal:
    case FpClass::PseudoDenormal: return c1 | kC3 | kC2;
    case FpClass::Normal: return c1 | kC2;
    case FpClass::Infinity: return c1 | kC2 | kC0;
    case FpClass::QNaN:
    case FpClass::SNaN: return c1 | kC0;
    default: return c1;
    }
}

}  // namespace amber::fpu
