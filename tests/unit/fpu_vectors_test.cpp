// The x87 arithmetic core against the hardware vectors of
// ../shared/testdata/native32/x87: for every form whose semantics is a core
// operation (arithmetic, compares, loads and stores of every memory format,
// FSQRT/FRNDINT/FSCALE/FXTRACT/FPREM/FPREM1, constants, transcendentals), a
// small test-only x87 -- register stack, tags, stack faults with their
// masked responses -- applies the core to the vector's initial state and
// compares the final ST registers, tag word, status word (minus the bits the
// vector calls undefined), the bytes a store writes, and for FCOMI the
// EFLAGS bits. Control forms (FLDCW, FNSTSW, FXCH, FFREE, FCMOVcc...) are
// left to the full runner through the CPU.
//
// Environment: AMBER_TESTDATA overrides the testdata folder;
// AMBER_FPU_REPORT=1 prints the per-form table; AMBER_FPU_SHOW=<form>
// prints that form's failures.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cpu/fpu/fpu.hpp"
#include "frontend/vectors/gzip_file.hpp"

using namespace amber::fpu;
namespace fs = std::filesystem;

namespace {

fs::path vector_dir() {
    if (const char* env = std::getenv("AMBER_TESTDATA")) return fs::path(env) / "native32" / "x87";
    // tests/unit/<this file> -> <project>/../shared/testdata
    return fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "shared" / "testdata" /
           "native32" / "x87";
}

Float80 parse_f80(const std::string& hex) {
    Float80 x;
    x.se = static_cast<uint16_t>(std::stoul(hex.substr(0, 4), nullptr, 16));
    x.sig = std::stoull(hex.substr(4), nullptr, 16);
    return x;
}

std::string hex80(Float80 x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04x%016llx", x.se, static_cast<unsigned long long>(x.sig));
    return buf;
}

constexpr uint16_t kSF = 0x40;

// A minimal x87 around the core: physical registers, TOP in fsw, tags kept
// as empty or not (the full tag word is computed from contents, as the
// hardware's FNSTENV image is).
struct X87 {
    uint16_t fcw = 0x37F, fsw = 0;
    Float80 reg[8];
    bool empty_[8] = {};
    std::map<uint32_t, uint8_t> mem;
    uint32_t eflags = 0;

    int top() const { return (fsw >> 11) & 7; }
    void set_top(int t) { fsw = static_cast<uint16_t>((fsw & ~0x3800) | ((t & 7) << 11)); }
    int phys(int i) const { return (top() + i) & 7; }
    Float80& st(int i) { return reg[phys(i)]; }
    bool empty(int i) const { return empty_[phys(i)]; }
    void set(int i, Float80 v) {
        reg[phys(i)] = v;
        empty_[phys(i)] = false;
    }
    void push(Float80 v) {
        set_top(top() - 1);
        set(0, v);
    }
    void pop() {
        empty_[phys(0)] = true;
        set_top(top() + 1);
    }
    void set_c1(bool on) { fsw = static_cast<uint16_t>(on ? fsw | kC1 : fsw & ~kC1); }
    void set_cc(uint16_t bits) { fsw = static_cast<uint16_t>((fsw & ~kConditionMask) | bits); }
    uint16_t full_tags() const {
        uint16_t t = 0;
        for (int p = 0; p < 8; ++p) t |= static_cast<uint16_t>((empty_[p] ? 3u : tag_of(reg[p])) << (2 * p));
        return t;
    }
    // Stack faults, masked response (every vector masks all exceptions).
    void underflow() {
        fsw |= exc::IE | kSF;
        set_c1(false);
    }
    void overflow() {
        fsw |= exc::IE | kSF;
        set_c1(true);
    }
    FpuEnv env() const { return FpuEnv(fcw); }
    // Merges an operation's flags. Returns false when the result must not be
    // stored (an unmasked pre-computation exception).
    bool commit(const FpuEnv& e, bool c1 = true) {
        fsw |= e.flags;
        if (c1) set_c1(e.c1);
        if (e.unmasked()) fsw |= 0x8080;  // ES and B
        return !e.suppressed;
    }

