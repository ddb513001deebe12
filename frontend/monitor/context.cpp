#include "frontend/monitor/context.hpp"

#include "frontend/monitor/registers.hpp"

namespace amber::monitor {

NameLookup Context::names() {
    return [this](std::string_view name) { return register_value(cpu(), name); };
}

uint64_t Context::ticks_left() {
    if (tick_limit == Debugger::kForever) return Debugger::kForever;
    return tick_limit > cpu().ticks ? tick_limit - cpu().ticks : 0;
}

void require_words(Words w, size_t min, size_t max, std::string_view usage) {
    if (w.size() < min || w.size() > max) throw CommandError(fmt::format("usage: {}", usage));
}

}  // namespace amber::monitor
