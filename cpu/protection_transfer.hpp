// Protected-mode rules for control transfers between segments: far JMP and
// CALL (to code segments, call gates, task gates and TSSs), INT n and
// exception/interrupt delivery through the IDT, the inner-level stack a
// privilege change takes from the TSS, and IRET's return to a nested task
// (Intel SDM Vol. 2: JMP, CALL, INT n, IRET; Vol. 3 chapters 5-7).
//
// As in protection.hpp, each check is pure and returns what to load or the
// fault to raise, in the SDM's order. The caller performs the transfer: loads
// the caches, writes Accessed bits back, pushes the return frame (the room
// for it has been checked), copies call-gate parameters, or switches tasks.
#pragma once
#include <cstdint>
#include <optional>

#include "cpu/descriptor_tables.hpp"

namespace amber {

// The stack for a more privileged level, from the current TSS.
struct InnerStack {
    SegmentLoad ss;
    uint32_t esp = 0;  // 16 bits from a 286 TSS
};

// Reads SS:ESP for level `dpl` from the current TSS and checks the stack
// segment (SDM: CALL "MORE-PRIVILEGE", INT n "INTER-PRIVILEGE-LEVEL"):
// slot past the TSS limit #TS(TSS selector); null SS #TS(0); SS past its
// table, RPL or DPL != dpl, or not writable data #TS(SS); not present #SS(SS).
// `ext` adds EXT to every error code.
Checked<InnerStack> read_inner_stack(const DescriptorTables& t, unsigned dpl, bool ext);

// A task to switch to. The switch itself (saving state, loading the new
// TSS, its own #TS checks) belongs to the caller.
struct TaskTarget {
    uint16_t selector = 0;
    FetchedDescriptor tss;
};

// The TSS named by a task gate: must be in the GDT and within it, an
// available TSS (#GP(TSS selector) otherwise), and present (#NP).
Checked<TaskTarget> check_task_gate_target(const DescriptorTables& t, uint16_t tss_sel, bool ext);

// IRET with NT set returns to the task in the current TSS's back link: it
// must be a GDT selector within the GDT naming a busy TSS (#TS(link)
// otherwise), and present (#NP(link)).
Checked<TaskTarget> check_task_return(const DescriptorTables& t, uint16_t link_sel);

// ---- far JMP and CALL ----

enum class FarKind : uint8_t { Jump, Call };

struct FarRequest {
    FarKind kind = FarKind::Jump;
    uint16_t selector = 0;
    uint32_t offset = 0;     // already truncated to the operand size
    bool operand32 = false;  // a direct CALL pushes 32-bit CS:EIP
    // CALL: the current stack, which must have room for the return address.
    Segment ss;
    uint32_t esp = 0;
};

struct FarTarget {
    enum class Kind : uint8_t { Code, CallGate, TaskGate, Tss };
    Kind kind = Kind::Code;
    // Code and CallGate: where execution continues (RPL of CS = the new CPL).
    SegmentLoad cs;
    uint32_t eip = 0;
    unsigned cpl = 0;
    std::optional<Gate> gate;         // CallGate, TaskGate
    std::optional<InnerStack> stack;  // a CALL through a gate to a more privileged level
    std::optional<TaskTarget> task;   // TaskGate, Tss
};

// Checks a far JMP or CALL in protected mode.
// A CALL that changes privilege must push, on `stack`, the old SS:ESP, the
// gate's parameters and CS:EIP (room already checked); one that does not
// pushes CS:EIP on the current stack (room checked too).
Checked<FarTarget> check_far_transfer(const DescriptorTables& t, unsigned cpl, const FarRequest& req);

// ---- interrupts and exceptions ----

struct InterruptRequest {
    uint8_t vector = 0;
    // INT n, INT3 and INTO: the gate's DPL must admit the CPL, and error codes
    // lack EXT. Hardware interrupts, exceptions and INT1 set EXT instead.
    bool software = false;
    bool pushes_error_code = false;  // the exception pushes an error code
    // The current stack, for the frame of an interrupt that stays at its level.
    Segment ss;
    uint32_t esp = 0;
};

struct InterruptTarget {
    enum class Kind : uint8_t { Gate, Task };
    Kind kind = Kind::Gate;
    Gate gate;  // Gate: gate.is_interrupt_gate() says whether IF is cleared
    SegmentLoad cs;
    uint32_t eip = 0;
    unsigned cpl = 0;
    std::optional<InnerStack> stack;  // when the handler is more privileged
    std::optional<TaskTarget> task;   // Task
};

// Checks delivery through the IDT in protected mode (not from virtual-8086
// mode). The frame is EFLAGS, CS, EIP (and SS, ESP first on a stack switch),
// plus the error code, in words for 286 gates and dwords for 386 gates.
Checked<InterruptTarget> check_interrupt(const DescriptorTables& t, unsigned cpl, const InterruptRequest& req);

}  // namespace amber
