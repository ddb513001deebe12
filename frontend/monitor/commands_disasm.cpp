// u, u16, u32: Capstone disassembly at CS:EIP or any address; and the
// one-line view of the next instruction that every stop prints.
#include <optional>

#include "frontend/monitor/context.hpp"
#include "frontend/monitor/descriptors.hpp"

namespace amber::monitor {

namespace {

constexpr unsigned kMaxInsnBytes = 15;
constexpr uint64_t kDefaultCount = 10;
constexpr uint64_t kMaxCount = 0x400;

std::string hex_bytes(std::span<const uint8_t> bytes) {
    std::string s;
    for (uint8_t b : bytes) s += fmt::format("{:02X} ", b);
    return s;
}

void disassemble_command(Context& ctx, Words w, std::optional<bool> code32, std::string_view usage) {
    require_words(w, 0, 2, usage);
    Cpu& c = ctx.cpu();
    Address a;
    if (w.empty()) {
        a.segment_register = CS;
        a.offset = c.eip;
    } else {
        a = parse_address(w[0], ctx.names());
    }
    const uint64_t count = w.size() == 2 ? parse_value(w[1], ctx.names(), "count", kMaxCount) : kDefaultCount;
    const bool wide = code32.value_or(c.code32());
    uint32_t lin = linear_address(ctx.dbg, a);
    uint32_t offset = a.offset;
    const uint16_t segment = a.segment_register ? c.seg[*a.segment_register].selector : a.segment.value_or(0);
    for (uint64_t i = 0; i < count; ++i) {
        // Label and branch targets by offset for SEG:OFF, by linear address otherwise.
        const std::string label = a.has_segment() ? fmt::format("{:04X}:{:0{}X}", segment, offset, wide ? 8 : 4)
                                                  : fmt::format("{:08X}", lin);
        CodeLine line = disassemble(ctx, lin, label, a.has_segment() ? offset : lin, wide);
        ctx.out += line.text + "\n";
        if (line.length == 0) break;
        lin += line.length;
        offset = wide ? offset + line.length : (offset + line.length) & 0xFFFF;
    }
}

}  // namespace

CodeLine disassemble(Context& ctx, uint32_t linear, const std::string& label, uint32_t address, bool code32) {
    // Read what is mapped of the longest possible instruction.
    uint8_t bytes[kMaxInsnBytes];
    unsigned have = 0;
    while (have < kMaxInsnBytes && ctx.dbg.read_linear(linear + have, std::span<uint8_t>(bytes + have, 1))) ++have;
    if (have == 0) return {0, fmt::format("{}  (linear {:08X} is not mapped)", label, linear)};
    const Disassembler::Line d = ctx.dis.one(std::span<const uint8_t>(bytes, have), address, code32);
    const unsigned length = d.length ? d.length : 1;  // an undecodable byte: show it and move on
    return {length, fmt::format("{}  {:<30}{}", label, hex_bytes(std::span<const uint8_t>(bytes, length)), d.text)};
}

std::string current_instruction(Context& ctx) {
    Cpu& c = ctx.cpu();
    const std::string label = fmt::format("{:04X}:{:0{}X}", c.seg[CS].selector, c.eip, c.code32() ? 8 : 4);
    return disassemble(ctx, c.seg[CS].base + c.eip, label, c.eip, c.code32()).text;
}

void cmd_disassemble(Context& ctx, Words w) { disassemble_command(ctx, w, std::nullopt, "u [ADDR] [N]"); }
void cmd_disassemble16(Context& ctx, Words w) { disassemble_command(ctx, w, false, "u16 [ADDR] [N]"); }
void cmd_disassemble32(Context& ctx, Words w) { disassemble_command(ctx, w, true, "u32 [ADDR] [N]"); }

}  // namespace amber::monitor