    uint8_t read8(uint32_t a) const {
        auto it = mem.find(a);
        return it == mem.end() ? 0 : it->second;
    }
    uint64_t read(uint32_t a, unsigned n) const {
        uint64_t v = 0;
        for (unsigned i = n; i-- > 0;) v = (v << 8) | read8(a + i);
        return v;
    }
    void write(uint32_t a, uint64_t v, unsigned n) {
        for (unsigned i = 0; i < n; ++i) mem[a + i] = static_cast<uint8_t>(v >> (8 * i));
    }
};

// 32-bit ModRM effective address.
uint32_t effective_address(const std::vector<uint8_t>& b, const uint32_t* regs) {
    const uint8_t modrm = b[1];
    const unsigned mod = modrm >> 6, rm = modrm & 7;
    size_t p = 2;
    uint32_t ea = 0;
    bool base_none = false;
    if (rm == 4) {
        const uint8_t sib = b[p++];
        const unsigned scale = sib >> 6, index = (sib >> 3) & 7, base = sib & 7;
        if (index != 4) ea += regs[index] << scale;
        if (base == 5 && mod == 0) base_none = true;
        else ea += regs[base];
        if (base_none) {
            ea += static_cast<uint32_t>(b[p] | b[p + 1] << 8 | b[p + 2] << 16 | uint32_t(b[p + 3]) << 24);
            return ea;
        }
    } else if (rm == 5 && mod == 0) {
        return static_cast<uint32_t>(b[p] | b[p + 1] << 8 | b[p + 2] << 16 | uint32_t(b[p + 3]) << 24);
    } else {
        ea += regs[rm];
    }
    if (mod == 1) ea += static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(b[p])));
    if (mod == 2) ea += static_cast<uint32_t>(b[p] | b[p + 1] << 8 | b[p + 2] << 16 | uint32_t(b[p + 3]) << 24);
    return ea;
}

enum class Arith { Add, Mul, Com, Comp, Sub, Subr, Div, Divr };

Float80 arith(Arith op, Float80 a, Float80 b, FpuEnv& env) {
    switch (op) {
    case Arith::Add: return add(a, b, env);
    case Arith::Mul: return mul(a, b, env);
    case Arith::Sub: return sub(a, b, env);
    case Arith::Subr: return sub(b, a, env);
    case Arith::Div: return div(a, b, env);
    case Arith::Divr: return div(b, a, env);
    default: return a;
    }
}

// ST(dst) = ST(dst) op src, or a compare of ST(0) with src.
void arith_form(X87& x, Arith op, int dst, bool src_ok, Float80 src, FpuEnv& env, bool pop) {
    if (op == Arith::Com || op == Arith::Comp) {
        if (x.empty(0) || !src_ok) {
            x.underflow();
            x.set_cc(kC3 | kC2 | kC0);
        } else {
            const Relation r = compare(x.st(0), src, false, env);
            x.commit(env, false);
            if (!env.suppressed) x.set_cc(condition_bits(r));
        }
        if (op == Arith::Comp) x.pop();
        return;
    }
    if (x.empty(dst) || !src_ok) {
        x.underflow();
        x.set(dst, kIndefinite);
    } else {
        const Float80 r = arith(op, x.st(dst), src, env);
        if (x.commit(env)) x.set(dst, r);
    }
    if (pop) x.pop();
}

using Handler = std::function<void(X87&, const std::vector<uint8_t>&, uint32_t ea)>;

// Register forms ST(0) = ST(0) op ST(i) and ST(i) = ST(i) op ST(0).
void reg_arith(X87& x, Arith op, int i, bool to_sti, bool pop) {
    FpuEnv env = x.env();
    if (!to_sti) {
        arith_form(x, op, 0, !x.empty(i), x.st(i), env, pop);
        return;
    }
    // ST(i) op= ST(0): the "reversed" naming of DC/DE is handled by the caller.
    if (x.empty(0) || x.empty(i)) {
        x.underflow();
        x.set(i, kIndefinite);
    } else {
        const Float80 r = arith(op, x.st(i), x.st(0), env);
        if (x.commit(env)) x.set(i, r);
    }
    if (pop) x.pop();
}

