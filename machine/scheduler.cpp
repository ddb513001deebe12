#include "machine/scheduler.hpp"

namespace amber {

Scheduler::EventId Scheduler::add_event(std::string name, Callback cb, Wakes wakes) {
    events_.push_back({std::move(name), std::move(cb), kNever, wakes});
    return static_cast<EventId>(events_.size() - 1);
}

void Scheduler::schedule(EventId id, uint64_t deadline) {
    events_[id].deadline = deadline;
    if (deadline < next_) {
        next_ = deadline;
        if (earlier_) earlier_(deadline);
    }
}

void Scheduler::cancel(EventId id) {
    bool was_next = events_[id].deadline == next_;
    events_[id].deadline = kNever;
    if (was_next) recompute_next();
}

void Scheduler::recompute_next() {
    next_ = kNever;
    for (const Event& e : events_)
        if (e.deadline < next_) next_ = e.deadline;
}

uint64_t Scheduler::next_wakeup() const {
    uint64_t next = kNever;
    for (const Event& e : events_)
        if (e.wakes == Wakes::Cpu && e.deadline < next) next = e.deadline;
    return next;
}

void Scheduler::run_due(uint64_t now) {
    while (next_ <= now) {
        // Earliest deadline first; the lowest id wins a tie.
        EventId due = 0;
        uint64_t best = kNever;
        for (EventId i = 0; i < events_.size(); ++i)
            if (events_[i].deadline < best) best = events_[i].deadline, due = i;
        events_[due].deadline = kNever;
        recompute_next();
        events_[due].cb(now);  // may reschedule itself
    }
}

// Exact for any run length without 128-bit arithmetic (which 32-bit hosts
// lack): whole seconds and the remainder are scaled separately. The
// remainder products stay below 2^64 for rates up to 10^10 ticks per second.
uint64_t Scheduler::ns_to_ticks(uint64_t ns) const {
    constexpr uint64_t kNsPerSecond = 1'000'000'000u;
    return ns / kNsPerSecond * ticks_per_second_ + ns % kNsPerSecond * ticks_per_second_ / kNsPerSecond;
}

uint64_t Scheduler::ticks_to_ns(uint64_t ticks) const {
    constexpr uint64_t kNsPerSecond = 1'000'000'000u;
    return ticks / ticks_per_second_ * kNsPerSecond + ticks % ticks_per_second_ * kNsPerSecond / ticks_per_second_;
}

}  // namespace amber
