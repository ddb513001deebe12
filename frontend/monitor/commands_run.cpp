// continue, step, next, until: execution control, bounded by the tick
// limit, and the report printed when a run stops.
#include <algorithm>

#include "frontend/monitor/context.hpp"
#include "frontend/monitor/descriptors.hpp"
#include "frontend/monitor/registers.hpp"

namespace amber::monitor {

namespace {

using Stop = Debugger::Stop;

Stop tick_limit_stop(Context& ctx) {
    Stop s;
    s.why = Stop::Why::Machine;
    s.machine = {StopReason::TickLimit, 0, ctx.cpu().ticks, "tick limit reached"};
    return s;
}

const Debugger::Breakpoint* find_breakpoint(Context& ctx, int id) {
    for (const auto& b : ctx.dbg.breakpoints())
        if (b.id == id) return &b;
    return nullptr;
}

// What the core's description leaves out: which breakpoint that was, and
// what a catch saw.
std::string stop_details(Context& ctx, const Stop& s) {
    if (s.why == Stop::Why::Machine && s.machine.reason == StopReason::TickLimit) return " (--max-ticks)";
    const Debugger::Breakpoint* b = s.breakpoint ? find_breakpoint(ctx, s.breakpoint) : nullptr;
    if (!b) return "";
    switch (b->kind) {
    case Debugger::Kind::Port:
        return fmt::format(" ({} port {:04X})", s.write ? "out to" : "in from", s.address);
    case Debugger::Kind::Vector: return fmt::format(" (vector {:02X})", s.address);
    case Debugger::Kind::ModeSwitch: return fmt::format(" (now {})", describe_mode(ctx.cpu()));
    default: return fmt::format(" ({})", b->describe());
    }
}

}  // namespace

void report_stop(Context& ctx, const Stop& s) {
    ctx.print("{}{} at tick #{}\n", s.describe(), stop_details(ctx, s), ctx.cpu().ticks);
    ctx.print("{}\n", current_instruction(ctx));
}

void cmd_continue(Context& ctx, Words w) {
    require_words(w, 0, 0, "continue");
    report_stop(ctx, ctx.dbg.run(ctx.ticks_left()));
}

void cmd_step(Context& ctx, Words w) {
    require_words(w, 0, 1, "step [N]");
    const uint64_t n = w.empty() ? 1 : parse_value(w[0], ctx.names(), "count", Debugger::kForever);
    const uint64_t left = ctx.ticks_left();
    Stop s = ctx.dbg.step(std::min(n, left));
    if (s.why == Stop::Why::Stepped && n > left) s = tick_limit_stop(ctx);
    report_stop(ctx, s);
}

void cmd_next(Context& ctx, Words w) {
    require_words(w, 0, 0, "next");
    Stop s = ctx.ticks_left() ? ctx.dbg.step_over(ctx.ticks_left()) : tick_limit_stop(ctx);
    if (s.why == Stop::Why::Reached) s.why = Stop::Why::Stepped;  // back after the CALL or INT: one step, as seen from here
    report_stop(ctx, s);
}

void cmd_until(Context& ctx, Words w) {
    constexpr std::string_view kUsage = "until ADDR | until tick N";
    require_words(w, 1, 2, kUsage);
    if (w[0] == "tick") {
        require_words(w, 2, 2, kUsage);
        const uint64_t tick = parse_value(w[1], ctx.names(), "tick", Debugger::kForever);
        const uint64_t now = ctx.cpu().ticks;
        if (tick <= now) throw CommandError(fmt::format("tick #{} has passed (now #{})", tick, now));
        Stop s = ctx.dbg.run_to_tick(std::min(tick, ctx.tick_limit));
        if (s.why == Stop::Why::Reached && tick > ctx.tick_limit) s = tick_limit_stop(ctx);
        report_stop(ctx, s);
        return;
    }
    require_words(w, 1, 1, kUsage);
    const uint32_t lin = linear_address(ctx.dbg, parse_address(w[0], ctx.names()));
    report_stop(ctx, ctx.dbg.run_to_linear(lin, ctx.ticks_left()));
}

}  // namespace amber::monitor
