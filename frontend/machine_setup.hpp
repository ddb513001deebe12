// The machine `amber run` and `amber debug` both build: the command-line
// options that describe it, and the machine itself with its standard devices
// (debug-exit port, debug console, COM1) wired to the host.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "frontend/char_backends.hpp"
#include "machine/machine.hpp"

namespace amber::cli {

struct MachineOptions {
    CpuModel cpu = CpuModel::i80286;
    std::optional<std::string> rom_path;
    unsigned ram_kib = 640;
    unsigned ext_mib = 0;
    std::optional<uint64_t> max_ticks;
    BackendSpec serial;
    BackendSpec debugcon;
    bool no_reboot = false;
};

// Adds --cpu, --rom, --ram, --ext-ram, --max-ticks, --serial, --debugcon,
// --no-reboot and --log. The serial default differs: `run` gives the guest
// the terminal, `debug` keeps it for the monitor.
void add_machine_options(boost::program_options::options_description& d, const std::string& serial_default);
// Checks the values; throws UsageError naming the option at fault.
MachineOptions parse_machine_options(const boost::program_options::variables_map& vm);

// How COM1's "stdio" is wired: in full duplex (`run`), or output only, so
// stdin stays free for the monitor (`debug`).
enum class SerialStdin { Guest, Monitor };

// Lets a caller join in while the machine is built (trace recording and
// checking): before_devices runs once the machine exists, and backend may
// wrap or replace each character device's host backend.
struct MachineHooks {
    std::function<void(Machine&)> before_devices;
    std::function<std::unique_ptr<CharBackend>(std::unique_ptr<CharBackend>, uint8_t channel)> backend;
};

// Builds and resets the machine. Reads the ROM image (or takes the embedded
// default guest); throws std::runtime_error when it cannot.
std::unique_ptr<Machine> build_machine(const MachineOptions& o, SerialStdin stdin_owner,
                                       const MachineHooks& hooks = {});

}  // namespace amber::cli
