// The Pentium's and the P6's additions: CPUID, RDTSC, RDMSR/WRMSR, RDPMC,
// CMPXCHG8B, CMOVcc, SYSENTER/SYSEXIT and UD2.
#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

// ---- CPUID ----
// The feature bits claim only what Amber implements. Every model with CPUID
// has the x87 unit on chip, so FPU is always claimed (with CMOV on the P6,
// which also means FCMOV).
namespace feature {
constexpr uint32_t FPU = 1u << 0, VME = 1u << 1, DE = 1u << 2, PSE = 1u << 3, TSC = 1u << 4, MSR = 1u << 5, PAE = 1u << 6, CX8 = 1u << 8, SEP = 1u << 11,
                   MTRR = 1u << 12, PGE = 1u << 13, CMOV = 1u << 15, MMX = 1u << 23, FXSR = 1u << 24, SSE = 1u << 25,
                   SSE2 = 1u << 26;
}

struct CpuidLeaf {
    uint32_t eax, ebx, ecx, edx;
};

CpuidLeaf cpuid_leaf(CpuModel m, uint32_t leaf) {
    using namespace feature;
    const bool p6 = m >= CpuModel::p6;
    constexpr uint32_t kMaxLeaf = 1;
    // "GenuineIntel" in EBX, EDX, ECX: what software expects of these models.
    if (leaf == 0) return {kMaxLeaf, 0x756E6547, 0x6C65746E, 0x49656E69};
    // Leaves past the maximum answer as the highest basic leaf does.
    // family 6 model 1 stepping 9; family 5 model 2 stepping 12; Pentium III: family 6 model 7
    // stepping 3; Pentium 4: family 15 model 2 stepping 9.
    uint32_t signature = p6 ? 0x619 : 0x52C;
    if (m == CpuModel::pentium3) signature = 0x673;
    if (m == CpuModel::pentium4) signature = 0xF29;
    uint32_t features = FPU | VME | DE | PSE | TSC | MSR | CX8;
    if (p6) features |= PAE | SEP | MTRR | PGE | CMOV;
    const Simd simd = traits_of(m).simd;
    if (simd >= Simd::Sse) features |= MMX | FXSR | SSE;
    if (simd >= Simd::Sse2) features |= SSE2;
    return {signature, 0, 0, features};
}

void cpuid(Cpu& c, const Insn&) {
    const CpuidLeaf l = cpuid_leaf(c.model(), c.r[EAX]);
    c.r[EAX] = l.eax;
    c.r[EBX] = l.ebx;
    c.r[ECX] = l.ecx;
    c.r[EDX] = l.edx;
}

// ---- time-stamp and performance counters, MSRs ----
void set_edx_eax(Cpu& c, uint64_t v) {
    c.r[EAX] = static_cast<uint32_t>(v);
    c.r[EDX] = static_cast<uint32_t>(v >> 32);
}
void rdtsc(Cpu& c, const Insn&) {
    if ((c.cr4 & cr4_bit::TSD) && c.cpl() != 0) c.fault_gp0();
    set_edx_eax(c, c.msrs.tsc(c.ticks));
}
void rdpmc(Cpu& c, const Insn&) {
    if (!(c.cr4 & cr4_bit::PCE) && c.cpl() != 0) c.fault_gp0();
    if (c.r[ECX] > 1) c.fault_gp0();
    set_edx_eax(c, c.msrs.performance_counter(c.r[ECX], c.ticks));
}
void rdmsr(Cpu& c, const Insn&) {
    c.require_cpl0();
    const auto v = c.msrs.read(c.r[ECX], c.ticks);
    if (!v) c.fault_gp0();
    set_edx_eax(c, *v);
}
void wrmsr(Cpu& c, const Insn&) {
    c.require_cpl0();
    if (!c.msrs.write(c.r[ECX], (uint64_t(c.r[EDX]) << 32) | c.r[EAX], c.ticks)) c.fault_gp0();
}

// ---- CMPXCHG8B m64: EDX:EAX against the operand; ECX:EBX in when equal ----
void cmpxchg8b(Cpu& c, const Insn& i) {
    if (!i.is_mem()) c.fault(vec::UD);
    const uint32_t off = c.ea(i);
    // Both dwords must be writable before either is read back or stored.
    c.check_segment_access(i.seg, off, 8, true);
    c.probe_write(c.seg[i.seg].base + off, 8);
    const uint32_t lo = c.read_mem<uint32_t>(i.seg, off), hi = c.read_mem<uint32_t>(i.seg, off + 4);
    const bool equal = lo == c.r[EAX] && hi == c.r[EDX];
    if (equal) {
        c.write_mem<uint32_t>(i.seg, off, c.r[EBX]);
        c.write_mem<uint32_t>(i.seg, off + 4, c.r[ECX]);
    } else {
        c.write_mem<uint32_t>(i.seg, off, lo);  // the processor writes the old value back
        c.write_mem<uint32_t>(i.seg, off + 4, hi);
        c.r[EAX] = lo;
        c.r[EDX] = hi;
    }
    c.flags.set_flag(flag::ZF, equal);
}

