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
#include "frontend/terminal_backend.hpp"
#include "frontend/terminal_keyboard.hpp"
#include "machine/automation.hpp"
#include "machine/machine.hpp"
#include "machine/pc.hpp"

namespace amber::cli {

// A bare machine runs a flat ROM (or the embedded guest) with a UART and the
// debug ports; a PC has the chipset, disks and video, and boots firmware
// (Debian's SeaBIOS unless -bios says otherwise).
enum class MachineKind { Bare, Pc };

// The firmware a PC loads unless -bios / --vga-bios say otherwise.
inline constexpr const char* kDefaultBios = "/usr/share/seabios/bios-256k.bin";
inline constexpr const char* kDefaultVgaBios = "/usr/share/seabios/vgabios-stdvga.bin";

struct MachineOptions {
    MachineKind kind = MachineKind::Bare;
    bool default_guest = false;            // nothing chosen: Debian Linux on a PC (frontend/default_guest.hpp)
    std::string guest_description;         // what the default guest is, for the greeting
    CpuModel cpu = CpuModel::i80286;
    std::optional<std::string> rom_path;   // --rom (bare) or -bios (PC)
    unsigned ram_kib = 640;
    unsigned ext_mib = 0;
    std::optional<uint64_t> max_ticks;
    BackendSpec serial;
    BackendSpec debugcon;
    bool no_reboot = false;

    // ---- the PC ----
    unsigned mem_mib = 32;                      // -m
    std::string vga_bios;                       // --vga-bios
    BackendSpec more_serial[3];                 // --serial2..4: COM2..COM4 (None: no UART there)
    std::optional<std::string> hd[4];           // -hda..-hdd (hdc is the CD when -cdrom is given)
    std::optional<std::string> cdrom;           // -cdrom: secondary master
    std::optional<std::string> fd[2];           // -fda, -fdb
    std::string boot_order = "cad";             // -boot: a, c, d in order of preference
    bool boot_menu = false;                     // -boot menu=on: SeaBIOS offers its boot menu
    bool snapshot = false;                      // guest writes never reach the image files
    bool display = true;                        // the VGA text screen live in the terminal
    BackendSpec port_402;                       // SeaBIOS's debug port (--biosdebug)
    uint64_t rtc_start = 1767225600;            // the RTC's time at power-on (Unix seconds; 2026-01-01)
    std::optional<std::string> screen_dump;     // --screen-dump FILE
    std::optional<std::string> kernel;          // -kernel: direct Linux boot (32-bit boot protocol)
    std::optional<std::string> initrd;          // -initrd
    std::string append;                         // -append: the kernel command line
    std::string script;                         // automation: --automate FILE, then each --step LINE
};

// QEMU spells its long options with one dash (-hda, -m, -nographic); this
// turns each such word that names a long option of `d` into the two-dash form.
std::vector<std::string> accept_single_dash(const std::vector<std::string>& args,
                                            const boost::program_options::options_description& d);

// Adds the options that describe a machine (CPU, memory, firmware, disks,
// consoles, automation, --log). The serial default differs: `run` gives the
// guest the terminal, `debug` keeps it for the monitor.
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

// What build_machine made besides the machine itself, for automation.
struct MachineExtras {
    TapBackend* serial_tap = nullptr;    // set when the options carry a script
    TapBackend* debugcon_tap = nullptr;
    AutomationPorts ports;               // the screen and keyboard, on a PC
    TerminalCharBackend* terminal = nullptr;  // the serial console, when it is this terminal
    std::unique_ptr<TerminalKeyboard> keyboard_input;  // typing into the screen, when it is in this terminal
    Pc pc;                                    // the PC's devices (all null on a bare machine)
};

// The message of a stop the user asked for to reach the monitor (C-a c).
inline constexpr const char* kMonitorRequest = "the user asked for the monitor";

// Builds and resets the machine. Reads the ROM image (or takes the embedded
// default guest); throws std::runtime_error when it cannot.
std::unique_ptr<Machine> build_machine(const MachineOptions& o, SerialStdin stdin_owner,
                                       const MachineHooks& hooks = {}, MachineExtras* extras = nullptr);

}  // namespace amber::cli
