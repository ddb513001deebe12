// Produces a boot trace from a running machine (trace_format.hpp): it
// observes the CPU through its debug reports (interrupts, exceptions, mode
// switches, port I/O), the character devices through wrapped backends, and
// takes a checkpoint every 2^k ticks from a scheduler event that cannot wake
// a halted CPU -- so recording changes nothing the guest can see, and two
// runs of the same configuration produce the same trace.
//
// For `trace check`, the same recorder runs again with the input replayed
// from the recorded trace instead of the terminal, and a comparing sink.
#pragma once
#include <cstdint>
#include <map>
#include <memory>

#include "devices/char_backend.hpp"
#include "devices/disk_request.hpp"
#include "machine/machine.hpp"
#include "machine/trace_format.hpp"

namespace amber {

class TraceSink {
public:
    virtual ~TraceSink() = default;
    virtual void add(const TraceEvent& e) = 0;
};

// A 64-bit hash of one 4 KiB page, the same on every host.
uint64_t hash_page(const uint8_t* page);

class TraceRecorder {
public:
    // Attach right after the machine is built and before devices are added
    // (their backends come from record_backend/replay_backend).
    TraceRecorder(Machine& m, TraceSink& sink, unsigned checkpoint_log2);
    ~TraceRecorder();
    TraceRecorder(const TraceRecorder&) = delete;
    TraceRecorder& operator=(const TraceRecorder&) = delete;

    // `inner` with every byte written and every input byte read recorded.
    std::unique_ptr<CharBackend> record_backend(std::unique_ptr<CharBackend> inner, uint8_t channel);
    // A backend whose input is the recorded input of `channel`, at the same
    // ticks, and whose output is recorded (for comparison) and dropped.
    // `connected` is what the recorded backend said (the header's config).
    std::unique_ptr<CharBackend> replay_backend(const Trace& recorded, uint8_t channel, bool connected);

    // For the disk controllers: each request becomes a DiskRequest event.
    DiskObserver disk_observer();
    // For the PS/2 keyboard: each host key event becomes an Input event on
    // trace_channel::kKeyboard (what `check` queues again at the same tick).
    std::function<void(uint8_t)> keyboard_observer();

    // The last I/O summary, a final checkpoint and the End event.
    void finish(const RunResult& r);
    TraceCheckpoint checkpoint_now();
    // Tests: hash every page at each checkpoint and throw std::logic_error if
    // one changed without a mark in the memory's dirty log.
    void verify_dirty_log(bool on) { verify_dirty_log_ = on; }

    void emit(TraceEvent e);

private:
    void on_cpu(Cpu& c, const DebugEvent& e);
    void take_checkpoint(uint64_t now);
    void flush_io(uint64_t now);

    Machine& m_;
    TraceSink& sink_;
    unsigned log2_;
    int client_ = 0;
    Scheduler::EventId checkpoint_event_ = 0;
    std::vector<uint64_t> page_hashes_;
    bool verify_dirty_log_ = false;
    std::map<uint16_t, TraceIoCount> io_;
};

}  // namespace amber
