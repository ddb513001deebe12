#include "frontend/session.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include <fmt/format.h>

namespace amber::cli {

namespace {

// About a few milliseconds of host time: short enough for a live screen and
// prompt script steps, long enough to cost nothing.
constexpr uint64_t kSlice = 1u << 20;

// With a person at the terminal, time the guest spends halted passes as real
// time, as on hardware (and as QEMU's icount does with sleep): a guest's
// `sleep 1` takes a second, a boot menu waits for the user, and an idle
// guest leaves the host CPU alone. Busy guest time still runs as fast as
// the instructions do. Only the host waits: the guest runs the same
// instructions either way.
class IdlePacer {
public:
    IdlePacer(const Machine& m) : last_idle_(m.idle_ticks()), last_wall_(Clock::now()) {}

    // After a slice: sleep off the idle time the slice skipped, less the
    // real time it took anyway (a slow UART poll already waited).
    void after_slice(const Machine& m, uint64_t ticks_per_second) {
        const uint64_t idle = m.idle_ticks() - last_idle_;
        last_idle_ = m.idle_ticks();
        const auto now = Clock::now();
        debt_ += std::chrono::duration<double>(double(idle) / double(ticks_per_second)) - (now - last_wall_);
        debt_ = std::clamp(debt_, Seconds(0), kMaxDebt);
        if (debt_ > kMinSleep) {
            const Seconds nap = std::min(debt_, kMaxSleep);
            std::this_thread::sleep_for(nap);
        }
        last_wall_ = Clock::now();
        if (last_wall_ - now > Seconds(0)) debt_ -= std::min<Seconds>(debt_, last_wall_ - now);
    }

private:
    using Clock = std::chrono::steady_clock;
    using Seconds = std::chrono::duration<double>;
    static constexpr Seconds kMinSleep{0.002}, kMaxSleep{0.02}, kMaxDebt{0.1};
    uint64_t last_idle_;
    Clock::time_point last_wall_;
    Seconds debt_{0};
};

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
    std::optional<IdlePacer> pacer;
    if (s.pace_idle) pacer.emplace(m);
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
        if (pacer) pacer->after_slice(m, m.scheduler().ticks_per_second());
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
