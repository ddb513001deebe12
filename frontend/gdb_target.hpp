// The GDB stub's view of a machine (frontend/gdb/target.hpp), built on the
// debugger core (machine/debugger.hpp): registers, memory without side
// effects, breakpoints and watchpoints, and resumption in slices so gdb's
// Ctrl-C is noticed.
#pragma once
#include <map>
#include <tuple>

#include "frontend/gdb/target.hpp"
#include "machine/debugger.hpp"

namespace amber::cli {

class MachineGdbTarget final : public gdb::GdbTarget {
public:
    // `max_ticks`: the run's overall limit (--max-ticks), if any.
    MachineGdbTarget(Machine& m, uint64_t max_ticks) : dbg_(m), max_ticks_(max_ticks) {}

    gdb::RegisterFile read_registers() override;
    bool write_register(gdb::Reg reg, uint32_t value) override;
    bool write_x87_register(unsigned index, const gdb::X87Value& value) override;
    bool has_sse() override;
    bool write_xmm_register(unsigned index, const gdb::XmmValue& value) override;
    size_t read_memory(uint32_t address, std::span<uint8_t> out) override;
    bool write_memory(uint32_t address, std::span<const uint8_t> data) override;
    gdb::BreakResult insert_breakpoint(gdb::BreakKind kind, uint32_t address, uint32_t length) override;
    gdb::BreakResult remove_breakpoint(gdb::BreakKind kind, uint32_t address, uint32_t length) override;
    gdb::StopReason resume(gdb::ResumeMode mode, const gdb::InterruptPoll& poll) override;
    void kill() override { killed_ = true; }
    void detach() override {}

    bool killed() const { return killed_; }
    // How the machine stopped, once it stopped by itself (exit, triple fault...).
    const std::optional<RunResult>& ended() const { return ended_; }

private:
    gdb::StopReason translate(const Debugger::Stop& s);
    bool write_x87_control(gdb::Reg reg, uint32_t value);

    Debugger dbg_;
    uint64_t max_ticks_;
    using Key = std::tuple<gdb::BreakKind, uint32_t, uint32_t>;
    std::map<Key, int> breakpoints_;  // gdb's breakpoint -> the debugger's id
    bool killed_ = false;
    std::optional<RunResult> ended_;
};

}  // namespace amber::cli