// ---- CMOVcc: the source is read (and may fault) whatever the condition ----
template <unsigned Cc, typename T> void cmov(Cpu& c, const Insn& i) {
    const T v = read_rm<T>(c, i);
    if (condition(c, Cc)) c.set_reg<T>(i.reg, v);
}
template <unsigned... Cc> void register_cmov(OpTableBuilder& b, std::integer_sequence<unsigned, Cc...>) {
    static const char* const names[16] = {"cmovo", "cmovno", "cmovb", "cmovae", "cmove", "cmovne", "cmovbe", "cmova",
                                          "cmovs", "cmovns", "cmovp", "cmovnp", "cmovl", "cmovge", "cmovle", "cmovg"};
    (b.op(0x140 + Cc, names[Cc], kM, &cmov<Cc, uint16_t>, &cmov<Cc, uint32_t>), ...);
}

// ---- SYSENTER / SYSEXIT: flat segments derived from SYSENTER_CS ----
Segment flat(uint16_t sel, bool code, unsigned dpl) {
    const uint16_t access = static_cast<uint16_t>((code ? 0x9B : 0x93) | (dpl << 5));
    return Segment{sel, 0, 0xFFFFFFFFu, static_cast<uint16_t>(access | 0xC000)};  // G, D/B
}
void sysenter(Cpu& c, const Insn&) {
    const uint16_t cs = static_cast<uint16_t>(c.msrs.sysenter_cs & 0xFFFC);
    if (!c.protected_mode() || cs == 0) c.fault_gp0();
    c.set_eflags(c.flags.get() & ~(flag::VM | flag::IF | flag::RF));
    c.set_segment_cache(CS, flat(cs, true, 0));
    c.set_segment_cache(SS, flat(static_cast<uint16_t>(cs + 8), false, 0));
    c.r[ESP] = c.msrs.sysenter_esp;
    c.next_eip = c.msrs.sysenter_eip;
}
void sysexit(Cpu& c, const Insn&) {
    const uint16_t cs = static_cast<uint16_t>(c.msrs.sysenter_cs & 0xFFFC);
    if (!c.protected_mode() || c.v86() || c.cpl() != 0 || cs == 0) c.fault_gp0();
    c.set_segment_cache(CS, flat(static_cast<uint16_t>((cs + 16) | 3), true, 3));
    c.set_segment_cache(SS, flat(static_cast<uint16_t>((cs + 24) | 3), false, 3));
    c.r[ESP] = c.r[ECX];
    c.next_eip = c.r[EDX];
}

void ud2(Cpu& c, const Insn&) { c.fault(vec::UD); }

// NOP Ev (0F 1F /0, the multi-byte NOP compilers pad with) and the other
// hint NOPs 0F 19-1F of the P6 family: no memory access, no fault.
void hint_nop(Cpu&, const Insn&) {}

}  // namespace

void register_pentium_ops(OpTableBuilder& b) {
    const CpuModel m = b.model.model;
    if (m < CpuModel::pentium) return;
    constexpr uint8_t end = op_flag::kEndsBlock;
    b.op(0x1A2, "cpuid", kNone, &cpuid);
    b.op(0x131, "rdtsc", kNone, &rdtsc);
    b.op(0x132, "rdmsr", kNone, &rdmsr);
    b.op(0x130, "wrmsr", kNone, &wrmsr);
    b.group(0x1C7, 1, "cmpxchg8b", kM, &cmpxchg8b);
    b.op(0x10B, "ud2", kNone, &ud2, nullptr, end);
    if (m < CpuModel::p6) return;
    b.op(0x133, "rdpmc", kNone, &rdpmc);
    register_cmov(b, std::make_integer_sequence<unsigned, 16>{});
    b.op(0x134, "sysenter", kNone, &sysenter, nullptr, end);
    b.op(0x135, "sysexit", kNone, &sysexit, nullptr, end);
    for (uint16_t op = 0x119; op <= 0x11F; ++op) b.op(op, "nop", kM, &hint_nop);
}

}  // namespace amber
