// regs, sregs, cregs: the CPU's registers (fpu: commands_fpu.cpp).
#include <array>

#include "frontend/monitor/context.hpp"
#include "frontend/monitor/descriptors.hpp"
#include "frontend/monitor/registers.hpp"

namespace amber::monitor {

namespace {

struct NamedBit {
    uint32_t mask;
    const char* name;
};

// The names of the set bits, highest first: "[PG ET PE]".
template <size_t N> std::string bit_names(uint32_t value, const std::array<NamedBit, N>& bits) {
    std::string s;
    for (const NamedBit& b : bits) {
        if (!(value & b.mask)) continue;
        if (!s.empty()) s += ' ';
        s += b.name;
    }
    return "[" + s + "]";
}

constexpr std::array<NamedBit, 14> kEflagsBits = {{
    {flag::ID, "ID"}, {flag::AC, "AC"}, {flag::VM, "VM"}, {flag::RF, "RF"}, {flag::NT, "NT"},
    {flag::OF, "OF"}, {flag::DF, "DF"}, {flag::IF, "IF"}, {flag::TF, "TF"}, {flag::SF, "SF"},
    {flag::ZF, "ZF"}, {flag::AF, "AF"}, {flag::PF, "PF"}, {flag::CF, "CF"},
}};

constexpr std::array<NamedBit, 11> kCr0Bits = {{
    {cr0_bit::PG, "PG"}, {cr0_bit::CD, "CD"}, {cr0_bit::NW, "NW"}, {cr0_bit::AM, "AM"}, {cr0_bit::WP, "WP"},
    {cr0_bit::NE, "NE"}, {cr0_bit::ET, "ET"}, {cr0_bit::TS, "TS"}, {cr0_bit::EM, "EM"}, {cr0_bit::MP, "MP"},
    {cr0_bit::PE, "PE"},
}};

// CR4 as the SDM names its bits (the CPU keeps it as a plain value).
constexpr std::array<NamedBit, 9> kCr4Bits = {{
    {1u << 8, "PCE"}, {1u << 7, "PGE"}, {1u << 6, "MCE"}, {1u << 5, "PAE"}, {1u << 4, "PSE"},
    {1u << 3, "DE"}, {1u << 2, "TSD"}, {1u << 1, "PVI"}, {1u << 0, "VME"},
}};

std::string eflags_text(uint32_t v) {
    std::string s = bit_names(v, kEflagsBits);
    // IOPL is a field, not a flag: shown only when not 0.
    const unsigned iopl = (v & flag::IOPL) >> 12;
    if (iopl) s += fmt::format(" IOPL={}", iopl);
    return s;
}

bool is_16bit_cpu(const Cpu& c) { return c.model() == CpuModel::i8086 || c.model() == CpuModel::i80286; }

constexpr std::array<const char*, 6> kSegmentNames = {"es", "cs", "ss", "ds", "fs", "gs"};

}  // namespace

void cmd_regs(Context& ctx, Words w) {
    require_words(w, 0, 0, "regs");
    const Cpu& c = ctx.cpu();
    // The SDM's order: A, B, C, D, then SI, DI, BP, SP.
    constexpr std::array<std::pair<unsigned, const char*>, 8> kOrder = {
        {{EAX, "ax"}, {EBX, "bx"}, {ECX, "cx"}, {EDX, "dx"}, {ESI, "si"}, {EDI, "di"}, {EBP, "bp"}, {ESP, "sp"}}};
    const bool narrow = is_16bit_cpu(c);
    for (size_t i = 0; i < kOrder.size(); ++i) {
        const auto [reg, name] = kOrder[i];
        if (narrow) ctx.print("{}={:04X}", name, c.r[reg] & 0xFFFF);
        else ctx.print("e{}={:08X}", name, c.r[reg]);
        ctx.out += i % 4 == 3 ? "\n" : "  ";
    }
    const uint32_t eflags = c.flags.get();
    if (narrow) ctx.print("ip={:04X}  flags={:04X} {}\n", c.eip & 0xFFFF, eflags & 0xFFFF, eflags_text(eflags));
    else ctx.print("eip={:08X}  eflags={:08X} {}\n", c.eip, eflags, eflags_text(eflags));
    ctx.print("{}, tick #{}\n", describe_mode(c), c.ticks);
}

void cmd_sregs(Context& ctx, Words w) {
    require_words(w, 0, 0, "sregs");
    const Cpu& c = ctx.cpu();
    if (c.model() == CpuModel::i8086) {
        for (int sr : {ES, CS, SS, DS})
            ctx.print("{}={:04X}  base {:05X}\n", kSegmentNames[sr], c.seg[sr].selector, c.seg[sr].base);
        return;
    }
    const int count = c.model() == CpuModel::i80286 ? 4 : 6;  // FS and GS came with the 386
    for (int sr = 0; sr < count; ++sr)
        ctx.print("{}={:04X}    attr={:04X}  {}\n", kSegmentNames[sr], c.seg[sr].selector, c.seg[sr].attr,
                  describe_segment_cache(c.seg[sr]));
    ctx.print("ldtr={:04X}  attr={:04X}  {}\n", c.ldtr.selector, c.ldtr.attr, describe_segment_cache(c.ldtr));
    ctx.print("tr={:04X}    attr={:04X}  {}\n", c.tr.selector, c.tr.attr, describe_segment_cache(c.tr));
}

void cmd_cregs(Context& ctx, Words w) {
    require_words(w, 0, 0, "cregs");
    const Cpu& c = ctx.cpu();
    if (c.model() == CpuModel::i8086) {
        ctx.print("the 8086 has no control, debug or descriptor-table registers\n");
        return;
    }
    if (c.model() == CpuModel::i80286) {
        ctx.print("msw={:04X} {}\n", c.cr0 & 0xFFFF, bit_names(c.cr0 & 0xFFFF, kCr0Bits));
    } else {
        ctx.print("cr0={:08X} {}\n", c.cr0, bit_names(c.cr0, kCr0Bits));
        ctx.print("cr2={:08X}  cr3={:08X}  cr4={:08X} {}\n", c.cr2, c.cr3, c.cr4, bit_names(c.cr4, kCr4Bits));
        ctx.print("dr0={:08X}  dr1={:08X}  dr2={:08X}  dr3={:08X}\n", c.dr[0], c.dr[1], c.dr[2], c.dr[3]);
        ctx.print("dr6={:08X}  dr7={:08X}\n", c.dr[6], c.dr[7]);
    }
    ctx.print("gdtr base={:08X} limit={:04X}\n", c.gdtr.base, c.gdtr.limit);
    ctx.print("idtr base={:08X} limit={:04X}\n", c.idtr.base, c.idtr.limit);
    ctx.print("ldtr={:04X}  {}\n", c.ldtr.selector, describe_segment_cache(c.ldtr));
    ctx.print("tr={:04X}    {}\n", c.tr.selector, describe_segment_cache(c.tr));
}

}  // namespace amber::monitor
