// Register names the monitor understands in values (`x ss:esp`, `walk cr2`),
// read from the CPU's current state, and the CPU's mode in words.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cpu/cpu.hpp"

namespace amber::monitor {

// eax..edi, ax..di, al..bh, eip/ip, eflags/flags, es..gs (the selector),
// cr0, cr2, cr3, cr4, dr0..dr7. Nothing for any other name.
std::optional<uint32_t> register_value(const Cpu& cpu, std::string_view name);

// "protected mode, paging, CPL 0, 32-bit code" and the like.
std::string describe_mode(const Cpu& cpu);

}  // namespace amber::monitor
