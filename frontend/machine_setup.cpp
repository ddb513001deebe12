#include "frontend/machine_setup.hpp"

#include <fstream>
#include <iterator>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "devices/debug_console.hpp"
#include "devices/exit_port.hpp"
#include "machine/trace_format.hpp"
#include "devices/uart16550.hpp"
#include "devices/pc_misc_ports.hpp"
#include "devices/ps2_keyboard.hpp"
#include "devices/scsi_cdrom.hpp"
#include "devices/vga.hpp"
#include "machine/automation.hpp"
#include "machine/linux_boot.hpp"
#include "frontend/commands.hpp"
#include "frontend/default_guest.hpp"
#include "roms/embedded.hpp"

namespace amber::cli {

namespace po = boost::program_options;


void add_machine_options(po::options_description& d, const std::string& serial_default) {
    d.add_options()
        ("machine", po::value<std::string>(),
         "bare (a flat ROM, a UART and the debug ports) or pc (chipset, disks, VGA, SeaBIOS); "
         "default: pc when -bios, a disk, a floppy or a CD is given")
        ("cpu", po::value<std::string>(), "CPU model: 8086, 80286, 386, 486, pentium, p6, pentium3 or pentium4 (default: 80286 bare, p6 PC)")
        ("rom", po::value<std::string>(),
         "bare machine: flat ROM image to run instead of the embedded monitor guest "
         "(a multiple of 4 KiB, at most 128 KiB; it ends at 1 MiB and the CPU starts in its last 16 bytes)")
        ("bios", po::value<std::string>(),
         "PC firmware (default: SeaBIOS, /usr/share/seabios/bios-256k.bin); any image up to 256 KiB that starts at "
         "the reset vector")
        ("vga-bios", po::value<std::string>()->default_value(kDefaultVgaBios), "the VGA card's option ROM")
        ("ram", po::value<unsigned>()->default_value(640), "bare machine: conventional RAM in KiB (1..640)")
        ("ext-ram", po::value<unsigned>()->default_value(0), "bare machine: extended RAM in MiB, from 1 MiB up")
        ("m", po::value<unsigned>()->default_value(32), "PC: RAM in MiB (2..3072)")
        ("hda", po::value<std::string>(), "PC: IDE primary master disk image (raw)")
        ("hdb", po::value<std::string>(), "PC: IDE primary slave disk image")
        ("hdc", po::value<std::string>(), "PC: IDE secondary master disk image")
        ("hdd", po::value<std::string>(), "PC: IDE secondary slave disk image")
        ("cdrom", po::value<std::string>(), "PC: CD-ROM image (ISO) as the IDE secondary master")
        ("kernel", po::value<std::string>(), "PC: boot this Linux bzImage directly (no BIOS), as QEMU's -kernel")
        ("initrd", po::value<std::string>(), "PC: with -kernel, the initial ramdisk")
        ("append", po::value<std::string>(), "PC: with -kernel, the kernel command line")
        ("fda", po::value<std::string>(), "PC: floppy image in drive A")
        ("fdb", po::value<std::string>(), "PC: floppy image in drive B")
        ("boot", po::value<std::string>(), "PC: boot order, drives a (floppy), c (disk), d (CD), and SeaBIOS's boot menu: e.g. 'dc' or 'order=dc,menu=on'")
        ("snapshot", po::bool_switch(), "PC: guest writes go to a temporary overlay; image files are never changed")
        ("nographic", po::bool_switch(), "PC: no screen in the terminal; the serial port gets stdio")
        ("display", po::value<std::string>(), "PC: 'terminal' (the VGA text screen live in the terminal) or 'none'")
        ("rtc-base", po::value<std::string>(), "PC: the RTC's date at power-on, YYYY-MM-DD[THH:MM:SS] UTC (default 2026-01-01)")
        ("screen-dump", po::value<std::string>(), "PC: write the VGA text screen to FILE when the run ends")
        ("max-ticks", po::value<uint64_t>(), "stop after this many virtual instructions")
        ("max-time", po::value<std::string>(), "stop after this much virtual time (e.g. 500ms, 30s, 2m)")
        ("serial", po::value<std::string>()->default_value(serial_default),
         "COM1 at 0x3F8 (IRQ 4): stdio, none, file:PATH or tcp:[HOST]:PORT[,server][,nowait]")
        ("serial2", po::value<std::string>()->default_value("none"), "PC: COM2 at 0x2F8 (IRQ 3): none, file:PATH or tcp:...")
        ("serial3", po::value<std::string>()->default_value("none"), "PC: COM3 at 0x3E8 (IRQ 4): none, file:PATH or tcp:...")
        ("serial4", po::value<std::string>()->default_value("none"), "PC: COM4 at 0x2E8 (IRQ 3): none, file:PATH or tcp:...")
        ("debugcon", po::value<std::string>()->default_value("none"), "debug console at port 0xE9: stdio, none or file:PATH")
        ("biosdebug", po::value<std::string>()->default_value("none"), "PC: SeaBIOS's debug port 0x402: stdio, none or file:PATH")
        ("automate", po::value<std::string>(), "automation script: wait/send/key/sleep/stop steps (docs/AUTOMATION.md)")
        ("step", po::value<std::vector<std::string>>()->composing(), "one more automation step, after those of --automate")
        ("no-reboot", po::bool_switch(), "end the run on a triple fault (exit status 123) instead of resetting")
        ("log", po::value<std::string>(), "log levels, e.g. 'debug' or 'cpu=trace,uart=debug'");
}

std::vector<std::string> accept_single_dash(const std::vector<std::string>& args, const po::options_description& d) {
    std::vector<std::string> out;
    for (const std::string& a : args) {
        if (a.size() >= 2 && a[0] == '-' && a[1] != '-') {  // -m too
            const std::string name = a.substr(1, a.find('=') - 1);
            if (d.find_nothrow(name, false, false, false)) {
                out.push_back("-" + a);
                continue;
            }
        }
        out.push_back(a);
    }
    return out;
}

namespace {

std::string read_text_file(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("cannot read {} '{}'", what, path));
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// "2026-01-01" or "2026-01-01T12:30:00", UTC, as Unix seconds.
uint64_t parse_date(const std::string& text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char tail = 0;
    int n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &tail);
    if (!(n == 3 || n == 6) || y < 1980 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
        throw UsageError(fmt::format("--rtc-base must be YYYY-MM-DD[THH:MM:SS] between 1980 and 2099 (got '{}')", text));
    // Days from the civil date (proleptic Gregorian), counted from 1970-01-01.
    const int yy = y - (mo <= 2);
    const int era = yy / 400, yoe = yy - era * 400;
    const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const int64_t days = int64_t(era) * 146097 + doe - 719468;
    return static_cast<uint64_t>(days * 86400 + h * 3600 + mi * 60 + s);
}

}  // namespace

MachineOptions parse_machine_options(const po::variables_map& vm) {
    MachineOptions o;
    auto given = [&](const char* name) { return vm.count(name) && !vm[name].defaulted(); };
    auto flag = [&](const char* name) { return vm[name].as<bool>(); };
    const char* pc_only[] = {"kernel", "initrd", "append", "bios", "m", "hda", "hdb", "hdc", "hdd", "cdrom", "fda", "fdb", "boot", "snapshot",
                             "nographic", "display", "rtc-base", "screen-dump", "biosdebug", "vga-bios",
                             "serial2", "serial3", "serial4"};
    const char* pc_implying[] = {"kernel", "bios", "hda", "hdb", "hdc", "hdd", "cdrom", "fda", "fdb"};
    if (given("machine")) {
        const std::string m = vm["machine"].as<std::string>();
        if (m == "pc") o.kind = MachineKind::Pc;
        else if (m != "bare") throw UsageError(fmt::format("--machine must be bare or pc (got '{}')", m));
    } else {
        for (const char* name : pc_implying)
            if (given(name)) o.kind = MachineKind::Pc;
        // Nothing says which machine or what to run: the default guest, a PC
        // booting Debian's Linux (bare-only options ask for the bare machine).
        const bool bare_asked = given("rom") || given("ram") || given("ext-ram");
        if (o.kind == MachineKind::Bare && !bare_asked) {
            o.kind = MachineKind::Pc;
            o.default_guest = true;
        }
    }
    const bool pc = o.kind == MachineKind::Pc;
    for (const char* name : pc_only)
        if (!pc && given(name))
            throw UsageError(fmt::format("--{} is for a PC; this is a bare machine (give --machine pc)", name));
    if (pc && given("rom")) throw UsageError("--rom is for a bare machine; a PC's firmware is given with -bios");
    if (pc && (given("ram") || given("ext-ram")))
        throw UsageError("--ram and --ext-ram are for a bare machine; give a PC's memory with -m");

    o.cpu = pc ? CpuModel::p6 : CpuModel::i80286;
    if (vm.count("cpu")) {
        std::string cpu = vm["cpu"].as<std::string>();
        auto model = parse_cpu_model(cpu);
        if (!model) throw UsageError(fmt::format("--cpu must be 8086, 80286, 386, 486, pentium, p6, pentium3 or pentium4 (got '{}')", cpu));
        o.cpu = *model;
    }
    if (o.default_guest && o.cpu < CpuModel::p6)
        throw UsageError(fmt::format("the default guest, Debian's 686 Linux, needs a p6 or later (--cpu {}); "
                                     "give --machine bare to run the small embedded ROM guest",
                                     traits_of(o.cpu).name));
    if (pc && o.cpu < CpuModel::i386)
        throw UsageError(fmt::format("a PC runs SeaBIOS, which needs a 386 or later (--cpu {})", traits_of(o.cpu).name));
    if (vm.count("rom")) o.rom_path = vm["rom"].as<std::string>();
    if (vm.count("bios")) o.rom_path = vm["bios"].as<std::string>();
    o.ram_kib = vm["ram"].as<unsigned>();
    // More would reach into the ROM, which must end at 1 MiB.
    if (o.ram_kib == 0 || o.ram_kib > 640)
        throw UsageError(fmt::format("--ram must be 1..640 KiB (got {})", o.ram_kib));
    o.ext_mib = vm["ext-ram"].as<unsigned>();
    if (o.ext_mib > 3071) throw UsageError(fmt::format("--ext-ram must be 0..3071 MiB (got {})", o.ext_mib));
    o.mem_mib = vm["m"].as<unsigned>();
    if (o.mem_mib < 2 || o.mem_mib > 3072) throw UsageError(fmt::format("-m must be 2..3072 MiB (got {})", o.mem_mib));
    if (vm.count("max-ticks")) o.max_ticks = vm["max-ticks"].as<uint64_t>();
    if (vm.count("max-time")) {
        // The script parser knows durations; a one-step script reuses it.
        const std::string t = vm["max-time"].as<std::string>();
        std::vector<ScriptStep> steps;
        try {
            steps = parse_script("sleep " + t, MachineConfig{}.ticks_per_second);
        } catch (const ScriptError&) {
            throw UsageError(fmt::format("--max-time must be a duration such as 500ms, 30s or 2m (got '{}')", t));
        }
        o.max_ticks = std::min(o.max_ticks.value_or(UINT64_MAX), steps.at(0).ticks);
    }
    o.no_reboot = flag("no-reboot");

    o.vga_bios = vm["vga-bios"].as<std::string>();
    const char* hd_names[] = {"hda", "hdb", "hdc", "hdd"};
    for (int i = 0; i < 4; ++i)
        if (vm.count(hd_names[i])) o.hd[i] = vm[hd_names[i]].as<std::string>();
    if (vm.count("cdrom")) {
        if (o.hd[2]) throw UsageError("-cdrom and -hdc both want the secondary master: give one");
        o.cdrom = vm["cdrom"].as<std::string>();
    }
    if (vm.count("fda")) o.fd[0] = vm["fda"].as<std::string>();
    if (vm.count("fdb")) o.fd[1] = vm["fdb"].as<std::string>();
    if (vm.count("boot")) {
        // QEMU's forms: "dc", or "order=dc,menu=on" (parts in any order).
        const std::string raw = vm["boot"].as<std::string>();
        auto bad = [&] {
            return UsageError(fmt::format(
                "-boot takes drives a, c and d in order of preference and menu=on|off, e.g. 'dc' or 'order=dc,menu=on' "
                "(got '{}')",
                raw));
        };
        size_t at = 0;
        while (at <= raw.size()) {
            size_t comma = raw.find(',', at);
            if (comma == std::string::npos) comma = raw.size();
            std::string part = raw.substr(at, comma - at);
            at = comma + 1;
            if (part == "menu=on" || part == "menu=off") {
                o.boot_menu = part == "menu=on";
                continue;
            }
            if (part.rfind("order=", 0) == 0) part = part.substr(6);
            if (part.empty() || part.size() > 3 || part.find_first_not_of("acd") != std::string::npos) throw bad();
            o.boot_order = part;
        }
    }
    o.snapshot = flag("snapshot");
    if (vm.count("kernel")) o.kernel = vm["kernel"].as<std::string>();
    if (vm.count("initrd")) o.initrd = vm["initrd"].as<std::string>();
    if (vm.count("append")) o.append = vm["append"].as<std::string>();
    if (o.default_guest) {
        // The direct kernel boot: faster than SeaBIOS and syslinux, same disk.
        const DefaultGuest guest = find_default_guest();
        o.kernel = guest.kernel;
        if (!o.initrd) o.initrd = guest.initrd;
        if (!vm.count("append")) o.append = guest.cmdline;
        o.hd[0] = guest.disk;
        if (!given("m")) o.mem_mib = 128;
        o.guest_description = fmt::format("Debian Linux {} from {}", guest.kernel_version, guest.dir);
    }
    if ((o.initrd || vm.count("append")) && !o.kernel) throw UsageError("-initrd and -append need -kernel");
    if (vm.count("rtc-base")) o.rtc_start = parse_date(vm["rtc-base"].as<std::string>());
    if (vm.count("screen-dump")) o.screen_dump = vm["screen-dump"].as<std::string>();

    // The default guest's shell is on its serial console, which gets the terminal.
    const bool nographic = flag("nographic") || (o.default_guest && !given("display"));
    std::string serial = vm["serial"].as<std::string>();
    // A PC shows its screen unless told otherwise; then the serial port has
    // no terminal of its own, as in QEMU, and -nographic swaps the two.
    if (pc && !given("serial") && !nographic) serial = "none";
    if (pc && !given("serial") && nographic) serial = "stdio";
    // -display none keeps the default guest's shell on the terminal.
    if (o.default_guest && !given("serial") && given("display") && vm["display"].as<std::string>() == "none")
        serial = "stdio";
    o.serial = parse_backend_spec(serial, "serial");
    const char* more_serial[] = {"serial2", "serial3", "serial4"};
    for (int i = 0; i < 3; ++i) {
        o.more_serial[i] = parse_backend_spec(vm[more_serial[i]].as<std::string>(), more_serial[i]);
        // The terminal has one keyboard: it belongs to COM1 (or the screen).
        if (o.more_serial[i].kind == BackendSpec::Kind::Stdio)
            throw UsageError(fmt::format("--{}: only COM1 (--serial) can use stdio; give none, file:PATH or tcp:...", more_serial[i]));
    }
    o.debugcon = parse_backend_spec(vm["debugcon"].as<std::string>(), "debugcon");
    o.port_402 = parse_backend_spec(vm["biosdebug"].as<std::string>(), "biosdebug");
    o.display = pc && !nographic;
    if (vm.count("display")) {
        const std::string disp = vm["display"].as<std::string>();
        if (disp == "none") o.display = false;
        else if (disp != "terminal") throw UsageError(fmt::format("-display must be terminal or none (got '{}')", disp));
        else if (nographic) throw UsageError("-nographic and -display terminal contradict each other");
    }
    if (o.display && o.serial.kind == BackendSpec::Kind::Stdio)
        throw UsageError("the screen and the serial port cannot both use the terminal: give -nographic or -serial none/file:PATH");
    const BackendSpec* files[] = {&o.serial, &o.debugcon, &o.port_402, &o.more_serial[0], &o.more_serial[1], &o.more_serial[2]};
    constexpr int kFiles = static_cast<int>(std::size(files));
    for (int i = 0; i < kFiles; ++i)
        for (int j = i + 1; j < kFiles; ++j) {
            const BackendSpec& a = *files[i];
            const BackendSpec& b = *files[j];
            if (a.kind == BackendSpec::Kind::File && b.kind == BackendSpec::Kind::File && a.path == b.path)
                throw UsageError(fmt::format("two consoles cannot write the same file '{}'", a.path));
            if (a.kind == BackendSpec::Kind::Tcp && b.kind == BackendSpec::Kind::Tcp && a.server && b.server &&
                a.port != 0 && a.port == b.port && a.host == b.host)
                throw UsageError(fmt::format("two ports cannot listen on the same address {}:{}", a.host, a.port));
        }

    if (vm.count("automate")) o.script = read_text_file(vm["automate"].as<std::string>(), "automation script");
    if (vm.count("step"))
        for (const std::string& line : vm["step"].as<std::vector<std::string>>()) o.script += "\n" + line;
    try {
        (void)parse_script(o.script, MachineConfig{}.ticks_per_second);
    } catch (const ScriptError& e) {
        throw UsageError(e.what());
    }
    return o;
}

namespace {

std::vector<uint8_t> read_rom(const std::string& path, size_t max_kib) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("cannot read firmware image '{}'", path));
    std::vector<uint8_t> image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (image.empty() || image.size() % 4096 || image.size() > max_kib * 1024)
        throw std::runtime_error(fmt::format("firmware image '{}' is {} bytes; it must be a multiple of 4 KiB, at most {} KiB",
                                             path, image.size(), max_kib));
    return image;
}

