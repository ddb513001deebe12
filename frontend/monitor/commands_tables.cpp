// gdt, ldt, idt: descriptor tables (and the real-mode interrupt vector
// table), entry by entry.
#include <algorithm>

#include "frontend/monitor/context.hpp"
#include "frontend/monitor/descriptors.hpp"
#include "mmu/endian.hpp"

namespace amber::monitor {

namespace {

// A selector addresses at most 8192 entries; a larger LDT limit is not worth listing.
constexpr uint64_t kMaxTableBytes = 0x10000;

void require_descriptor_tables(const Cpu& c) {
    if (c.model() == CpuModel::i8086) throw CommandError("the 8086 has no descriptor tables");
}

// One line per entry: the selector (or vector), the raw descriptor as two
// dwords (high first, as manuals print them), then its meaning.
void show_entry(Context& ctx, const Table& t, uint32_t offset, uint32_t label, unsigned label_digits) {
    const auto raw = read_entry(ctx.dbg, t, offset);
    if (!raw) {
        ctx.print("{:0{}X}  (linear {:08X} is not mapped)\n", label, label_digits, t.base + offset);
        return;
    }
    ctx.print("{:0{}X}  {:08X} {:08X}  {}\n", label, label_digits, uint32_t(*raw >> 32), uint32_t(*raw),
              describe_descriptor(decode_entry(ctx.cpu(), *raw)));
}

// `what` names the entry: "selector 0040", "vector 30".
void check_in_table(const Table& t, uint32_t offset, unsigned entry_bytes, const std::string& what) {
    if (uint64_t(offset) + entry_bytes - 1 > t.limit)
        throw CommandError(fmt::format("{} is past the {} limit {:04X}", what, t.name, t.limit));
}

// gdt and ldt: one selector, or every entry that is not all zeros.
void selector_table(Context& ctx, const Table& t, Words w, std::string_view usage, uint32_t ti) {
    require_words(w, 0, 1, usage);
    if (w.size() == 1) {
        const auto sel = static_cast<uint32_t>(parse_value(w[0], ctx.names(), "selector", 0xFFFF));
        check_in_table(t, sel & 0xFFF8, 8, fmt::format("selector {:04X}", sel));
        show_entry(ctx, t, sel & 0xFFF8, (sel & 0xFFF8) | ti, 4);
        return;
    }
    ctx.print("{} base={:08X} limit={:04X}\n", t.name, t.base, t.limit);
    unsigned empty = 0;
    const uint64_t end = std::min<uint64_t>(uint64_t(t.limit) + 1, kMaxTableBytes);
    for (uint32_t offset = 0; offset + 8 <= end; offset += 8) {
        if (read_entry(ctx.dbg, t, offset) == uint64_t(0)) {
            ++empty;
            continue;
        }
        show_entry(ctx, t, offset, offset | ti, 4);
    }
    if (empty) ctx.print("({} empty entr{} not shown)\n", empty, empty == 1 ? "y" : "ies");
}

// Real mode: 256 far pointers, offset then segment.
void vector_table(Context& ctx, Words w) {
    const Table t = idt_of(ctx.cpu());
    auto show = [&](uint32_t vector) {
        uint8_t raw[4];
        if (!ctx.dbg.read_linear(t.base + vector * 4, raw))
            ctx.print("{:02X}  (not mapped)\n", vector);
        else
            ctx.print("{:02X}  {:04X}:{:04X}\n", vector, load_le<uint16_t>(raw + 2), load_le<uint16_t>(raw));
    };
    if (w.size() == 1) {
        const auto vector = static_cast<uint32_t>(parse_value(w[0], ctx.names(), "vector", 0xFF));
        check_in_table(t, vector * 4, 4, fmt::format("vector {:02X}", vector));
        show(vector);
        return;
    }
    ctx.print("IVT base={:08X} limit={:04X}\n", t.base, t.limit);
    unsigned empty = 0;
    for (uint32_t vector = 0; vector < 256 && vector * 4 + 3 <= t.limit; ++vector) {
        uint8_t raw[4];
        if (ctx.dbg.read_linear(t.base + vector * 4, raw) && load_le<uint32_t>(raw) == 0) ++empty;
        else show(vector);
    }
    if (empty) ctx.print("({} empty entr{} not shown)\n", empty, empty == 1 ? "y" : "ies");
}

}  // namespace

void cmd_gdt(Context& ctx, Words w) {
    require_descriptor_tables(ctx.cpu());
    selector_table(ctx, gdt_of(ctx.cpu()), w, "gdt [SELECTOR]", 0);
}

void cmd_ldt(Context& ctx, Words w) {
    require_descriptor_tables(ctx.cpu());
    selector_table(ctx, ldt_of(ctx.cpu()), w, "ldt [SELECTOR]", 4);
}

void cmd_idt(Context& ctx, Words w) {
    require_words(w, 0, 1, "idt [VECTOR]");
    const Cpu& c = ctx.cpu();
    if (!c.protected_mode()) {
        vector_table(ctx, w);
        return;
    }
    const Table t = idt_of(c);
    if (w.size() == 1) {
        const auto vector = static_cast<uint32_t>(parse_value(w[0], ctx.names(), "vector", 0xFF));
        check_in_table(t, vector * 8, 8, fmt::format("vector {:02X}", vector));
        show_entry(ctx, t, vector * 8, vector, 2);
        return;
    }
    ctx.print("IDT base={:08X} limit={:04X}\n", t.base, t.limit);
    unsigned empty = 0;
    for (uint32_t vector = 0; vector < 256 && vector * 8 + 7 <= t.limit; ++vector) {
        if (read_entry(ctx.dbg, t, vector * 8) == uint64_t(0)) ++empty;
        else show_entry(ctx, t, vector * 8, vector, 2);
    }
    if (empty) ctx.print("({} empty entr{} not shown)\n", empty, empty == 1 ? "y" : "ies");
}

}  // namespace amber::monitor
