#include "machine/machine.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "machine/log.hpp"

namespace amber {

Machine::Machine(const MachineConfig& cfg) : cfg_(cfg), sched_(cfg.ticks_per_second) {
    const ModelTraits& t = traits_of(cfg.cpu);
    uint64_t bus_top = uint64_t(1) << t.address_bits;
    if (cfg.ram_bytes == 0 || (cfg.ram_bytes > 0xA0000 && cfg.ram_bytes != 0x100000))
        throw std::invalid_argument(fmt::format("conventional RAM must be 1..640 KiB or exactly 1 MiB (got {} bytes)",
                                                cfg.ram_bytes));
    if (cfg.extended_ram_bytes && cfg.ram_bytes == 0x100000)
        throw std::invalid_argument("extended RAM cannot be combined with a flat 1 MiB of RAM");
    if (uint64_t(0x100000) + cfg.extended_ram_bytes > bus_top)
        throw std::invalid_argument(fmt::format("{} MiB of RAM does not fit the {}'s {}-bit address bus",
                                                (0x100000 + uint64_t(cfg.extended_ram_bytes)) >> 20, t.name,
                                                t.address_bits));
    mem_.add_ram(0, (cfg.ram_bytes + kPageMask) & ~kPageMask);
    if (cfg.extended_ram_bytes) mem_.add_ram(0x100000, (cfg.extended_ram_bytes + kPageMask) & ~kPageMask);
    // A PC booted straight into a kernel (-kernel) may have no firmware at all.
    if (!cfg.rom.empty() || cfg.layout == MachineConfig::Layout::Pc) map_firmware(bus_top);
    cpu_ = std::make_unique<Cpu>(cfg.cpu, mem_, io_);
    sched_.set_earlier_deadline_listener([cpu = cpu_.get()](uint64_t d) { cpu->lower_deadline(d); });
}

// Devices go in the reverse order of their creation: one added later may
// refer to an earlier one (a disk controller to its media).
Machine::~Machine() {
    while (!devices_.empty()) devices_.pop_back();
}

void Machine::map_firmware(uint64_t bus_top) {
    const bool pc = cfg_.layout == MachineConfig::Layout::Pc;
    const size_t max = pc ? 0x40000 : 0x20000;
    const std::vector<uint8_t>& rom = cfg_.rom;
    if (rom.size() > max || (rom.size() & kPageMask))
        throw std::invalid_argument(fmt::format("firmware image must be a multiple of 4 KiB up to {} KiB (got {} bytes)",
                                                max / 1024, rom.size()));
    const uint32_t size = static_cast<uint32_t>(rom.size());
    const uint32_t low = std::min<uint32_t>(size, 0x20000);  // what shows below 1 MiB
    std::span<const uint8_t> low_part(rom.data() + (size - low), low);
    if (pc) {
        if (cfg_.ram_bytes > 0xA0000) throw std::invalid_argument("a PC has at most 640 KiB of conventional RAM");
        if (low) mem_.add_rom(0x100000 - low, low_part);
        mem_.add_shadow(0xC0000, 0x40000);  // the chipset (PAM) routes it: build_pc wires that
    } else if (cfg_.ram_bytes <= 0x100000 - low) {
        mem_.add_rom(0x100000 - low, low_part);
    }
    if (size && bus_top > 0x100000) mem_.add_rom(static_cast<uint32_t>(bus_top - size), rom);
}

void Machine::reset() {
    for (auto& d : devices_) d->reset();
    cpu_->reset();
    if (after_reset_) after_reset_();
}

void Machine::request_reset() {
    reset_requested_ = true;
    cpu_->request_stop();
}

void Machine::stop(StopReason reason, int exit_code, std::string message) {
    if (stop_reported_) {  // the last run's result is history
        stop_ = {};
        stop_reported_ = false;
    }
    // The first reason wins, except that the guest's own end (an exit, a
    // triple fault) outranks a request made in the same instruction: a
    // debugger catching the OUT that writes the exit port must not hide it.
    const bool outranks = stop_.reason == StopReason::Requested && reason != StopReason::Requested;
    if (stop_.reason == StopReason::None || outranks) stop_ = {reason, exit_code, 0, std::move(message)};
    cpu_->request_stop();
}

RunResult Machine::run(uint64_t max_ticks) {
    // A stop requested between runs ends this run at once; the one that ended
    // the previous run has been reported and is forgotten.
    if (stop_reported_) stop_ = {};
    stop_reported_ = false;
    Cpu& cpu = *cpu_;
    if (stop_.reason == StopReason::None) cpu.clear_stop();
    uint64_t end = max_ticks == Scheduler::kNever ? Scheduler::kNever : cpu.ticks + max_ticks;
    while (stop_.reason == StopReason::None) {
        if (cpu.ticks >= end) {
            stop_ = {StopReason::TickLimit, 0, 0, "tick limit reached"};
            break;
        }
        uint64_t deadline = std::min(sched_.next_deadline(), end);
        bool can_wake = (cpu.pending & (Cpu::kIrq | Cpu::kNmi)) ||
                        (cpu.flags.if_() && sched_.next_wakeup() != Scheduler::kNever);
        if (cpu.halted && !can_wake) {
            stop_ = {StopReason::HaltedForever, 0, 0,
                     cpu.flags.if_() ? "CPU halted waiting for an interrupt that nothing will raise"
                                     : "CPU halted with interrupts disabled"};
            break;
        }
        if (cpu.halted && !(cpu.pending & (Cpu::kIrq | Cpu::kNmi))) {  // idle until the next event
            idle_ticks_ += deadline - cpu.ticks;
            cpu.ticks = deadline;
        } else {
            cpu.run(deadline);
        }
        if (reset_requested_) {
            reset_requested_ = false;
            if (!cfg_.reboot_on_triple_fault) {
                stop_ = {StopReason::GuestReset, 0, 0, "the guest reset the machine"};
                break;
            }
            log::get("machine")->info("system reset at tick {}", cpu.ticks);
            const uint64_t ticks = cpu.ticks;
            reset();
            cpu.ticks = ticks;
            cpu.clear_stop();
        }
        if (cpu.shutdown && cfg_.reboot_on_triple_fault) {
            log::get("machine")->info("triple fault at tick {}: resetting", cpu.ticks);
            const uint64_t ticks = cpu.ticks;
            reset();
            cpu.ticks = ticks;  // virtual time goes on across the reset
        } else if (cpu.shutdown) {
            stop_ = {StopReason::TripleFault, 0, 0, "the CPU shut down (a fault while delivering a double fault)"};
            break;
        }
        sched_.run_due(cpu.ticks);
    }
    stop_.ticks = cpu.ticks;
    stop_reported_ = true;
    return stop_;
}

}  // namespace amber
