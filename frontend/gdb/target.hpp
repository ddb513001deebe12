// What the GDB stub needs from the machine it debugs. The stub only talks
// to this interface, so it can be tested against a fake target and the
// emulator plugs in through an adapter.
//
// Threading: everything runs on one thread, the one that calls
// GdbStub::serve(). While the guest runs (resume()), the target calls the
// InterruptPoll it was given between slices of execution; the poll looks at
// the socket without blocking and answers true once gdb sent Ctrl-C (or went
// away). So nothing here has to be thread-safe: the CPU and its stop
// request are only ever touched by the thread that runs them.
//
// Addresses are linear (segment base already added, paging applied by the
// target when it is on), as gdb's i386 register set has no segment bases.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace amber::gdb {

// Register numbers in the order of the target description (target_description.cpp),
// which is the order of the 'g' packet and the numbers in 'p'/'P'.
enum class Reg : unsigned {
    Eax, Ecx, Edx, Ebx, Esp, Ebp, Esi, Edi,
    Eip, Eflags,
    Cs, Ss, Ds, Es, Fs, Gs,
    St0, St1, St2, St3, St4, St5, St6, St7,  // 80-bit x87 registers
    Fctrl, Fstat, Ftag, Fiseg, Fioff, Foseg, Fooff, Fop,
    // Only when the target has SSE (GdbTarget::has_sse):
    Xmm0, Xmm1, Xmm2, Xmm3, Xmm4, Xmm5, Xmm6, Xmm7,  // 128-bit
    Mxcsr,
};
constexpr unsigned kRegCount = 32;  // without SSE
constexpr unsigned kSseRegCount = kRegCount + 9;
constexpr unsigned kCoreRegCount = 16;  // eax .. gs
constexpr unsigned kX87Count = 8;       // st0 .. st7
constexpr unsigned kX87ControlCount = 8;  // fctrl .. fop
constexpr size_t kX87Bytes = 10;
constexpr unsigned kXmmCount = 8;
constexpr size_t kXmmBytes = 16;

// One 80-bit x87 register as FSAVE stores it: 64-bit significand, then
// sign and exponent, little-endian.
using X87Value = std::array<uint8_t, kX87Bytes>;
// One XMM register: its 16 bytes, little-endian (bits 7..0 first).
using XmmValue = std::array<uint8_t, kXmmBytes>;

struct RegisterFile {
    std::array<uint32_t, kCoreRegCount> core{};  // index: Reg::Eax .. Reg::Gs
    std::array<X87Value, kX87Count> st{};
    std::array<uint32_t, kX87ControlCount> x87_control{};  // index: register number - Reg::Fctrl
    std::array<XmmValue, kXmmCount> xmm{};  // read and sent only when the target has SSE
    uint32_t mxcsr = 0;
};

// The Z/z packet kinds, in their protocol numbering (Z0 .. Z4).
enum class BreakKind : unsigned { Software, Hardware, WriteWatch, ReadWatch, AccessWatch };

enum class BreakResult {
    Ok,
    Unsupported,  // this kind is not offered at all: gdb falls back (for Z0: writing int3 itself)
    Failed,       // offered, but not here: no free slot, bad length, address not mapped
};

enum class ResumeMode { Continue, Step };

enum class StopKind {
    Step,                // a single step finished
    SoftwareBreakpoint,  // EIP is at the breakpoint's address, its instruction not yet executed
    HardwareBreakpoint,  // the same, for a Hardware one
    Watchpoint,          // an access matched a watchpoint; the instruction has completed
    Interrupted,         // the InterruptPoll answered true
    Exited,              // the guest ended the run (exit port, halted for good, ...)
    TripleFault,         // the CPU shut down; its state is still there to look at
};
// gdb sees Exited as "exited with code N" (after which it disconnects),
// TripleFault as SIGSEGV, Interrupted as SIGINT, the others as SIGTRAP.

struct StopReason {
    StopKind kind = StopKind::Step;
    BreakKind watch = BreakKind::WriteWatch;  // Watchpoint: which kind matched
    uint32_t data_address = 0;  // Watchpoint: an address inside the watched range
    uint8_t exit_status = 0;    // Exited