MachineConfig machine_config(const MachineOptions& o) {
    MachineConfig cfg;
    cfg.cpu = o.cpu;
    cfg.reboot_on_triple_fault = !o.no_reboot;
    if (o.kind == MachineKind::Pc) {
        cfg.layout = MachineConfig::Layout::Pc;
        cfg.ram_bytes = 640 * 1024;
        cfg.extended_ram_bytes = (o.mem_mib - 1) << 20;
        // A direct kernel boot needs no BIOS: the loader does its work.
        if (o.rom_path || !o.kernel) cfg.rom = read_rom(o.rom_path.value_or(kDefaultBios), 256);
        return cfg;
    }
    cfg.ram_bytes = o.ram_kib * 1024;
    cfg.extended_ram_bytes = o.ext_mib << 20;
    if (o.rom_path) cfg.rom = read_rom(*o.rom_path, 128);
    else cfg.rom.assign(roms::monitor_guest().begin(), roms::monitor_guest().end());
    return cfg;
}

std::vector<uint8_t> read_whole_file(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("cannot read {} '{}'", what, path));
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.empty()) throw std::runtime_error(fmt::format("{} '{}' is empty", what, path));
    return data;
}

// Opens the PC's media and firmware files: each problem is one clear error.
PcConfig pc_config(const MachineOptions& o) {
    PcConfig pc;
    const auto mode = o.snapshot ? BlockImage::Mode::Snapshot : BlockImage::Mode::ReadWrite;
    for (unsigned i = 0; i < 4; ++i)
        if (o.hd[i]) pc.disks[i] = BlockImage::open(*o.hd[i], mode);
    for (unsigned i = 0; i < 2; ++i)
        if (o.fd[i]) pc.floppies[i] = BlockImage::open(*o.fd[i], mode);
    if (o.cdrom) pc.cdrom = ScsiCdrom::open_image(*o.cdrom);
    if (!o.vga_bios.empty()) pc.vga_bios = load_vga_bios(o.vga_bios);
    pc.boot_order = o.boot_order;
    pc.boot_menu = o.boot_menu;
    pc.rtc_start = static_cast<int64_t>(o.rtc_start);
    return pc;
}

