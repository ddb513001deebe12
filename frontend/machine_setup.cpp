#include "frontend/machine_setup.hpp"

#include <fstream>
#include <iterator>
#include <vector>

#include <fmt/format.h>

#include "devices/debug_console.hpp"
#include "devices/exit_port.hpp"
#include "machine/trace_format.hpp"
#include "devices/uart16550.hpp"
#include "frontend/commands.hpp"
#include "roms/embedded.hpp"

namespace amber::cli {

namespace po = boost::program_options;

void add_machine_options(po::options_description& d, const std::string& serial_default) {
    d.add_options()
        ("cpu", po::value<std::string>()->default_value("80286"), "CPU model: 8086, 80286, 386, 486, pentium or p6")
        ("rom", po::value<std::string>(),
         "flat ROM image to run instead of the embedded default guest "
         "(a multiple of 4 KiB, at most 128 KiB; it ends at 1 MiB and the CPU starts in its last 16 bytes)")
        ("ram", po::value<unsigned>()->default_value(640), "conventional RAM in KiB, from address 0 (1..640)")
        ("ext-ram", po::value<unsigned>()->default_value(0), "extended RAM in MiB, from 1 MiB up (286 and later)")
        ("max-ticks", po::value<uint64_t>(), "stop after this many virtual instructions")
        ("serial", po::value<std::string>()->default_value(serial_default), "COM1 at 0x3F8: stdio, none or file:PATH")
        ("debugcon", po::value<std::string>()->default_value("none"), "debug console at port 0xE9: stdio, none or file:PATH")
        ("no-reboot", po::bool_switch(), "end the run on a triple fault (exit status 123) instead of resetting")
        ("log", po::value<std::string>(), "log levels, e.g. 'debug' or 'cpu=trace,uart=debug'");
}

MachineOptions parse_machine_options(const po::variables_map& vm) {
    MachineOptions o;
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
    return o;
}

namespace {

std::vector<uint8_t> read_rom(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("cannot read ROM image '{}'", path));
    std::vector<uint8_t> image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (image.empty() || image.size() % 4096 || image.size() > 128 * 1024)
        throw std::runtime_error(fmt::format("ROM image '{}' is {} bytes; it must be a multiple of 4 KiB, at most 128 KiB",
                                             path, image.size()));
    return image;
}

MachineConfig machine_config(const MachineOptions& o) {
    MachineConfig cfg;
    cfg.cpu = o.cpu;
    cfg.ram_bytes = o.ram_kib * 1024;
    cfg.extended_ram_bytes = o.ext_mib << 20;
    cfg.reboot_on_triple_fault = !o.no_reboot;
    if (o.rom_path) cfg.rom = read_rom(*o.rom_path);
    else cfg.rom.assign(roms::default_guest().begin(), roms::default_guest().end());
    return cfg;
}

}  // namespace

std::unique_ptr<Machine> build_machine(const MachineOptions& o, SerialStdin stdin_owner, const MachineHooks& hooks) {
    auto machine = std::make_unique<Machine>(machine_config(o));
    Machine& m = *machine;
    if (hooks.before_devices) hooks.before_devices(m);
    auto wrap = [&](std::unique_ptr<CharBackend> b, uint8_t channel) {
        return hooks.backend ? hooks.backend(std::move(b), channel) : std::move(b);
    };
    m.add_device(std::make_unique<ExitPort>(m));
    m.add_device(std::make_unique<DebugConsole>(m.io(), wrap(make_output_backend(o.debugcon), trace_channel::kDebugConsole)));
    auto serial = stdin_owner == SerialStdin::Guest
                      ? make_serial_backend(o.serial, [&m] { m.stop(StopReason::Requested, 0, "quit from the console"); })
                      : make_output_backend(o.serial);
    m.add_device(std::make_unique<Uart16550>(m.io(), wrap(std::move(serial), trace_channel::kCom1)));
    m.reset();
    return machine;
}

}  // namespace amber::cli
