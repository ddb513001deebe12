// amber run: build a machine, wire its devices to the host, run it, and
// turn the way it stopped into the process's exit status.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "devices/debug_console.hpp"
#include "devices/exit_port.hpp"
#include "devices/uart16550.hpp"
#include "frontend/char_backends.hpp"
#include "frontend/commands.hpp"
#include "machine/insn_trace.hpp"
#include "machine/log.hpp"
#include "machine/machine.hpp"
#include "roms/embedded.hpp"

namespace amber::cli {

namespace po = boost::program_options;

namespace {

// Exit statuses for runs the guest did not end itself. A guest that exits
// through the exit port may use any status, so these can only be told
// apart from a guest's own by the one-line message on stderr.
constexpr int kExitTripleFault = 123;
constexpr int kExitTickLimit = 124;  // as timeout(1)
constexpr int kExitHaltedForever = 125;

struct RunOptions {
    CpuModel cpu = CpuModel::i80286;
    std::optional<std::string> rom_path;
    unsigned ram_kib = 640;
    unsigned ext_mib = 0;
    std::optional<uint64_t> max_ticks;
    BackendSpec serial;
    BackendSpec debugcon;
    bool stats = false;
    bool no_reboot = false;
};

po::options_description describe_options() {
    po::options_description d("options for 'amber run'");
    d.add_options()
        ("help,h", "show this help")
        ("cpu", po::value<std::string>()->default_value("80286"), "CPU model: 8086, 80286, 386, 486, pentium or p6")
        ("rom", po::value<std::string>(),
         "flat ROM image to run instead of the embedded default guest "
         "(a multiple of 4 KiB, at most 128 KiB; it ends at 1 MiB and the CPU starts in its last 16 bytes)")
        ("ram", po::value<unsigned>()->default_value(640), "conventional RAM in KiB, from address 0 (1..640)")
        ("ext-ram", po::value<unsigned>()->default_value(0), "extended RAM in MiB, from 1 MiB up (286 and later)")
        ("max-ticks", po::value<uint64_t>(), "stop after this many virtual instructions")
        ("serial", po::value<std::string>()->default_value("stdio"), "COM1 at 0x3F8: stdio, none or file:PATH")
        ("debugcon", po::value<std::string>()->default_value("none"), "debug console at port 0xE9: stdio, none or file:PATH")
        ("stats", po::bool_switch(), "print ticks, wall time and speed on stderr at exit")
        ("no-reboot", po::bool_switch(), "end the run on a triple fault (exit status 123) instead of resetting")
        ("log", po::value<std::string>(), "log levels, e.g. 'debug' or 'cpu=trace,uart=debug'");
    return d;
}

RunOptions parse_options(const po::variables_map& vm) {
    RunOptions o;
    std::string cpu = vm["cpu"].as<std::string>();
    auto model = parse_cpu_model(cpu);
    if (!model) throw UsageError(fmt::format("--cpu must be 8086, 80286, 386, 486, pentium or p6 (got '{}')", cpu));
    o.cpu = *model;
    if (vm.count("rom")) o.rom_path = vm["rom"].as<std::string>();
    o.ram_kib = vm["ram"].as<unsigned>();
    // More would reach into the ROM, which must end at 1 MiB.
    if (o.ram_kib == 0 || o.ram_kib > 640)
        throw UsageError(fmt::format("--ram must be 1..640 KiB (got {})", o.ram_kib));
    o.ext_mib = vm["ext-ram"].as<unsigned>();
    if (o.ext_mib > 3071) throw UsageError(fmt::format("--ext-ram must be 0..3071 MiB (got {})", o.ext_mib));
    if (vm.count("max-ticks")) o.max_ticks = vm["max-ticks"].as<uint64_t>();
    o.no_reboot = vm["no-reboot"].as<bool>();
    o.serial = parse_backend_spec(vm["serial"].as<std::string>(), "serial");
    o.debugcon = parse_backend_spec(vm["debugcon"].as<std::string>(), "debugcon");
    if (o.serial.kind == BackendSpec::Kind::File && o.debugcon.kind == BackendSpec::Kind::File &&
        o.serial.path == o.debugcon.path)
        throw UsageError("--serial and --debugcon cannot write the same file");
    o.stats = vm["stats"].as<bool>();
    return o;
}

std::vector<uint8_t> read_rom(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("cannot read ROM image '{}'", path));
    std::vector<uint8_t> image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (image.empty() || image.size() % 4096 || image.size() > 128 * 1024)
        throw std::runtime_error(fmt::format("ROM image '{}' is {} bytes; it must be a multiple of 4 KiB, at most 128 KiB",
                                             path, image.size()));
    return image;
}

int exit_status(const RunResult& r) {
    switch (r.reason) {
    case StopReason::GuestExit: return r.exit_code;
    case StopReason::Requested: return 0;
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

// Builds the machine, runs it, and takes it down again -- which also gives
// the terminal back -- before anything else is printed.
Timed run_machine(const MachineConfig& cfg, const RunOptions& opt) {
    Machine machine(cfg);
    machine.add_device(std::make_unique<ExitPort>(machine));
    machine.add_device(std::make_unique<DebugConsole>(machine.io(), make_output_backend(opt.debugcon)));
    auto quit = [&machine] { machine.stop(StopReason::Requested, 0, "quit from the console"); };
    machine.add_device(std::make_unique<Uart16550>(machine.io(), make_serial_backend(opt.serial, quit)));
    machine.reset();
    if (log::get("cpu")->should_log(spdlog::level::trace)) attach_insn_trace(machine.cpu());

    auto started = std::chrono::steady_clock::now();
    RunResult result = machine.run(opt.max_ticks.value_or(Scheduler::kNever));
    std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
    return {result, wall.count()};
}

}  // namespace

int cmd_run(const Args& args) {
    po::options_description desc = describe_options();
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(po::positional_options_description()).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        fmt::print("usage: amber run [options]\n\nRuns a virtual machine; by default the embedded guest, a small "
                   "monitor on the serial console.\n\n{}\n",
                   fmt::streamed(desc));
        return 0;
    }
    if (vm.count("log")) log::configure(vm["log"].as<std::string>());
    RunOptions opt = parse_options(vm);

    MachineConfig cfg;
    cfg.cpu = opt.cpu;
    cfg.ram_bytes = opt.ram_kib * 1024;
    cfg.extended_ram_bytes = opt.ext_mib << 20;
    cfg.reboot_on_triple_fault = !opt.no_reboot;
    if (opt.rom_path) cfg.rom = read_rom(*opt.rom_path);
    else cfg.rom.assign(roms::default_guest().begin(), roms::default_guest().end());

    Timed timed = run_machine(cfg, opt);  // the terminal is back to normal from here on
    int status = exit_status(timed.result);
    if (opt.stats) print_stats(timed.result.ticks, timed.seconds);
    return status;
}

}  // namespace amber::cli