void push_value(X87& x, Float80 v, FpuEnv& env, bool c1 = true) {
    if (!x.empty_[(x.top() + 7) & 7]) {
        x.overflow();
        x.push(kIndefinite);
        return;
    }
    if (x.commit(env, c1)) x.push(v);
}

// Store ST(0) to memory via `conv`; `indefinite` is the masked response to
// an empty ST(0).
void store_form(X87& x, uint32_t ea, unsigned size, uint64_t indefinite, bool pop,
                const std::function<uint64_t(Float80, FpuEnv&)>& conv) {
    if (x.empty(0)) {
        x.underflow();
        x.write(ea, indefinite, size);
    } else {
        FpuEnv env = x.env();
        const uint64_t v = conv(x.st(0), env);
        x.fsw |= env.flags;
        x.set_c1(env.c1);
        if (!env.unmasked()) x.write(ea, v, size);
    }
    if (pop) x.pop();
}

// One-operand ST(0) = f(ST(0)).
void unary(X87& x, const std::function<Float80(Float80, FpuEnv&)>& f) {
    if (x.empty(0)) {
        x.underflow();
        x.set(0, kIndefinite);
        return;
    }
    FpuEnv env = x.env();
    const Float80 r = f(x.st(0), env);
    if (x.commit(env)) x.set(0, r);
}

