// Helpers shared by the instruction handlers (ops_*.cpp): operand access in
// the manual's terms -- the r/m operand, the reg operand, read-modify-write.
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

#include "cpu/cpu.hpp"
#include "cpu/opcode_table.hpp"

namespace amber::ops {

template <typename T> constexpr unsigned kBits = sizeof(T) * 8;
template <typename T> constexpr T kMsb = T(T(1) << (kBits<T> - 1));
template <typename T> using Signed = std::make_signed_t<T>;

template <typename T> inline T read_rm(Cpu& c, const Insn& i) {
    return i.is_mem() ? c.read_mem<T>(i.seg, c.ea(i)) : c.reg<T>(i.rm);
}
template <typename T> inline void write_rm(Cpu& c, const Insn& i, T v) {
    if (i.is_mem()) c.write_mem<T>(i.seg, c.ea(i), v);
    else c.set_reg<T>(i.rm, v);
}
// r/m = f(r/m): the memory operand is checked once, before anything is written.
template <typename T, typename F> inline void rmw_rm(Cpu& c, const Insn& i, F&& f) {
    if (!i.is_mem()) {
        c.set_reg<T>(i.rm, f(c.reg<T>(i.rm)));
        return;
    }
    auto ref = c.ref_mem<T>(i.seg, c.ea(i));
    c.store(ref, static_cast<T>(f(c.load(ref))));
}

// The accumulator-sized register: AL, AX or EAX.
template <typename T> inline T acc(Cpu& c) { return c.reg<T>(EAX); }

// Sets SF, ZF, PF from a result and the given CF, OF, AF (eager flags).
template <typename T> inline void set_szp(Cpu& c, T res, bool cf, bool of, bool af) {
    uint32_t f = (cf ? flag::CF : 0) | (of ? flag::OF : 0) | (af ? flag::AF : 0) | (res == 0 ? flag::ZF : 0) |
                 ((res & kMsb<T>) ? flag::SF : 0) | (Flags::parity_even(res) ? flag::PF : 0);
    c.flags.set_arith(f);
}

// The FLAGS or EFLAGS image popped by POPF/IRET (after any privilege
// masking): the real-mode writable bits, and with 32 bits the 486's AC and
// the Pentium's ID (software finds CPUID by toggling it).
template <typename T> inline void write_popped_flags(Cpu& c, T v) {
    uint32_t writable = c.traits().flags_writable;
    if (sizeof(T) == 4 && c.model() >= CpuModel::i486) writable |= flag::AC;
    if (sizeof(T) == 4 && c.model() >= CpuModel::pentium) writable |= flag::ID;
    c.set_eflags((c.flags.get() & ~writable) | (uint32_t(v) & writable));
}

inline bool condition(const Cpu& c, unsigned cc) {
    const Flags& f = c.flags;
    bool r;
    switch (cc >> 1) {
    case 0: r = f.of(); break;
    case 1: r = f.cf(); break;
    case 2: r = f.zf(); break;
    case 3: r = f.cf() || f.zf(); break;
    case 4: r = f.sf(); break;
    case 5: r = f.pf(); break;
    case 6: r = f.sf() != f.of(); break;
    default: r = f.zf() || (f.sf() != f.of()); break;
    }
    return (cc & 1) ? !r : r;
}

// The operand-size pair of a handler template: {16-bit, 32-bit}.
#define AMBER_SIZED(fn) &fn<uint16_t>, &fn<uint32_t>

}  // namespace amber::ops