    static StopReason of(StopKind k) { return {k}; }
    static StopReason watchpoint(BreakKind kind, uint32_t address) {
        return {StopKind::Watchpoint, kind, address};
    }
    static StopReason exited(uint8_t status) { return {StopKind::Exited, BreakKind::WriteWatch, 0, status}; }
};

// Answers true when the run must stop (Ctrl-C from gdb, or gdb gone). Cheap
// (one poll() system call); call it between slices of execution, often
// enough that Ctrl-C feels immediate: every few milliseconds of host time.
using InterruptPoll = std::function<bool()>;

class GdbTarget {
public:
    virtual ~GdbTarget() = default;

    // The registers as they are now. Called only while the guest is stopped.
    virtual RegisterFile read_registers() = 0;

    // Sets one 32-bit register (any Reg but St0..St7 and Xmm0..Xmm7). What
    // writing a segment register means (real-mode base, descriptor load) is
    // the target's business; false when the value cannot be taken (gdb shows
    // an error and the register keeps its value). The stub only writes
    // registers whose value changes, so a 'G' packet that repeats the
    // current segment registers does not reload them.
    virtual bool write_register(Reg reg, uint32_t value) = 0;

    // Sets one of st0..st7 (index 0..7); false when there is no FPU.
    virtual bool write_x87_register(unsigned index, const X87Value& value) { return false; }

    // Whether the target has the SSE registers (xmm0-7, mxcsr after the x87
    // ones): fixed for a session, it decides the target description and the
    // size of the 'g' packet. MXCSR is written through write_register.
    virtual bool has_sse() { return false; }
    virtual bool write_xmm_register(unsigned index, const XmmValue& value) { return false; }

    // Copies guest memory at `address` into `out`, stopping at the first
    // byte that cannot be read (unmapped, not present). Returns the number
    // of bytes copied; 0 makes gdb say "Cannot access memory". Must not
    // change guest-visible state (no Accessed bits, no MMIO side effects).
    virtual size_t read_memory(uint32_t address, std::span<uint8_t> out) = 0;

    // Writes `data` at `address`; false if any byte could not be written
    // (bytes before it may have been). The next instruction fetch must see
    // the new bytes (drop pre-decoded code). Whether ROM takes writes is
    // the target's choice; gdb only patches code itself (int3) when Z0 is
    // Unsupported.
    virtual bool write_memory(uint32_t address, std::span<const uint8_t> data) = 0;

    // Breakpoints and watchpoints at a linear address. `length` is the
    // watched range in bytes for watchpoints (gdb sends 1, 2, 4 or 8) and
    // the instruction length hint gdb calls "kind" for breakpoints (1 on
    // x86). Removing one that is not there returns Ok. Software breakpoints
    // need not patch memory: the target stops before executing the
    // instruction at that address, as for a hardware one.
    virtual BreakResult insert_breakpoint(BreakKind kind, uint32_t address, uint32_t length) = 0;
    virtual BreakResult remove_breakpoint(BreakKind kind, uint32_t address, uint32_t length) = 0;

    // Runs the guest until something stops it and says what. Step executes
    // one instruction; if it faults, or an interrupt is taken first, the
    // step ends at the first instruction of the handler. Continue runs until a
    // breakpoint, a watchpoint, the guest's end, or `poll` answering true.
    // Breakpoints are checked before every instruction, the first one of
    // the run included: to move on from a breakpoint, gdb removes it and
    // steps over it itself, and a `jump` onto one must stop there.
    virtual StopReason resume(ResumeMode mode, const InterruptPoll& poll) = 0;

    // gdb killed the program: end the run. serve() returns right after;
    // the caller closes the connection (drops the SocketChannel).
    virtual void kill() = 0;

    // The debugger is gone (detach, or the connection dropped): the stub has
    // already removed every breakpoint it inserted; the guest goes on
    // running without the debugger once GdbStub::serve() returns.
    virtual void detach() = 0;
};

}  // namespace amber::gdb
