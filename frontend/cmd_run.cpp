// amber run: build a machine, wire its devices to the host, run it, and
// turn the way it stopped into the process's exit status.
#include <chrono>
#include <fstream>
#include <optional>
#include <unistd.h>
#include <cstdio>
#include <memory>
#include <string>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "frontend/commands.hpp"
#include "frontend/gdb/stub.hpp"
#include "frontend/gdb/tcp_listener.hpp"
#include "frontend/gdb_target.hpp"
#include "frontend/machine_setup.hpp"
#include "frontend/session.hpp"
#include "frontend/vga_console.hpp"
#include "devices/pc_misc_ports.hpp"
#include "machine/insn_trace.hpp"
#include "machine/log.hpp"
#include "machine/machine.hpp"

namespace amber::cli {

namespace po = boost::program_options;

namespace {

// Exit statuses for runs the guest did not end itself. A guest that exits
// through the exit port may use any status, so these can only be told
// apart from a guest's own by the one-line message on stderr.
constexpr int kExitTripleFault = 123;
constexpr int kExitTickLimit = 124;  // as timeout(1)
constexpr int kExitHaltedForever = 125;

po::options_description describe_options() {
    po::options_description d("options for 'amber run'");
    d.add_options()("help,h", "show this help");
    add_machine_options(d, "stdio");
    d.add_options()("stats", po::bool_switch(), "print ticks, wall time and speed on stderr at exit")(
        "gdb", po::value<std::string>(), "serve gdb's remote protocol on [tcp:][HOST:]PORT (e.g. tcp::1234)")(
        ",s", po::bool_switch(), "the same as --gdb tcp::1234")(
        ",S", po::bool_switch(), "with --gdb or -s: wait for gdb before running the first instruction");
    return d;
}

int exit_status(const RunResult& r) {
    switch (r.reason) {
    case StopReason::GuestExit: return r.exit_code;
    case StopReason::Requested: return 0;
    case StopReason::GuestReset: return 0;  // -no-reboot: a reboot ends the run, as in QEMU
    case StopReason::PowerOff:
        fmt::print(stderr, "amber: guest powered off\n");
        return 0;
    case StopReason::ScriptEnded:
        if (r.exit_code == kExitScriptFailed) fmt::print(stderr, "amber: {}\n", r.message);
        return r.exit_code;
    case StopReason::HaltedForever:
        fmt::print(stderr, "amber: guest halted for good: {}\n", r.message);
        return kExitHaltedForever;
    case StopReason::TickLimit:
        fmt::print(stderr, "amber: stopped after {} ticks (--max-ticks)\n", r.ticks);
        return kExitTickLimit;
    case StopReason::TripleFault:
        fmt::print(stderr, "amber: triple fault{}{}\n", r.message.empty() ? "" : ": ", r.message);
        return kExitTripleFault;
    case StopReason::None: break;
    }
    throw std::logic_error("the machine stopped without a reason");
}

void print_stats(uint64_t ticks, double seconds) {
    double mips = seconds > 0 ? double(ticks) / seconds / 1e6 : 0.0;
    fmt::print(stderr, "amber: ticks {}  wall {:.3f} s  {:.1f} MIPS\n", ticks, seconds, mips);
}

struct Timed {
    RunResult result;
    double seconds = 0;
};

struct GdbOptions {
    std::optional<std::string> address;
    bool wait = false;  // -S
};

// Runs the machine with a gdb server beside it: gdb may connect before the
// first instruction (-S) or at any time (the run looks for it between
// slices). A detached or disconnected gdb lets the guest run on.
RunResult run_with_gdb(Machine& machine, const MachineOptions& opt, const GdbOptions& g) {
    gdb::TcpListener listener(gdb::parse_listen_address(*g.address));
    fmt::print(stderr, "amber: gdb server on {}:{}{}\n", listener.address().host, listener.port(),
               g.wait ? " (waiting for gdb before starting)" : "");
    std::fflush(stderr);
    const uint64_t limit = opt.max_ticks.value_or(Scheduler::kNever);
    MachineGdbTarget target(machine, limit);
    auto serve = [&]() -> std::optional<RunResult> {
        auto channel = listener.accept();
        gdb::GdbStub stub(target, *channel);
        stub.serve();
        if (target.killed()) return RunResult{StopReason::Requested, 0, machine.cpu().ticks, "killed from gdb"};
        return target.ended();
    };
    if (g.wait)
        if (auto end = serve()) return *end;
    constexpr uint64_t kSlice = 1u << 22;
    for (;;) {
        const uint64_t used = machine.cpu().ticks;
        if (used >= limit) return {StopReason::TickLimit, 0, used, "tick limit reached"};
        RunResult r = machine.run(std::min(kSlice, limit - used));
        if (r.reason != StopReason::TickLimit) return r;
        if (listener.connection_waiting())
            if (auto end = serve()) return *end;
    }
}

// What the run leaves to report once the terminal is back to normal.
struct Ending {
    std::optional<uint8_t> post_code;  // the last POST code, on a PC
    std::string screen;                // the text screen, for --screen-dump
};

// Builds the machine, runs it, and takes it down again -- which also gives
// the terminal back -- before anything else is printed.
Timed run_machine(const MachineOptions& opt, const GdbOptions& g, Ending& ending) {
    MachineExtras extras;
    std::unique_ptr<Machine> machine = build_machine(opt, SerialStdin::Guest, {}, &extras);
    if (log::get("cpu")->should_log(log::Level::trace)) attach_insn_trace(machine->cpu());
    std::optional<VgaConsole> console;
    if (opt.display && extras.pc.vga && isatty(STDOUT_FILENO)) console.emplace(STDOUT_FILENO);

    Session session;
    session.automation = make_automation(opt, *machine, extras);
    if (console)
        session.between_slices = [&] {
            console->refresh(*extras.pc.vga);
            if (extras.keyboard_input) extras.keyboard_input->poll();
        };
    session.pace_idle = extras.keyboard_input || extras.terminal;
    TerminalCharBackend* terminal =
        extras.keyboard_input ? &extras.keyboard_input->terminal() : extras.terminal;
    session.enter_monitor = [&] {
        if (terminal) terminal->suspend_raw();
        const bool resume = monitor_prompt(*machine, opt.max_ticks.value_or(Scheduler::kNever));
        if (resume && terminal) terminal->resume_raw();
        return resume;
    };

    auto started = std::chrono::steady_clock::now();
    RunResult result = g.address ? run_with_gdb(*machine, opt, g)
                                 : run_session(*machine, opt.max_ticks.value_or(Scheduler::kNever), session);
    std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
    if (console) console->draw(*extras.pc.vga);
    if (extras.pc.post && extras.pc.post->written()) ending.post_code = extras.pc.post->last_code();
    if (opt.screen_dump && extras.pc.vga) ending.screen = dump_text(*extras.pc.vga);
    console.reset();
    return {result, wall.count()};
}

}  // namespace

int cmd_run(const Args& args) {
    po::options_description desc = describe_options();
    po::variables_map vm;
    po::store(po::command_line_parser(accept_single_dash(args, desc)).options(desc).positional(po::positional_options_description()).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        fmt::print("usage: amber run [options]\n\nRuns a virtual machine; by default the default guest: Debian's i386 "
                   "Linux (built by setup.sh) booted on a PC, its shell on the terminal. --machine bare runs the "
                   "small embedded ROM guest instead.\n\n{}\n",
                   fmt::streamed(desc));
        return 0;
    }
    if (vm.count("log")) log::configure(vm["log"].as<std::string>());
    MachineOptions opt = parse_machine_options(vm);
    const bool stats = vm["stats"].as<bool>();
    GdbOptions g;
    if (vm.count("gdb")) g.address = vm["gdb"].as<std::string>();
    if (vm["-s"].as<bool>()) {
        if (g.address) throw UsageError("-s and --gdb both say where gdb connects: give one");
        g.address = "tcp::1234";
    }
    g.wait = vm["-S"].as<bool>();
    if (g.wait && !g.address) throw UsageError("-S waits for gdb: give --gdb ADDRESS or -s too");
    if (g.address) {
        try {
            (void)gdb::parse_listen_address(*g.address);
        } catch (const std::exception& e) {
            throw UsageError(fmt::format("--gdb: {}", e.what()));
        }
    }

    if (opt.default_guest)
        fmt::print(stderr, "amber: booting the default guest, {}: its shell prompt comes in about 3.5 billion "
                           "instructions; C-a x quits\n", opt.guest_description);
    Ending ending;
    Timed timed = run_machine(opt, g, ending);  // the terminal is back to normal from here on
    if (opt.screen_dump) {
        std::ofstream out(*opt.screen_dump, std::ios::binary | std::ios::trunc);
        out << ending.screen;
        if (!out) throw std::runtime_error(fmt::format("cannot write the screen dump '{}'", *opt.screen_dump));
    }
    int status = exit_status(timed.result);
    // A run that did not end the way the guest meant it to says how far the
    // firmware got.
    const bool abnormal = timed.result.reason == StopReason::HaltedForever ||
                          timed.result.reason == StopReason::TripleFault || status == kExitScriptFailed;
    if (abnormal && ending.post_code) fmt::print(stderr, "amber: last POST code {:02X}h\n", *ending.post_code);
    if (stats) print_stats(timed.result.ticks, timed.seconds);
    return status;
}

}  // namespace amber::cli
