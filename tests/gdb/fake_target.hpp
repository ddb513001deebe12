// A pretend machine for testing the GDB stub without the emulator: 64 KiB
// of memory at linear address 0, the i386 register file, breakpoints and
// watchpoints kept in a list, and just enough real x86 instructions for gdb
// to run a loop, stop at breakpoints and catch a store with a watchpoint:
//
//   40+r  inc r32          90  nop               F4  hlt: the run ends, exit status AL
//   A1    mov eax,[moffs32]  A3  mov [moffs32],eax  EB  jmp rel8
//
// Any other opcode, or leaving memory, "shuts the CPU down" (TripleFault).
// Used by the unit tests (tests/unit/gdb_stub_test.cpp) and by the server
// the real gdb talks to (tests/gdb/fake_target_server.cpp).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <vector>

#include "frontend/gdb/target.hpp"

namespace amber::gdb::testing {

class FakeTarget final : public GdbTarget {
public:
    static constexpr uint32_t kMemorySize = 0x10000;
    static constexpr size_t kMaxPoints = 4;        // like the four debug registers
    static constexpr uint64_t kPollInterval = 64;  // instructions between interrupt polls

    struct Point {
        BreakKind kind;
        uint32_t address;
        uint32_t length;
        bool operator==(const Point&) const = default;
    };

    RegisterFile regs;
    std::vector<uint8_t> memory = std::vector<uint8_t>(kMemorySize);
    std::vector<Point> points;
    bool offers_hardware = true;  // false: Z1..Z4 are Unsupported
    bool sse = false;             // true: xmm0-7 and mxcsr exist too
    uint64_t executed = 0;        // instructions run so far
    std::vector<Reg> register_writes;  // write_register calls that succeeded, in order
    std::function<void()> on_poll;     // called before each interrupt poll, if set
    bool detached = false;
    bool killed = false;

    uint32_t& reg(Reg r) { return regs.core[unsigned(r)]; }

    void load(uint32_t address, std::initializer_list<uint8_t> bytes) {
        std::copy(bytes.begin(), bytes.end(), memory.begin() + address);
    }
    uint32_t load32(uint32_t address) const {
        uint32_t v = 0;
        for (int i = 3; i >= 0; --i) v = v << 8 | memory[address + i];
        return v;
    }

    RegisterFile read_registers() override { return regs; }

    bool write_register(Reg r, uint32_t value) override {
        if (r >= Reg::St0 && r <= Reg::St7) return false;
        if (r >= Reg::Xmm0 && (!sse || r != Reg::Mxcsr)) return false;
        if (r == Reg::Mxcsr) {
            regs.mxcsr = value;
        } else if (r < Reg::St0) {
            regs.core[unsigned(r)] = value;
        } else {
            regs.x87_control[unsigned(r) - unsigned(Reg::Fctrl)] = value;
        }
        register_writes.push_back(r);
        return true;
    }

    bool has_sse() override { return sse; }
    bool write_xmm_register(unsigned index, const XmmValue& value) override {
        if (!sse || index >= kXmmCount) return false;
        regs.xmm[index] = value;
        return true;
    }

    size_t read_memory(uint32_t address, std::span<uint8_t> out) override {
        if (address >= kMemorySize) return 0;
        const size_t n = std::min<size_t>(out.size(), kMemorySize - address);
        std::memcpy(out.data(), memory.data() + address, n);
        return n;
    }

    bool write_memory(uint32_t address, std::span<const uint8_t> data) override {
        if (address >= kMemorySize || data.size() > kMemorySize - address) return false;
        std::memcpy(memory.data() + address, data.data(), data.size());
        return true;
    }

    BreakResult insert_breakpoint(BreakKind kind, uint32_t address, uint32_t length) override {
        if (kind != BreakKind::Software && !offers_hardware) return BreakResult::Unsupported;
        const bool watch = kind != BreakKind::Software && kind != BreakKind::Hardware;
        if (watch && length != 1 && length != 2 && length != 4 && length != 8) return BreakResult::Failed;
        const Point p{kind, address, length};
        if (std::find(points.begin(), points.end(), p) != points.end()) return BreakResult::Ok;
        if (points.size() == kMaxPoints) return BreakResult::Failed;
        points.push_back(p);
        return BreakResult::Ok;
    }

    BreakResult remove_breakpoint(BreakKind kind, uint32_t address, uint32_t length) override {
        if (kind != BreakKind::Software && !offers_hardware) return BreakResult::Unsupported;
        std::erase(points, Point{kind, address, length});
        return BreakResult::Ok;
    }

    StopReason resume(ResumeMode mode, const InterruptPoll& poll) override {
        for (uint64_t n = 1;; ++n) {
            if (auto hit = breakpoint_at(reg(Reg::Eip))) return *hit;
            if (auto stop = execute_one()) return *stop;
            if (mode == ResumeMode::Step) return StopReason::of(StopKind::Step);
            if (n % kPollInterval != 0) continue;
            if (on_poll) on_poll();
            if (poll()) return StopReason::of(StopKind::Interrupted);
        }
    }

    void kill() override { killed = true; }
    void detach() override { detached = true; }

private:
    std::optional<StopReason> breakpoint_at(uint32_t eip) const {
        for (const Point& p : points) {
            if (p.address != eip) continue;
            if (p.kind == BreakKind::Software) return StopReason::of(StopKind::SoftwareBreakpoint);
            if (p.kind == BreakKind::Hardware) return StopReason::of(StopKind::HardwareBreakpoint);
        }
        return std::nullopt;
    }

    // The first watchpoint a data access of `size` bytes at `address` matches.
    std::optional<StopReason> watch_hit(uint32_t address, uint32_t size, bool write) const {
        for (const Point& p : points) {
            const bool kind_matches = p.kind == BreakKind::AccessWatch ||
                                      p.kind == (write ? BreakKind::WriteWatch : BreakKind::ReadWatch);
            if (kind_matches && address < p.address + p.length && p.address < address + size)
                return StopReason::watchpoint(p.kind, p.address);
        }
        return std::nullopt;
    }

    // Runs the instruction at EIP; a stop it causes, if any.
    std::optional<StopReason> execute_one() {
        const StopReason shutdown = StopReason::of(StopKind::TripleFault);
        uint32_t& eip = reg(Reg::Eip);
        if (eip + 5 > kMemorySize) return shutdown;  // room for the longest instruction
        const uint8_t opcode = memory[eip];
        ++executed;
        if (opcode >= 0x40 && opcode <= 0x47) {
            ++regs.core[opcode - 0x40];
            eip += 1;
            return std::nullopt;
        }
        switch (opcode) {
        case 0x90:
            eip += 1;
            return std::nullopt;
        case 0xEB:
            eip += 2 + static_cast<int8_t>(memory[eip + 1]);
            return std::nullopt;
        case 0xF4:
            eip += 1;
            return StopReason::exited(static_cast<uint8_t>(reg(Reg::Eax)));
        case 0xA1:
        case 0xA3: {
            const uint32_t address = load32(eip + 1);
            if (address + 4 > kMemorySize) return shutdown;
            const bool write = opcode == 0xA3;
            if (write) {
                for (int i = 0; i < 4; ++i) memory[address + i] = static_cast<uint8_t>(reg(Reg::Eax) >> (8 * i));
            } else {
                reg(Reg::Eax) = load32(address);
            }
            eip += 5;
            return watch_hit(address, 4, write);  // reported after the access, as on x86
        }
        default:
            return shutdown;
        }
    }
};

}  // namespace amber::gdb::testing
