// Compares a run with a recorded trace as the run produces its events, and
// describes the first divergence: the event expected and the one seen, and
// for a checkpoint which registers, RAM pages and devices differ.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "machine/trace_recorder.hpp"

namespace amber {

class TraceComparer final : public TraceSink {
public:
    // Stops the machine at the first divergence.
    TraceComparer(const Trace& expected, Machine& m) : expected_(expected), m_(m) {}
    void add(const TraceEvent& e) override;

    bool diverged() const { return divergence_.has_value(); }
    // All recorded events were seen, and nothing else.
    bool complete() const { return !diverged() && next_ == expected_.events.size(); }
    size_t matched() const { return next_; }
    // The recorded event that was due next (for a run that ended early).
    const TraceEvent* next_expected() const {
        return next_ < expected_.events.size() ? &expected_.events[next_] : nullptr;
    }

    struct Divergence {
        std::optional<TraceEvent> expected;  // none: the run produced more than the recording
        TraceEvent seen;
        std::vector<std::string> details;    // registers, pages, devices that differ
    };
    const std::optional<Divergence>& divergence() const { return divergence_; }

private:
    const Trace& expected_;
    Machine& m_;
    size_t next_ = 0;
    std::optional<Divergence> divergence_;
};

// What differs between two checkpoints, one line per difference; device
// names come from the machine when given.
std::vector<std::string> checkpoint_differences(const TraceCheckpoint& want, const TraceCheckpoint& got,
                                                const Machine* m = nullptr);

}  // namespace amber
