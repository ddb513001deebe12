#include "frontend/session.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace amber::cli {

namespace {

// About a few milliseconds of host time: short enough for a live screen and
// prompt script steps, long enough to cost nothing.
constexpr uint64_t kSlice = 1u << 20;

}  // namespace

std::unique_ptr<Automation> make_automation(const MachineOptions& o, Machine& m, const MachineExtras& extras) {
    if (o.script.empty()) return nullptr;
    auto steps = parse_script(o.script, m.scheduler().ticks_per_second());
    if (steps.empty()) return nullptr;
    return std::make_unique<Automation>(std::move(steps), extras.ports, extras.serial_tap, extras.debugcon_tap);
}

RunResult run_session(Machine& m, uint64_t max_ticks, Session& s) {
    const uint64_t start = m.cpu().ticks;
    const uint64_t limit = max_ticks == Scheduler::kNever ? Scheduler::kNever : start + max_ticks;
    for (;;) {
        const uint64_t now = m.cpu().ticks;
        if (s.automation) {
            if (auto status = s.automation->poll(now))
                return {StopReason::ScriptEnded, *status, now, s.automation->message()};
        }
        const uint64_t next_input = s.host_input ? s.host_input(now) : Scheduler::kNever;
        if (now >= limit) return {StopReason::TickLimit, 0, now, "tick limit reached"};
        uint64_t end = std::min(limit, now + kSlice);
        if (s.automation) end = std::min(end, std::max(s.automation->next_deadline(), now + 1));
        end = std::min(end, std::max(next_input, now + 1));
        RunResult r = m.run(end - now);
        if (s.between_slices) s.between_slices();
        if (r.reason == StopReason::TickLimit) continue;
        if (r.reason == StopReason::Requested && r.message == kMonitorRequest && s.enter_monitor) {
            if (s.enter_monitor()) continue;
            return {StopReason::Requested, 0, m.cpu().ticks, "quit from the monitor"};
        }
        return r;
    }
}

}  // namespace amber::cli