// ST(1) = f(ST(1), ST(0)), pop.
void binary_pop(X87& x, const std::function<Float80(Float80, Float80, FpuEnv&)>& f) {
    if (x.empty(0) || x.empty(1)) {
        x.underflow();
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

std::map<std::string, Handler> make_handlers() {
    std::map<std::string, Handler> h;
    static const Arith kOps[8] = {Arith::Add, Arith::Mul, Arith::Com, Arith::Comp,
                                  Arith::Sub, Arith::Subr, Arith::Div, Arith::Divr};
    static const char* kDigits = "01234567";
    for (int r = 0; r < 8; ++r) {
        const Arith op = kOps[r];
        const std::string d(1, kDigits[r]);
        h["D8." + d] = [op](X87& x, const auto&, uint32_t ea) {
            FpuEnv env = x.env();
            const Float80 src = from_f32(static_cast<uint32_t>(x.read(ea, 4)), env, true);
            if (env.suppressed) return void(x.commit(env));
            arith_form(x, op, 0, true, src, env, false);
        };
        h["DC." + d] = [op](X87& x, const auto&, uint32_t ea) {
            FpuEnv env = x.env();
            const Float80 src = from_f64(x.read(ea, 8), env, true);
            if (env.suppressed) return void(x.commit(env));
            arith_form(x, op, 0, true, src, env, false);
        };
        h["DA." + d] = [op](X87& x, const auto&, uint32_t ea) {
            FpuEnv env = x.env();
            arith_form(x, op, 0, true, from_int(static_cast<int32_t>(x.read(ea, 4))), env, false);
        };
        h["DE." + d] = [op](X87& x, const auto&, uint32_t ea) {
            FpuEnv env = x.env();
            arith_form(x, op, 0, true, from_int(static_cast<int16_t>(x.read(ea, 2))), env, false);
        };
        static const char* kRegForms[8] = {"C0", "C8", "D0", "D8", "E0", "E8", "F0", "F8"};
        h[std::string("D8.") + kRegForms[r]] = [op](X87& x, const auto& b, uint32_t) {
            reg_arith(x, op, b[1] & 7, false, false);
        };
        // DC/DE register forms: ST(i) = ST(i) op ST(0) where E0 is FSUBR
        // (ST(i) = ST(0) - ST(i)), E8 FSUB, F0 FDIVR, F8 FDIV.
        if (op != Arith::Com && op != Arith::Comp) {
            Arith dcop = op;
            if (op == Arith::Sub) dcop = Arith::Subr;
            else if (op == Arith::Subr) dcop = Arith::Sub;
            else if (op == Arith::Div) dcop = Arith::Divr;
            else if (op == Arith::Divr) dcop = Arith::Div;
            h[std::string("DC.") + kRegForms[r]] = [dcop](X87& x, const auto& b, uint32_t) {
                reg_arith(x, dcop, b[1] & 7, true, false);
            };
            h[std::string("DE.") + kRegForms[r]] = [dcop](X87& x, const auto& b, uint32_t) {
                reg_arith(x, dcop, b[1] & 7, true, true);
            };
        }
    }
    // Compares.
    auto com = [](X87& x, int i, bool unordered, int pops) {
        if (x.empty(0) || x.empty(i)) {
            x.underflow();
            x.set_cc(kC3 | kC2 | kC0);
        } else {
            FpuEnv env = x.env();
            const Relation r = compare(x.st(0), x.st(i), unordered, env);
            x.commit(env, false);
            x.set_c1(false);
            if (!env.suppressed) x.set_cc(condition_bits(r));
        }
        for (int p = 0; p < pops; ++p) x.pop();
    };
    h["DE.D9"] = [com](X87& x, const auto&, uint32_t) { com(x, 1, false, 2); };
    h["DA.E9"] = [com](X87& x, const auto&, uint32_t) { com(x, 1, true, 2); };
    h["DD.E0"] = [com](X87& x, const auto& b, uint32_t) { com(x, b[1] & 7, true, 0); };
    h["DD.E8"] = [com](X87& x, const auto& b, uint32_t) { com(x, b[1] & 7, true, 1); };
    auto comi = [](X87& x, int i, bool unordered, bool pop) {
        uint32_t f;
        if (x.empty(0) || x.empty(i)) {
            x.underflow();
            f = 0x45;
        } else {
            FpuEnv env = x.env();
            const Relation r = compare(x.st(0), x.st(i), unordered, env);
            x.commit(env, false);  // C1 is left alone
            f = eflags_bits(r);
        }
        x.eflags = (x.eflags & ~0x45u) | f;
        if (pop) x.pop();
    };
    h["DB.E8"] = [comi](X87& x, const auto& b, uint32_t) { comi(x, b[1] & 7, true, false); };
    h["DB.F0"] = [comi](X87& x, const auto& b, uint32_t) { comi(x, b[1] & 7, false, false); };
    h["DF.E8"] = [comi](X87& x, const auto& b, uint32_t) { comi(x, b[1] & 7, true, true); };
    h["DF.F0"] = [comi](X87& x, const auto& b, uint32_t) { comi(x, b[1] & 7, false, true); };
    h["D9.E4"] = [](X87& x, const auto&, uint32_t) {
        if (x.empty(0)) {
            x.underflow();
            x.set_cc(kC3 | kC2 | kC0);
            return;
        }
        FpuEnv env = x.env();
        const Relation r = compare(x.st(0), zero(false), false, env);
        x.commit(env, false);
        x.set_c1(false);
        if (!env.suppressed) x.set_cc(condition_bits(r));
    };
    h["D9.E5"] = [](X87& x, const auto&, uint32_t) { x.set_cc(examine(x.st(0), x.empty(0))); };

    // Loads.
    h["D9.0"] = [](X87& x, const auto&, uint32_t ea) {
        FpuEnv env = x.env();
        const Float80 v = from_f32(static_cast<uint32_t>(x.read(ea, 4)), env);
        push_value(x, v, env);
    };
    h["DD.0"] = [](X87& x, const auto&, uint32_t ea) {
        FpuEnv env = x.env();
        const Float80 v = from_f64(x.read(ea, 8), env);
        push_value(x, v, env);
    };
    h["DB.5"] = [](X87& x, const auto&, uint32_t ea) {
        FpuEnv env = x.env();
        Float80 v;
        v.sig = x.read(ea, 8);
        v.se = static_cast<uint16_t>(x.read(ea + 8, 2));
        push_value(x, v, env);
    };
    h["DF.0"] = [](X87& x, const auto&, uint32_t ea) {
        FpuEnv env = x.env();
        push_value(x, from_int(static_cast<int16_t>(x.read(ea, 2))), env);
    };
    h["DB.0"] = [](X87& x, const auto&, uint32_t ea) {
        FpuEnv env = x.env();
        push_value(x, from_int(static_cast<int32_t>(x.read(ea, 4))), env);
    };
    h["DF.5"] = [](X87& x, const auto&, uint32_t ea) {
        FpuEnv env = x.env();
        push_value(x, from_int(static_cast<int64_t>(x.read(ea, 8))), env);
    };
    h["DF.4"] = [](X87& x, const auto&, uint32_t ea) {
        FpuEnv env = x.env();
        uint8_t b[10];
        for (int i = 0; i < 10; ++i) b[i] = x.read8(ea + i);
        push_value(x, from_bcd(b), env);
    };
    h["D9.C0"] = [](X87& x, const auto& b, uint32_t) {
        FpuEnv env = x.env();
        const int i = b[1] & 7;
        if (x.empty(i)) {
            // Underflow on the source: push the indefinite (unless full).
            if (!x.empty_[(x.top() + 7) & 7]) x.overflow();
            else x.underflow();
            x.push(kIndefinite);
            return;
        }
        push_value(x, x.st(i), env);
    };
    static const Constant kConsts[7] = {Constant::One, Constant::Log2Ten, Constant::Log2E, Constant::Pi,
                                        Constant::Log10Two, Constant::LnTwo, Constant::Zero};
    for (int c = 0; c < 7; ++c) {
        char name[8];
        std::snprintf(name, sizeof name, "D9.E%X", 8 + c);
        const Constant k = kConsts[c];
        h[name] = [k](X87& x, const auto&, uint32_t) {
            FpuEnv env = x.env();
            push_value(x, constant(k, env.rc), env);
        };
    }

    // Stores.
    h["D9.2"] = [](X87& x, const auto&, uint32_t ea) {
        store_form(x, ea, 4, 0xFFC00000u, false, [](Float80 v, FpuEnv& e) { return uint64_t{to_f32(v, e)}; });
    };
    h["D9.3"] = [](X87& x, const auto&, uint32_t ea) {
        store_form(x, ea, 4, 0xFFC00000u, true, [](Float80 v, FpuEnv& e) { return uint64_t{to_f32(v, e)}; });
    };
    h["DD.2"] = [](X87& x, const auto&, uint32_t ea) {
        store_form(x, ea, 8, 0xFFF8000000000000u, false, [](Float80 v, FpuEnv& e) { return to_f64(v, e); });
    };
    h["DD.3"] = [](X87& x, const auto&, uint32_t ea) {
        store_form(x, ea, 8, 0xFFF8000000000000u, true, [](Float80 v, FpuEnv& e) { return to_f64(v, e); });
    };
    h["DB.7"] = [](X87& x, const auto&, uint32_t ea) {
        if (x.empty(0)) {
            x.underflow();
            x.write(ea, kIndefinite.sig, 8);
            x.write(ea + 8, kIndefinite.se, 2);
        } else {
            x.write(ea, x.st(0).sig, 8);
            x.write(ea + 8, x.st(0).se, 2);
            x.set_c1(false);
        }
        x.pop();
    };
    auto int_store = [](unsigned bits, bool pop) {
        return [bits, pop](X87& x, const auto&, uint32_t ea) {
            store_form(x, ea, bits / 8, uint64_t{1} << (bits - 1), pop,
                       [bits](Float80 v, FpuEnv& e) { return static_cast<uint64_t>(to_int(v, bits, e)); });
        };
    };
    h["DF.2"] = int_store(16, false);
    h["DF.3"] = int_store(16, true);
    h["DB.2"] = int_store(32, false);
    h["DB.3"] = int_store(32, true);
    h["DF.7"] = int_store(64, true);
    h["DF.6"] = [](X87& x, const auto&, uint32_t ea) {
        if (x.empty(0)) {
            x.underflow();
            const uint8_t ind[10] = {0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF};
            for (int i = 0; i < 10; ++i) x.write(ea + i, ind[i], 1);
        } else {
            FpuEnv env = x.env();
            uint8_t b[10] = {};
            to_bcd(x.st(0), env, b);
            x.fsw |= env.flags;
            x.set_c1(env.c1);
            if (!env.unmasked())
                for (int i = 0; i < 10; ++i) x.write(ea + i, b[i], 1);
        }
        x.pop();
    };

    // One-operand and special forms.
    h["D9.E0"] = [](X87& x, const auto&, uint32_t) {
        unary(x, [](Float80 v, FpuEnv&) { return chs(v); });
    };
    h["D9.E1"] = [](X87& x, const auto&, uint32_t) {
        unary(x, [](Float80 v, FpuEnv&) { return abs(v); });
    };
    h["D9.FA"] = [](X87& x, const auto&, uint32_t) { unary(x, [](Float80 v, FpuEnv& e) { return sqrt(v, e); }); };
    h["D9.FC"] = [](X87& x, const auto&, uint32_t) {
        unary(x, [](Float80 v, FpuEnv& e) { return round_to_int(v, e); });
    };
    h["D9.FD"] = [](X87& x, const auto&, uint32_t) {
        if (x.empty(0) || x.empty(1)) {
            x.underflow();
            x.set(0, kIndefinite);
            return;
        }
        FpuEnv env = x.env();
        const Float80 r = scale(x.st(0), x.st(1), env);
        if (x.commit(env)) x.set(0, r);
    };
    auto prem_form = [](bool ieee) {
        return [ieee](X87& x, const auto&, uint32_t) {
            if (x.empty(0) || x.empty(1)) {
                x.underflow();
                x.set(0, kIndefinite);
                x.set_cc(x.fsw & (kC0 | kC3));  // C2 cleared (C1 by the fault)
                return;
            }
            FpuEnv env = x.env();
            const Remainder r = ieee ? prem1(x.st(0), x.st(1), env) : prem(x.st(0), x.st(1), env);
            x.fsw |= env.flags;
            if (env.unmasked()) x.fsw |= 0x8080;
            if (!env.suppressed) {
                x.set(0, r.value);
                x.fsw = static_cast<uint16_t>((x.fsw & ~r.condition_mask) | r.condition);
            }
        };
    };
    h["D9.F8"] = prem_form(false);
    h["D9.F5"] = prem_form(true);
    h["D9.F4"] = [](X87& x, const auto&, uint32_t) {
        if (x.empty(0)) {
            x.underflow();
            x.set(0, kIndefinite);
            x.push(kIndefinite);
            return;
        }
        if (!x.empty_[(x.top() + 7) & 7]) {
            x.overflow();
            x.set(0, kIndefinite);
            x.push(kIndefinite);
            return;
        }
        FpuEnv env = x.env();
        const Extracted r = extract(x.st(0), env);
        if (x.commit(env)) {
            x.set(0, r.exponent);
            x.push(r.significand);
        }
    };

    // Transcendentals.
    auto trig1 = [](bool cosine) {
        return [cosine](X87& x, const auto&, uint32_t) {
            if (x.empty(0)) {
                x.underflow();
                x.set(0, kIndefinite);
                x.fsw &= ~kC2;
                return;
            }
            FpuEnv env = x.env();
            const Trig r = cosine ? cos(x.st(0), env) : sin(x.st(0), env);
            x.fsw = static_cast<uint16_t>((x.fsw & ~kC2) | (r.out_of_range ? kC2 : 0));
            if (r.out_of_range) return;
            if (x.commit(env)) x.set(0, r.value);
        };
    };
    h["D9.FE"] = trig1(false);
    h["D9.FF"] = trig1(true);
    // FSINCOS and FPTAN: ST(0) <- first, push second.
    auto trig2 = [](bool tangent) {
        return [tangent](X87& x, const auto&, uint32_t) {
            const bool full = !x.empty_[(x.top() + 7) & 7];
            if (x.empty(0) || full) {
                if (x.empty(0)) x.underflow();
                else x.overflow();
                x.fsw &= ~kC2;
                x.set(0, kIndefinite);
                x.push(kIndefinite);
                return;
            }
            FpuEnv env = x.env();
            const TrigPair r = tangent ? tan(x.st(0), env) : sincos(x.st(0), env);
            x.fsw = static_cast<uint16_t>((x.fsw & ~kC2) | (r.out_of_range ? kC2 : 0));
            if (r.out_of_range) return;
            if (x.commit(env)) {
                x.set(0, r.first);
                x.push(r.second);
            }
        };
    };
    h["D9.FB"] = trig2(false);
    h["D9.F2"] = trig2(true);
    h["D9.F0"] = [](X87& x, const auto&, uint32_t) { unary(x, [](Float80 v, FpuEnv& e) { return f2xm1(v, e); }); };
    h["D9.F1"] = [](X87& x, const auto&, uint32_t) {
        binary_pop(x, [](Float80 y, Float80 v, FpuEnv& e) { return yl2x(y, v, e); });
    };
    h["D9.F9"] = [](X87& x, const auto&, uint32_t) {
        binary_pop(x, [](Float80 y, Float80 v, FpuEnv& e) { return yl2xp1(y, v, e); });
    };
    h["D9.F3"] = [](X87& x, const auto&, uint32_t) {
        binary_pop(x, [](Float80 y, Float80 v, FpuEnv& e) { return atan2(y, v, e); });
    };
    return h;
}

// |a - b| <= 2^-60 |b|, or both the same non-finite or zero encoding.
bool close_enough(Float80 a, Float80 b) {
    if (a == b) return true;
    if (!is_normal(a) || !is_normal(b)) {
        if (classify(a) == FpClass::Zero && classify(b) == FpClass::Zero) return a.sign() == b.sign();
        if (classify(a) != FpClass::Denormal || classify(b) != FpClass::Denormal) return false;
    }
    if (a.sign() != b.sign()) return false;
    FpuEnv env;
    const Float80 d = abs(sub(a, b, env));
    const Float80 t = scale(d, from_int(60), env);
    return compare(t, abs(b), false, env) != Relation::Greater;
}

struct FormResult {
    size_t pass = 0, total = 0;
    size_t bit_exact = 0;  // approximate forms: tests whose registers match bit for bit
    bool approximate = false;
    std::string desc;
};

std::map<std::string, FormResult> run_all(const fs::path& dir) {
    std::map<std::string, FormResult> out;
    const auto meta = nlohmann::json::parse(amber::vectors::read_gzip_file(dir / "metadata.json"));
    const auto handlers = make_handlers();
    const char* show = std::getenv("AMBER_FPU_SHOW");
    for (const auto& [form, info] : meta["forms"].items()) {
        auto it = handlers.find(form);
        if (it == handlers.end()) continue;
        FormResult& res = out[form];
        res.desc = info.value("desc", "");
        res.approximate = info.value("approximate", false);
        const auto tests = nlohmann::json::parse(amber::vectors::read_gzip_file(dir / (form + ".json.gz")));
        for (const auto& t : tests) {
            X87 x;
            X87 initial;
            const auto& ifpu = t["initial"]["fpu"];
            x.fcw = ifpu["fcw"];
            x.fsw = ifpu["fsw"];
            const uint16_t ftw = ifpu["ftw"];
            for (int i = 0; i < 8; ++i) {
                const int p = (x.top() + i) & 7;
                x.reg[p] = parse_f80(ifpu["st"][i]);
                x.empty_[p] = ((ftw >> (2 * p)) & 3) == 3;
            }
            uint32_t regs[8];
            static const char* kNames[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
            for (int i = 0; i < 8; ++i) regs[i] = t["initial"]["regs"][kNames[i]];
            x.eflags = t["initial"]["regs"]["eflags"];
            for (const auto& rb : t["initial"]["ram"]) x.mem[rb[0]] = rb[1];
            const std::vector<uint8_t> bytes = t["bytes"];
            const uint32_t ea = (bytes.size() > 1 && (bytes[1] >> 6) != 3) ? effective_address(bytes, regs) : 0;
            initial = x;
            it->second(x, bytes, ea);

            // Judge.
            const auto& f = t["final"]["fpu"];
            uint16_t undef = 0;
            if (t.contains("undefined") && t["undefined"].contains("fsw")) undef = t["undefined"]["fsw"];
            if (res.approximate) undef |= kC1 | exc::PE;
            std::string why;
            const uint16_t want_fsw = f["fsw"];
            if ((x.fsw ^ want_fsw) & ~undef) {
                char buf[64];
                std::snprintf(buf, sizeof buf, "fsw %04x want %04x; ", x.fsw, want_fsw);
                why += buf;
            }
            const uint16_t want_ftw = f["ftw"];
            if (x.full_tags() != want_ftw) {
                char buf[64];
                std::snprintf(buf, sizeof buf, "ftw %04x want %04x; ", x.full_tags(), want_ftw);
                why += buf;
            }
            const int ftop = (want_fsw >> 11) & 7;
            bool same_bits = true;
            for (int i = 0; i < 8; ++i) {
                const int p = (ftop + i) & 7;
                if (((want_ftw >> (2 * p)) & 3) == 3) continue;
                const Float80 want = parse_f80(f["st"][i]);
                const Float80 got = x.reg[p];
                const bool ok = res.approximate ? close_enough(got, want) : got == want;
                same_bits = same_bits && got == want;
                if (!ok) why += "st" + std::to_string(i) + " " + hex80(got) + " want " + hex80(want) + "; ";
            }
            for (const auto& rb : t["final"]["ram"]) {
                if (x.read8(rb[0]) != rb[1].get<uint8_t>()) {
                    why += "ram; ";
                    break;
                }
            }
            if (t["final"]["regs"].contains("eflags")) {
                const uint32_t want = t["final"]["regs"]["eflags"];
                if ((x.eflags ^ want) & 0x45) why += "eflags; ";
            }
            ++res.total;
            if (why.empty()) {
                ++res.pass;
                if (same_bits) ++res.bit_exact;
            } else if (show && (form == show || std::string(show) == "all")) {
                std::printf("%s #%d %s fcw %04x fsw %04x:", form.c_str(), t["idx"].get<int>(),
                            t["name"].get<std::string>().c_str(), x.fcw, ifpu["fsw"].get<uint16_t>());
                for (int i = 0; i < 3; ++i) std::printf(" %s%s", ifpu["st"][i].get<std::string>().c_str(),
                                                        initial.empty(i) ? "(e)" : "");
                std::printf("\n    %s\n", why.c_str());
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("fpu core against the native32 x87 hardware vectors", "[fpu][vectors]") {
    const fs::path dir = vector_dir();
    if (!fs::exists(dir / "metadata.json")) {
        WARN("x87 vectors not found at " << dir.string() << ": skipped");
        return;
    }
    const auto results = run_all(dir);
    if (std::getenv("AMBER_FPU_REPORT")) {
        size_t pass = 0, total = 0;
        for (const auto& [form, r] : results) {
            std::printf("%-6s %-24s %5zu/%-5zu %7.2f%%", form.c_str(), r.desc.c_str(), r.pass, r.total,
                        100.0 * r.pass / r.total);
            if (r.approximate) std::printf("  approximate, %zu bit-exact", r.bit_exact);
            std::printf("\n");
            pass += r.pass;
            total += r.total;
        }
        std::printf("total %zu/%zu %.3f%%\n", pass, total, 100.0 * pass / total);
    }
    for (const auto& [form, r] : results) {
        INFO(form << " " << r.desc << ": " << r.pass << "/" << r.total);
        CHECK(r.pass == r.total);
    }
}
