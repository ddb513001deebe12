// fpu: the x87 state as the FPU sees it. Control and status words with their
// fields named, the full tag word (as FNSTENV would store it), the last
// instruction's pointers, and ST(0)..ST(7) as 80-bit hex with a decimal
// approximation (through a double: enough to read, not exact).
#include <array>
#include <bit>

#include "cpu/x87.hpp"
#include "frontend/monitor/context.hpp"

namespace amber::monitor {

namespace {

// Exception flags (FSW) and masks (FCW) share bit positions 0-5.
constexpr std::array<const char*, 6> kExceptionNames = {"IE", "DE", "ZE", "OE", "UE", "PE"};

std::string exception_names(uint16_t bits, const char* suffix) {
    std::string s;
    for (unsigned b = 6; b-- > 0;) {
        if (!(bits & (1u << b))) continue;
        if (!s.empty()) s += ' ';
        s += kExceptionNames[b];
        s += suffix;
    }
    return "[" + s + "]";
}

std::string control_text(uint16_t fcw) {
    static constexpr std::array<const char*, 4> kPrecision = {"single", "reserved", "double", "extended"};
    static constexpr std::array<const char*, 4> kRounding = {"nearest", "down", "up", "zero"};
    // The masks, named as the exceptions they mask ("IE" masked = IM).
    std::string masks;
    for (unsigned b = 6; b-- > 0;) {
        if (!(fcw & (1u << b))) continue;
        if (!masks.empty()) masks += ' ';
        masks += std::string(1, kExceptionNames[b][0]) + "M";
    }
    return fmt::format("[{}] PC={} RC={}", masks, kPrecision[(fcw >> 8) & 3], kRounding[(fcw >> 10) & 3]);
}

std::string status_text(const X87State& x) {
    const uint16_t s = x.fsw;
    std::string t = fmt::format("TOP={} C3={} C2={} C1={} C0={} {}", x.top(), (s >> 14) & 1, (s >> 10) & 1,
                                (s >> 9) & 1, (s >> 8) & 1, exception_names(s & fpu::exc::kAll, ""));
    if (s & fsw_bit::SF) t += " SF";
    if (s & fsw_bit::ES) t += " ES";
    if (s & fsw_bit::B) t += " B";
    return t;
}

constexpr std::array<const char*, 4> kTagNames = {"valid", "zero", "special", "empty"};

// A decimal reading of the register, through a double (NaNs and values
// beyond a double's range say so rather than print a rounded number).
std::string decimal(fpu::Float80 v) {
    const fpu::FpClass k = fpu::classify(v);
    if (fpu::is_nan(k) || fpu::is_unsupported(k)) return fpu::is_nan(k) ? "nan" : "unsupported";
    fpu::FpuEnv env(0x037F);  // all masked, round to nearest
    const double d = std::bit_cast<double>(fpu::to_f64(v, env));
    if ((env.flags & fpu::exc::OE) && k != fpu::FpClass::Infinity) return fmt::format("~{}inf (beyond a double)", v.sign() ? "-" : "+");
    return fmt::format("{}{:.17g}", (env.flags & fpu::exc::PE) ? "~" : "", d);
}

}  // namespace

void cmd_fpu(Context& ctx, Words w) {
    require_words(w, 0, 0, "fpu");
    const Cpu& c = ctx.cpu();
    if (c.model() < CpuModel::i486) {
        ctx.print("no x87 FPU: the {} has none on chip\n", c.traits().name);
        return;
    }
    const X87State& x = c.x87;
    const uint16_t tags = x.full_tags();
    ctx.print("fcw={:04X}  {}\n", x.fcw, control_text(x.fcw));
    ctx.print("fsw={:04X}  {}\n", x.fsw, status_text(x));
    ctx.print("ftw={:04X}  fop={:03X}  fip={:04X}:{:08X}  fdp={:04X}:{:08X}\n", tags, x.fop, x.fcs, x.fip, x.fds,
              x.fdp);
    for (unsigned i = 0; i < 8; ++i) {
        const unsigned p = x.phys(i);
        const fpu::Float80 v = x.reg[p];
        const unsigned tag = (tags >> (2 * p)) & 3;
        ctx.print("st{} (r{}) {:<7}  {:04X} {:016X}", i, p, kTagNames[tag], v.se, v.sig);
        if (tag != 3) ctx.print("  {}", decimal(v));
        ctx.out += '\n';
    }
}

}  // namespace amber::monitor
