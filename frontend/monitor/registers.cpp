#include "frontend/monitor/registers.hpp"

#include <array>

#include <fmt/format.h>

#include "frontend/monitor/parse.hpp"

namespace amber::monitor {

namespace {
// In the CPU's register order (EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI).
constexpr std::array<std::string_view, 8> kNames32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
constexpr std::array<std::string_view, 8> kNames16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
constexpr std::array<std::string_view, 8> kNames8 = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
}  // namespace

std::optional<uint32_t> register_value(const Cpu& cpu, std::string_view name) {
    for (unsigned i = 0; i < 8; ++i) {
        if (name == kNames32[i]) return cpu.r[i];
        if (name == kNames16[i]) return cpu.r[i] & 0xFFFF;
        if (name == kNames8[i]) return cpu.reg<uint8_t>(i);
    }
    if (name == "eip") return cpu.eip;
    if (name == "ip") return cpu.eip & 0xFFFF;
    if (name == "eflags" || name == "flags") return cpu.flags.get();
    if (auto sr = segment_register_index(name)) return cpu.seg[*sr].selector;
    if (name == "cr0") return cpu.cr0;
    if (name == "cr2") return cpu.cr2;
    if (name == "cr3") return cpu.cr3;
    if (name == "cr4") return cpu.cr4;
    if (name.size() == 3 && name.starts_with("dr") && name[2] >= '0' && name[2] <= '7') return cpu.dr[name[2] - '0'];
    return std::nullopt;
}

std::string describe_mode(const Cpu& cpu) {
    std::string s = cpu.v86() ? "virtual-8086 mode" : cpu.protected_mode() ? "protected mode" : "real mode";
    if (cpu.paging()) s += ", paging";
    s += fmt::format(", CPL {}, {}-bit code", cpu.cpl(), cpu.code32() ? 32 : 16);
    return s;
}

}  // namespace amber::monitor
