// The built-in monitor: reads one command line at a time, runs it against
// a Debugger, and returns what it printed. It does no I/O of its own, so
// `amber debug` decides where lines come from (a terminal, a script) and
// tests can drive it directly.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "cpu/disasm.hpp"
#include "frontend/monitor/context.hpp"
#include "machine/debugger.hpp"

namespace amber::monitor {

class Monitor {
public:
    // Runs never pass `tick_limit` (an absolute tick, as --max-ticks gives).
    explicit Monitor(Debugger& dbg, uint64_t tick_limit = Debugger::kForever);
    Monitor(const Monitor&) = delete;
    Monitor& operator=(const Monitor&) = delete;

    // Runs one line. A mistake gives one "error: ..." line and counts in
    // errors(); blank lines and lines starting with '#' do nothing.
    std::string execute(std::string_view line);
    // The next instruction, for the start of a session.
    std::string where();

    bool quit_requested() const { return ctx_.quit; }
    bool resume_requested() const { return ctx_.resume; }
    unsigned errors() const { return errors_; }

private:
    Disassembler dis_;
    Context ctx_;
    unsigned errors_ = 0;
};

}  // namespace amber::monitor
