#include "frontend/vectors/test_case.hpp"

namespace amber::vectors {

namespace {
constexpr std::string_view kNames16[kFieldCount] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
                                                    "es", "cs", "ss", "ds", "fs", "gs", "ip", "flags"};
constexpr std::string_view kNames32[kFieldCount] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                                    "es",  "cs",  "ss",  "ds",  "fs",  "gs",  "eip", "eflags"};
}  // namespace

std::string_view field_name(Field f, bool wide) {
    return (wide ? kNames32 : kNames16)[static_cast<unsigned>(f)];
}

std::optional<Field> parse_field(std::string_view name) {
    for (unsigned i = 0; i < kFieldCount; ++i)
        if (kNames16[i] == name || kNames32[i] == name) return static_cast<Field>(i);
    return std::nullopt;
}

}  // namespace amber::vectors
