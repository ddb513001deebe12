// Running a built machine for `amber run` and `amber trace record`: in slices
// of virtual time, between which the automation script takes its steps, the
// screen is redrawn and the user may enter the monitor. Slices end at fixed
// tick counts, so a scripted run is the same on every host.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>

#include "frontend/machine_setup.hpp"
#include "machine/automation.hpp"
#include "machine/machine.hpp"

namespace amber::cli {

struct Session {
    std::unique_ptr<Automation> automation;  // null: no script
    // Called between slices (screen refresh); may be empty.
    std::function<void()> between_slices;
    // Called when the run stopped because the user asked for the monitor;
    // returns false to end the run instead of resuming it.
    std::function<bool()> enter_monitor;
    // Host input replayed from a trace: called at the start of each slice
    // to deliver what is due at this tick; returns the tick of the next
    // input (Scheduler::kNever when there is none), where a slice ends.
    std::function<uint64_t(uint64_t now)> host_input;
    // A person is at the terminal: time the guest spends halted passes no
    // faster than real time (see IdlePacer in session.cpp).
    bool pace_idle = false;
};

// The automation for the options' script (null when there is none).
std::unique_ptr<Automation> make_automation(const MachineOptions& o, Machine& m, const MachineExtras& extras);

// Runs until the machine stops for good, the tick limit (absolute ticks
// from now) passes, or the script ends.
RunResult run_session(Machine& m, uint64_t max_ticks, Session& s);

}  // namespace amber::cli
