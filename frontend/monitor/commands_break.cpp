// break, watch, catch, delete, info break: what makes a run stop.
#include <charconv>

#include "frontend/monitor/context.hpp"
#include "frontend/monitor/descriptors.hpp"

namespace amber::monitor {

namespace {

using Breakpoint = Debugger::Breakpoint;
using Kind = Debugger::Kind;

const char* noun(Kind k) {
    switch (k) {
    case Kind::CsEip:
    case Kind::Linear:
    case Kind::Physical: return "breakpoint";
    case Kind::Watch: return "watchpoint";
    default: return "catch";
    }
}

void add_and_report(Context& ctx, const Breakpoint& b) {
    const int id = ctx.dbg.add(b);
    ctx.print("{} {}: {}\n", noun(b.kind), id, ctx.dbg.breakpoints().back().describe());
}

// Breakpoint ids are decimal, as listed (they are names, not addresses).
int parse_id(const std::string& text) {
    int id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
        throw CommandError(fmt::format("'{}' is not a breakpoint id (see 'info break')", text));
    return id;
}

}  // namespace

void cmd_break(Context& ctx, Words w) {
    constexpr std::string_view kUsage = "break SEG:OFF | lin ADDR | phys ADDR";
    require_words(w, 1, 2, kUsage);
    Breakpoint b;
    if (w.size() == 2) {
        if (w[0] == "lin") {
            b.kind = Kind::Linear;
            b.address = linear_address(ctx.dbg, parse_address(w[1], ctx.names()));
        } else if (w[0] == "phys") {
            b.kind = Kind::Physical;
            b.address = static_cast<uint32_t>(parse_value(w[1], ctx.names(), "physical address"));
        } else {
            throw CommandError(fmt::format("usage: {}", kUsage));
        }
    } else {
        const Address a = parse_address(w[0], ctx.names());
        if (a.has_segment()) {  // CS:EIP as the CPU will hold them, whatever the mode
            b.kind = Kind::CsEip;
            b.cs = a.segment_register ? ctx.cpu().seg[*a.segment_register].selector : *a.segment;
        } else {
            b.kind = Kind::Linear;
        }
        b.address = a.offset;
    }
    add_and_report(ctx, b);
}

void cmd_watch(Context& ctx, Words w) {
    constexpr std::string_view kUsage = "watch [r|w|rw] [phys] ADDR [LEN]";
    size_t i = 0;
    Breakpoint b;
    b.kind = Kind::Watch;
    if (i < w.size() && (w[i] == "r" || w[i] == "w" || w[i] == "rw")) {
        b.on_read = w[i].find('r') != std::string::npos;
        b.on_write = w[i].find('w') != std::string::npos;
        ++i;
    }
    if (i < w.size() && w[i] == "phys") {
        b.physical = true;
        ++i;
    }
    require_words(w.subspan(std::min(i, w.size())), 1, 2, kUsage);
    b.address = b.physical ? static_cast<uint32_t>(parse_value(w[i], ctx.names(), "physical address"))
                           : linear_address(ctx.dbg, parse_address(w[i], ctx.names()));
    if (i + 1 < w.size()) {
        b.length = static_cast<uint32_t>(parse_value(w[i + 1], ctx.names(), "length"));
        if (b.length == 0) throw CommandError("a watchpoint covers at least one byte");
        if (uint64_t(b.address) + b.length > 0x100000000ull)
            throw CommandError("a watchpoint cannot run past the end of the address space");
    }
    add_and_report(ctx, b);
}

void cmd_catch(Context& ctx, Words w) {
    constexpr std::string_view kUsage = "catch int N|all | catch io PORT[-PORT] | catch mode";
    require_words(w, 1, 2, kUsage);
    Breakpoint b;
    if (w[0] == "int" && w.size() == 2) {
        b.kind = Kind::Vector;
        if (w[1] == "all") b.any_vector = true;
        else b.address = static_cast<uint32_t>(parse_value(w[1], ctx.names(), "vector", 0xFF));
    } else if (w[0] == "io" && w.size() == 2) {
        b.kind = Kind::Port;
        const size_t dash = w[1].find('-');
        const uint32_t first = static_cast<uint32_t>(parse_value(w[1].substr(0, dash), ctx.names(), "port", 0xFFFF));
        uint32_t last = first;
        if (dash != std::string::npos)
            last = static_cast<uint32_t>(parse_value(w[1].substr(dash + 1), ctx.names(), "port", 0xFFFF));
        if (last < first) throw CommandError(fmt::format("port range {:X}-{:X} runs backwards", first, last));
        b.address = first;
        b.length = last - first + 1;
    } else if (w[0] == "mode" && w.size() == 1) {
        b.kind = Kind::ModeSwitch;
    } else {
        throw CommandError(fmt::format("usage: {}", kUsage));
    }
    add_and_report(ctx, b);
}

void cmd_delete(Context& ctx, Words w) {
    require_words(w, 1, 1, "delete ID|all");
    if (w[0] == "all") {
        std::vector<int> ids;
        for (const auto& b : ctx.dbg.breakpoints()) ids.push_back(b.id);
        for (int id : ids) ctx.dbg.remove(id);
        ctx.print("deleted {} breakpoint{}\n", ids.size(), ids.size() == 1 ? "" : "s");
        return;
    }
    const int id = parse_id(w[0]);
    if (!ctx.dbg.remove(id)) throw CommandError(fmt::format("no breakpoint {}", id));
    ctx.print("deleted {}\n", id);
}

void cmd_info(Context& ctx, Words w) {
    constexpr std::string_view kUsage = "info break";
    require_words(w, 1, 1, kUsage);
    if (w[0] != "break" && w[0] != "b" && w[0] != "breakpoints") throw CommandError(fmt::format("usage: {}", kUsage));
    if (ctx.dbg.breakpoints().empty()) {
        ctx.print("no breakpoints, watchpoints or catches\n");
        return;
    }
    for (const Breakpoint& b : ctx.dbg.breakpoints())
        ctx.print("{:>3}  {:<44} {} hit{}\n", b.id, b.describe(), b.hits, b.hits == 1 ? "" : "s");
}

}  // namespace amber::monitor
