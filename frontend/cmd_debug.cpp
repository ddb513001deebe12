// amber debug: the machine `amber run` builds, stopped before its first
// instruction under the built-in monitor (frontend/monitor). Commands come
// from --script FILE, then from the terminal (unless --batch). The guest's
// serial port defaults to none here, and "stdio" is output only: stdin
// belongs to the monitor.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <unistd.h>

#include "frontend/commands.hpp"
#include "frontend/machine_setup.hpp"
#include "frontend/monitor/monitor.hpp"
#include "machine/debugger.hpp"
#include "machine/log.hpp"

namespace amber::cli {

namespace po = boost::program_options;

namespace {

constexpr std::string_view kPrompt = "(amber) ";

po::options_description describe_options() {
    po::options_description d("options for 'amber debug'");
    d.add_options()("help,h", "show this help");
    add_machine_options(d, "none");
    d.add_options()
        ("script", po::value<std::string>(), "run the monitor commands in FILE first, each echoed after the prompt")
        ("batch", po::bool_switch(), "with --script: leave at its end instead of reading commands from stdin");
    return d;
}

std::vector<std::string> read_script(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(fmt::format("cannot read script '{}'", path));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Ctrl-C while the guest runs stops it and returns to the prompt; at the
// prompt it keeps its usual meaning.
std::atomic<Debugger*> g_interrupt_target{nullptr};
static_assert(std::atomic<Debugger*>::is_always_lock_free);

extern "C" void on_sigint(int) {
    if (Debugger* d = g_interrupt_target.load()) d->interrupt();
}

class CtrlCInterrupts {
public:
    explicit CtrlCInterrupts(Debugger& d) {
        g_interrupt_target.store(&d);
        struct sigaction sa {};
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &saved_);
    }
    ~CtrlCInterrupts() {
        sigaction(SIGINT, &saved_, nullptr);
        g_interrupt_target.store(nullptr);
    }
    CtrlCInterrupts(const CtrlCInterrupts&) = delete;
    CtrlCInterrupts& operator=(const CtrlCInterrupts&) = delete;

private:
    struct sigaction saved_ {};
};

// Runs one line and prints its output; `echo` repeats the line after the
// prompt, so a transcript shows what was typed.
void run_line(monitor::Monitor& mon, Debugger& dbg, const std::string& line, bool echo) {
    if (echo) fmt::print("{}{}\n", kPrompt, line);
    std::string out;
    {
        CtrlCInterrupts interrupts(dbg);
        out = mon.execute(line);
    }
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
}

}  // namespace

bool monitor_prompt(Machine& machine, uint64_t tick_limit) {
    Debugger dbg(machine);
    monitor::Monitor mon(dbg, tick_limit);
    fmt::print("\namber: the guest is stopped; 'resume' lets it run on, 'quit' ends Amber, 'help' lists the commands\n{}",
               mon.where());
    std::string line;
    while (!mon.quit_requested()) {
        fmt::print("{}", kPrompt);
        std::fflush(stdout);
        if (!std::getline(std::cin, line)) break;
        run_line(mon, dbg, line, false);
    }
    return mon.resume_requested();
}

int cmd_debug(const Args& args) {
    po::options_description desc = describe_options();
    po::variables_map vm;
    po::store(po::command_line_parser(accept_single_dash(args, desc)).options(desc).positional(po::positional_options_description()).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        fmt::print("usage: amber debug [options]\n\nBuilds the machine 'amber run' would and stops it before its first "
                   "instruction\nunder the built-in monitor ('help' at its prompt lists the commands). Stdin\n"
                   "belongs to the monitor: COM1 is not connected unless asked, and --serial stdio\n"
                   "only sends the guest's output to stdout. --max-ticks bounds every run. Exit\n"
                   "status: 1 if any command failed, else 0.\n\n{}\n",
                   fmt::streamed(desc));
        return 0;
    }
    if (vm.count("log")) log::configure(vm["log"].as<std::string>());
    const MachineOptions opt = parse_machine_options(vm);
    const bool batch = vm["batch"].as<bool>();
    if (batch && !vm.count("script")) throw UsageError("--batch needs --script FILE");
    const std::vector<std::string> script =
        vm.count("script") ? read_script(vm["script"].as<std::string>()) : std::vector<std::string>{};

    std::unique_ptr<Machine> machine = build_machine(opt, SerialStdin::Monitor);
    Debugger dbg(*machine);
    monitor::Monitor mon(dbg, opt.max_ticks.value_or(Debugger::kForever));
    fmt::print("amber debug: {} stopped before its first instruction; 'help' lists the commands\n{}",
               traits_of(opt.cpu).name, mon.where());

    for (const std::string& line : script) {
        run_line(mon, dbg, line, true);
        if (mon.quit_requested()) break;
    }
    if (!batch) {
        const bool echo = !isatty(STDIN_FILENO);  // piped input: show it, as for a script
        std::string line;
        while (!mon.quit_requested()) {
            if (!echo) {
                fmt::print("{}", kPrompt);
                std::fflush(stdout);
            }
            if (!std::getline(std::cin, line)) break;
            run_line(mon, dbg, line, echo);
        }
    }
    return mon.errors() ? 1 : 0;
}

}  // namespace amber::cli
