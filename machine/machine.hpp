// A whole virtual machine: CPU, physical memory, I/O bus, scheduler and the
// devices wired to them. Everything a VM owns hangs off this object -- there
// are no globals -- so several machines can live in one process.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cpu/cpu.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"
#include "mmu/phys_memory.hpp"

namespace amber {

struct MachineConfig {
    CpuModel cpu = CpuModel::i80286;
    uint32_t ram_bytes = 640 * 1024;       // conventional RAM from address 0
    uint32_t extended_ram_bytes = 0;       // RAM from 1 MiB up (286 and later)
    std::vector<uint8_t> rom{};            // firmware: mapped to end at 1 MiB and at the top of the bus
    uint64_t ticks_per_second = 100'000'000;  // virtual instructions per guest second
    bool reboot_on_triple_fault = true;    // as a PC's chipset does; false ends the run instead
    // Bare: the firmware is ROM below 1 MiB (at most 128 KiB). Pc: the image's
    // last 128 KiB are ROM at 0xE0000, 0xC0000-0xFFFFF has shadow RAM beside
    // it that the chipset's PAM registers switch in, and the whole image (up
    // to 256 KiB) is ROM at the top of the bus; 0xA0000-0xBFFFF is left to
    // the video card.
    enum class Layout : uint8_t { Bare, Pc };
    Layout layout = Layout::Bare;
};

enum class StopReason {
    None,
    GuestExit,       // the guest wrote the debug-exit port
    GuestReset,      // the guest reset the machine and rebooting is off
    HaltedForever,   // HLT with nothing that could ever wake the CPU
    TickLimit,       // the requested amount of virtual time has run
    TripleFault,
    Requested,       // the user or the frontend asked to stop
    ScriptEnded,     // an automation script said stop, or one of its waits timed out
    PowerOff,        // the guest switched the machine off (ACPI soft off, S5)
};

struct RunResult {
    StopReason reason = StopReason::None;
    int exit_code = 0;
    uint64_t ticks = 0;
    std::string message;
};

class Machine {
public:
    explicit Machine(const MachineConfig& cfg);
    ~Machine();
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    Cpu& cpu() { return *cpu_; }
    PhysMemory& memory() { return mem_; }
    IoBus& io() { return io_; }
    Scheduler& scheduler() { return sched_; }
    const MachineConfig& config() const { return cfg_; }

    // Takes ownership; devices are reset with the machine and destroyed with it.
    template <typename D> D* add_device(std::unique_ptr<D> d) {
        D* raw = d.get();
        devices_.push_back(std::move(d));
        return raw;
    }
    const std::vector<std::unique_ptr<Device>>& devices() const { return devices_; }

    void reset();
    // Runs at the end of every reset (a direct kernel boot loads the kernel again).
    void set_after_reset(std::function<void()> f) { after_reset_ = std::move(f); }
    // Runs until a stop condition or until `max_ticks` more ticks have passed.
    RunResult run(uint64_t max_ticks = Scheduler::kNever);
    // A system reset from the chipset (the 8042's reset line, port 0x92):
    // the machine resets at the next instruction boundary, or with
    // reboot_on_triple_fault off, the run ends (-no-reboot).
    void request_reset();
    // Ends the current run() at the next instruction boundary (devices, frontend).
    void stop(StopReason reason, int exit_code = 0, std::string message = {});
    // Virtual time skipped while the CPU was halted (idle), in ticks, since power-on.
    uint64_t idle_ticks() const { return idle_ticks_; }

private:
    void map_firmware(uint64_t bus_top);

    MachineConfig cfg_;
    PhysMemory mem_;
    IoBus io_;
    Scheduler sched_;
    std::unique_ptr<Cpu> cpu_;
    std::vector<std::unique_ptr<Device>> devices_;
    RunResult stop_{};
    bool stop_reported_ = true;  // stop_ was returned by the last run()
    bool reset_requested_ = false;
    uint64_t idle_ticks_ = 0;
    std::function<void()> after_reset_;
};

}  // namespace amber
