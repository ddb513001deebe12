// A debugger attached to one machine: breakpoints (CS:EIP, linear,
// physical), watchpoints (linear or physical; reads, writes or both),
// catches (an interrupt vector or exception, an I/O port range, a mode
// switch), and execution control in whole instructions. The built-in monitor
// (frontend/monitor) and the GDB stub (frontend/gdb) both drive it.
//
// Attaching costs the machine nothing until something is set: execution
// breakpoints select the CPU's instrumented loop, watchpoints take only the
// watched pages off the TLB fast path, and catches sit on paths that are
// already slow. The guest's own debug registers keep working alongside.
#pragma once
#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "machine/machine.hpp"

namespace amber {

class Debugger {
public:
    enum class Kind : uint8_t { CsEip, Linear, Physical, Watch, Vector, Port, ModeSwitch };
    struct Breakpoint {
        int id = 0;
        Kind kind = Kind::Linear;
        uint16_t cs = 0;           // CsEip
        uint32_t address = 0;      // EIP, linear or physical address, first port, or vector (-1: any)
        uint32_t length = 1;       // Watch: bytes; Port: number of ports
        bool physical = false;     // Watch: the address is physical
        bool on_read = false;      // Watch
        bool on_write = true;      // Watch
        bool any_vector = false;   // Vector: every interrupt and exception
        uint64_t hits = 0;
        std::string describe() const;
    };

    struct Stop {
        enum class Why : uint8_t {
            Stepped,      // the requested instructions ran
            Breakpoint,   // before an instruction at a breakpoint
            Watchpoint,   // after an access to a watched address
            Caught,       // after a caught event (vector, port, mode switch)
            Reached,      // the address or instruction count asked for
            Interrupted,  // interrupt() was called
            Machine,      // the machine stopped by itself (exit, halt, tick limit, triple fault)
        };
        Why why = Why::Stepped;
        int breakpoint = 0;      // the id that hit
        uint32_t address = 0;    // Watch: linear address accessed; Port: the port; Vector: the vector
        bool write = false;      // Watch, Port
        RunResult machine{};     // Machine: why and with which exit code
        std::string describe() const;
    };

    explicit Debugger(Machine& m);
    ~Debugger();
    Debugger(const Debugger&) = delete;
    Debugger& operator=(const Debugger&) = delete;

    Machine& machine() { return m_; }
    Cpu& cpu() { return m_.cpu(); }

    // Returns the new breakpoint's id (never 0).
    int add(Breakpoint b);
    bool remove(int id);
    const std::vector<Breakpoint>& breakpoints() const { return bps_; }

    // Execution. Each returns at the first reason to stop; `max_ticks` bounds
    // a run that nothing else stops (Machine stop with TickLimit).
    Stop step(uint64_t instructions = 1);
    // Steps one instruction, or over a CALL or INT n: runs until execution is
    // back after it at the same stack depth.
    Stop step_over(uint64_t max_ticks = kForever);
    // A breakpoint at the instruction the run starts from fires only when
    // `stop_at_start` is set (a run continuing after a slice); normally a
    // run resumes past it.
    Stop run(uint64_t max_ticks = kForever, bool stop_at_start = false);
    // Runs until CS.base + EIP == linear (or another stop comes first).
    Stop run_to_linear(uint32_t linear, uint64_t max_ticks = kForever);
    // Runs until the instruction count reaches `tick`.
    Stop run_to_tick(uint64_t tick);
    // Safe from any thread: the running call returns Interrupted soon after.
    void interrupt() { interrupt_requested_.store(true); }
    static constexpr uint64_t kForever = ~uint64_t(0);

    // Guest memory without side effects (no Accessed bits, no faults):
    // false when a page is not mapped.
    bool read_linear(uint32_t lin, std::span<uint8_t> out) const;
    bool write_linear(uint32_t lin, std::span<const uint8_t> in);
    void read_physical(uint32_t phys, std::span<uint8_t> out) const;
    void write_physical(uint32_t phys, std::span<const uint8_t> in);

    // The EBP chain: (frame address, return address) pairs from the
    // current frame outwards, as far as the stack is readable.
    struct Frame {
        uint32_t ebp;
        uint32_t return_eip;
    };
    std::vector<Frame> call_chain(unsigned max_frames = 32) const;

private:
    void install_hooks();
    void on_instruction(Cpu& c);
    void on_event(Cpu& c, const DebugEvent& e);
    void note_stop(Stop s);
    Stop run_until(uint64_t end_tick, bool stop_at_start = false);
    bool has_execution_breakpoints() const;

    Machine& m_;
    std::vector<Breakpoint> bps_;
    int next_id_ = 1;
    std::atomic<bool> interrupt_requested_{false};
    std::optional<Stop> pending_stop_;      // what a hook saw during the current run
    std::optional<uint32_t> target_linear_; // run_to_linear
    uint64_t resume_tick_ = ~uint64_t(0);   // a breakpoint at the resume point does not fire at once
    int client_ = 0;                        // our registration with the CPU's debug reports
};

}  // namespace amber
