// x, xp, walk, bt: guest memory by linear or physical address, the page
// walk of a linear address, and the EBP call chain.
#include <array>
#include <functional>
#include <optional>

#include "frontend/monitor/context.hpp"
#include "frontend/monitor/descriptors.hpp"
#include "mmu/paging.hpp"

namespace amber::monitor {

namespace {

constexpr uint64_t kDefaultDumpBytes = 0x80;
constexpr uint64_t kMaxDumpBytes = 0x10000;
constexpr unsigned kBytesPerLine = 16;

using ByteReader = std::function<std::optional<uint8_t>(uint32_t address)>;

// 16 bytes a line: address, hex ("--" where nothing is mapped), then text.
void hex_dump(Context& ctx, uint32_t start, uint64_t count, const ByteReader& byte_at) {
    for (uint64_t line = 0; line < count; line += kBytesPerLine) {
        const uint32_t at = start + static_cast<uint32_t>(line);
        std::string hex, text;
        for (unsigned i = 0; i < kBytesPerLine; ++i) {
            if (i == 8) hex += ' ';
            if (line + i >= count) {
                hex += "   ";
                continue;
            }
            const auto b = byte_at(at + i);
            hex += b ? fmt::format("{:02X} ", *b) : "-- ";
            text += !b ? ' ' : (*b >= 0x20 && *b < 0x7F) ? static_cast<char>(*b) : '.';
        }
        ctx.print("{:08X}  {} {}\n", at, hex, text);
    }
}

uint64_t dump_count(Context& ctx, Words w) {
    return w.size() == 2 ? parse_value(w[1], ctx.names(), "byte count", kMaxDumpBytes) : kDefaultDumpBytes;
}

struct NamedBit {
    uint32_t mask;
    const char* name;
};

std::string entry_bits(uint32_t entry, bool directory) {
    const std::array<NamedBit, 9> bits = {{
        {kEntryPresent, "P"}, {kEntryWritable, "RW"}, {kEntryUser, "US"}, {kEntryWriteThrough, "PWT"},
        {kEntryCacheDisable, "PCD"}, {kEntryAccessed, "A"}, {kEntryDirty, "D"},
        {kEntryLargePage, directory ? "PS" : "PAT"}, {kEntryGlobal, "G"},
    }};
    std::string s;
    for (const NamedBit& b : bits) {
        if (!(entry & b.mask)) continue;
        if (!s.empty()) s += ' ';
        s += b.name;
    }
    return "[" + s + "]";
}

}  // namespace

void cmd_examine(Context& ctx, Words w) {
    require_words(w, 1, 2, "x ADDR [N]");
    const uint32_t lin = linear_address(ctx.dbg, parse_address(w[0], ctx.names()));
    const uint64_t count = dump_count(ctx, w);
    auto byte_at = [&](uint32_t a) -> std::optional<uint8_t> {
        uint8_t b;
        if (!ctx.dbg.read_linear(a, std::span<uint8_t>(&b, 1))) return std::nullopt;
        return b;
    };
    bool any = count == 0;
    for (uint64_t i = 0; i < count && !any; i += kPageSize - ((lin + i) & kPageMask))
        any = byte_at(lin + static_cast<uint32_t>(i)).has_value();
    if (!any) throw CommandError(fmt::format("linear {:08X} is not mapped", lin));
    hex_dump(ctx, lin, count, byte_at);
}

void cmd_examine_physical(Context& ctx, Words w) {
    require_words(w, 1, 2, "xp ADDR [N]");
    const Address a = parse_address(w[0], ctx.names());
    uint32_t phys = a.offset;
    if (a.has_segment()) {  // SEG:OFF: through the segment and the page tables
        const uint32_t lin = linear_address(ctx.dbg, a);
        const auto p = ctx.cpu().translate(lin);
        if (!p) throw CommandError(fmt::format("linear {:08X} is not mapped", lin));
        phys = *p;
    }
    hex_dump(ctx, phys, dump_count(ctx, w), [&](uint32_t p) -> std::optional<uint8_t> {
        uint8_t b;
        ctx.dbg.read_physical(p, std::span<uint8_t>(&b, 1));
        return b;
    });
}

void cmd_walk(Context& ctx, Words w) {
    require_words(w, 1, 1, "walk ADDR");
    Cpu& c = ctx.cpu();
    if (c.model() < CpuModel::i386) throw CommandError(fmt::format("the {} has no paging", c.traits().name));
    const uint32_t lin = linear_address(ctx.dbg, parse_address(w[0], ctx.names()));
    if (!c.paging()) {
        ctx.print("paging is off: linear {:08X} is physical {:08X}\n", lin, c.translate(lin).value_or(lin));
        return;
    }
    const PagingMode mode = c.paging_mode();
    const PhysMemory& mem = ctx.dbg.machine().memory();
    ctx.print("linear {:08X}: directory entry {:03X}, table entry {:03X}, offset {:03X}\n", lin, lin >> 22,
              (lin >> 12) & 0x3FF, lin & kPageMask);
    const uint32_t pde_at = ((mode.cr3 & ~kPageMask) + (lin >> 22) * 4) & mode.address_mask;
    const uint32_t pde = mem.read<uint32_t>(pde_at);
    ctx.print("PDE at {:08X} = {:08X} {}\n", pde_at, pde, entry_bits(pde, true));
    if (!(pde & kEntryPresent)) {
        ctx.print("  not present: the walk stops at the directory\n");
    } else if (mode.pse && (pde & kEntryLargePage)) {
        ctx.print("  a 4 MiB page\n");
    } else {
        const uint32_t pte_at = ((pde & ~kPageMask) + ((lin >> 12) & 0x3FF) * 4) & mode.address_mask;
        const uint32_t pte = mem.read<uint32_t>(pte_at);
        ctx.print("PTE at {:08X} = {:08X} {}\n", pte_at, pte, entry_bits(pte, false));
        if (!(pte & kEntryPresent)) ctx.print("  not present: the walk stops at the table\n");
    }
    // The walker has the last word (rights, reserved bits, 4 MiB pages).
    const PageWalk walk = inspect_page_tables(mem, lin, mode);
    if (walk.ok)
        ctx.print("physical {:08X}: {} KiB page at {:08X}, {}, {}{}\n", walk.phys, walk.page_size / 1024,
                  walk.page_base, walk.user ? "user" : "supervisor only", walk.writable ? "writable" : "read-only",
                  walk.dirty ? ", dirty" : "");
    else
        ctx.print("no translation: an access would fault with #PF error code {:04X} ({})\n", walk.error_code,
                  (walk.error_code & kPageFaultReserved) ? "reserved bit set" : "not present");
}

void cmd_backtrace(Context& ctx, Words w) {
    require_words(w, 0, 0, "bt");
    Cpu& c = ctx.cpu();
    const int digits = c.code32() ? 8 : 4;
    const uint16_t cs = c.seg[CS].selector;
    ctx.print("#0  {:04X}:{:0{}X}\n", cs, c.eip, digits);
    const auto frames = ctx.dbg.call_chain();
    // Near calls only: a return address is taken to be in the current CS.
    for (size_t i = 0; i < frames.size(); ++i)
        ctx.print("#{}  {:04X}:{:0{}X}  (frame at {}={:0{}X})\n", i + 1, cs, frames[i].return_eip, digits,
                  c.code32() ? "ebp" : "bp", frames[i].ebp, digits);
    if (frames.empty()) ctx.print("(no frames: {} is 0 or its stack is not readable)\n", c.code32() ? "EBP" : "BP");
}

}  // namespace amber::monitor
