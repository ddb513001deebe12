// The amber subcommands. Each lives in its own cmd_*.cpp and receives the
// arguments after its name; it returns the process exit code and reports
// errors by throwing UsageError or std::runtime_error (main prints one line).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace amber {
class Machine;
}

namespace amber::cli {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

using Args = std::vector<std::string>;
int cmd_run(const Args& args);
int cmd_debug(const Args& args);
int cmd_vectors(const Args& args);
int cmd_trace(const Args& args);

// The monitor on a machine stopped mid-run (C-a c in `amber run`), reading
// commands from the terminal. True: the user said 'resume'.
bool monitor_prompt(Machine& machine, uint64_t tick_limit);

}  // namespace amber::cli