std::string screen_text(const Vga& vga) {
    std::string out;
    for (const std::string& line : vga.text_lines()) out += line + "\n";
    return out;
}

}  // namespace

std::unique_ptr<Machine> build_machine(const MachineOptions& o, SerialStdin stdin_owner, const MachineHooks& hooks,
                                       MachineExtras* extras) {
    auto machine = std::make_unique<Machine>(machine_config(o));
    Machine& m = *machine;
    if (hooks.before_devices) hooks.before_devices(m);
    MachineExtras unused;
    MachineExtras& ex = extras ? *extras : unused;
    // A script's taps sit next to the host backend, inside any trace
    // recorder, so what a script sends is recorded as input.
    auto wrap = [&](std::unique_ptr<CharBackend> b, uint8_t channel, TapBackend** tap) {
        if (!o.script.empty()) {
            auto t = std::make_unique<TapBackend>(std::move(b));
            *tap = t.get();
            b = std::move(t);
        }
        return hooks.backend ? hooks.backend(std::move(b), channel) : std::move(b);
    };
    m.add_device(std::make_unique<ExitPort>(m));
    m.add_device(std::make_unique<DebugConsole>(
        m.io(), wrap(make_output_backend(o.debugcon), trace_channel::kDebugConsole, &ex.debugcon_tap)));
    auto serial = stdin_owner == SerialStdin::Guest
                      ? make_serial_backend(o.serial, [&m] { m.stop(StopReason::Requested, 0, "quit from the console"); },
                                            [&m] { m.stop(StopReason::Requested, 0, kMonitorRequest); })
                      : make_output_backend(o.serial);
    ex.terminal = dynamic_cast<TerminalCharBackend*>(serial.get());
    m.add_device(std::make_unique<Uart16550>(m.io(), wrap(std::move(serial), trace_channel::kCom1, &ex.serial_tap)));
    if (o.kind == MachineKind::Pc) {
        // COM2..COM4 exist only when given, so a PC without them looks as before.
        // (Their input is not recorded in traces: only COM1 has a channel.)
        const uint16_t more_bases[] = {0x2F8, 0x3E8, 0x2E8};
        for (int i = 0; i < 3; ++i)
            if (o.more_serial[i].kind != BackendSpec::Kind::None)
                m.add_device(std::make_unique<Uart16550>(m.io(), make_serial_backend(o.more_serial[i], {}), more_bases[i]));
        PcConfig cfg = pc_config(o);
        if (o.port_402.kind != BackendSpec::Kind::None) {
            auto b = make_output_backend(o.port_402);
            cfg.bios_debug = hooks.backend ? hooks.backend(std::move(b), trace_channel::kBiosDebug) : std::move(b);
        }
        ex.pc = build_pc(m, std::move(cfg));
        if (o.kernel) {
            auto image = std::make_shared<LinuxImage>();
            image->kernel = read_whole_file(*o.kernel, "kernel");
            if (o.initrd) image->initrd = read_whole_file(*o.initrd, "initrd");
            image->cmdline = o.append;
            image->kernel_name = *o.kernel;
            parse_bzimage(image->kernel, image->kernel_name);  // a bad file fails here, not at the first reset
            m.set_after_reset([&m, image] { load_linux(m, *image); });
        }
        Vga* vga = ex.pc.vga;
        PS2Keyboard* kbd = ex.pc.keyboard;
        ex.ports.screen_text = [vga] { return screen_text(*vga); };
        ex.ports.type_keys = [kbd](std::string_view text) { kbd->type_text(text); };
        ex.ports.press_combo = [kbd](std::string_view combo) { return kbd->send_keys(combo); };
        // The screen in the terminal takes the terminal's keys too.
        if (o.display && stdin_owner == SerialStdin::Guest && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
            o.serial.kind != BackendSpec::Kind::Stdio)
            ex.keyboard_input = std::make_unique<TerminalKeyboard>(
                STDIN_FILENO, *kbd, [&m] { m.stop(StopReason::Requested, 0, "quit from the console"); },
                [&m] { m.stop(StopReason::Requested, 0, kMonitorRequest); });
    }
    m.reset();
    return machine;
}

}  // namespace amber::cli
