// Timed events on the virtual clock. Time is measured in ticks; with
// determinism on, a tick is one executed instruction (or one iteration of a
// repeated string instruction), so event times are identical on every run
// and every host. The CPU asks for next_deadline() and runs until then.
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace amber {

class Scheduler {
public:
    using EventId = unsigned;
    using Callback = std::function<void(uint64_t now)>;
    static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

    explicit Scheduler(uint64_t ticks_per_second = 100'000'000) : ticks_per_second_(ticks_per_second) {}

    // An observer event (a trace checkpoint) can never raise an interrupt,
    // so it does not count as something a halted CPU could wake up for.
    enum class Wakes : uint8_t { Cpu, Nothing };
    EventId add_event(std::string name, Callback cb, Wakes wakes = Wakes::Cpu);
    void schedule(EventId id, uint64_t deadline);  // absolute tick
    void cancel(EventId id);
    bool pending(EventId id) const { return events_[id].deadline != kNever; }
    uint64_t deadline(EventId id) const { return events_[id].deadline; }

    uint64_t next_deadline() const { return next_; }
    // The earliest event that may wake a halted CPU (kNever: none).
    uint64_t next_wakeup() const;
    // Fires every event whose deadline is <= now, earliest first (ties in
    // registration order, so the order is deterministic).
    void run_due(uint64_t now);

    // Told when an event is scheduled earlier than anything before it, so a
    // CPU already running towards the old deadline stops in time (a device
    // that starts a timer from inside the guest's OUT).
    void set_earlier_deadline_listener(std::function<void(uint64_t)> l) { earlier_ = std::move(l); }

    uint64_t ticks_per_second() const { return ticks_per_second_; }
    uint64_t ns_to_ticks(uint64_t ns) const;
    uint64_t ticks_to_ns(uint64_t ticks) const;

private:
    struct Event {
        std::string name;
        Callback cb;
        uint64_t deadline = kNever;
        Wakes wakes = Wakes::Cpu;
    };
    void recompute_next();

    std::vector<Event> events_;
    uint64_t next_ = kNever;
    uint64_t ticks_per_second_;
    std::function<void(uint64_t)> earlier_;
};

}  // namespace amber
