#include "machine/scheduler.hpp"

namespace amber {

Scheduler::EventId Scheduler::add_event(std::string name, Callback cb) {
    events_.push_back({std::move(name), std::move(cb), kNever});
    return static_cast<EventId>(events_.size() - 1);
}

void Scheduler::schedule(EventId id, uint64_t deadline) {
    events_[id].deadline = deadline;
    if (deadline < next_) next_ = deadline;
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

// 128-bit intermediates keep the conversions exact for any run length.
uint64_t Scheduler::ns_to_ticks(uint64_t ns) const {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(ns) * ticks_per_second_) / 1'000'000'000u);
}

uint64_t Scheduler::ticks_to_ns(uint64_t ticks) const {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(ticks) * 1'000'000'000u) / ticks_per_second_);
}

}  // namespace amber
