// The x86 interpreter: architectural state, the memory and I/O paths every
// instruction uses, and the run loop over pre-decoded blocks.
//
// Flow of one instruction: run() looks up the block for CS:EIP by physical
// address in the code cache (decoding it on a miss, or following the previous
// block's chain link), then calls each instruction's handler from the opcode
// table. Handlers read operands through reg<T>() and read_mem<T>(); memory
// accesses check the segment limit, then hit the TLB (one compare, one host
// load) or fall to the slow path. Faults are C++ exceptions (CpuFault) caught
// by the run loop, which delivers them. Interrupt requests, stop requests and
// code invalidation are folded into one word, `pending`, tested once per
// instruction; the scheduler's deadline is checked once per block.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cpu/code_cache.hpp"
#include "cpu/flags.hpp"
#include "cpu/insn.hpp"
#include "cpu/model.hpp"
#include "cpu/msr.hpp"
#include "cpu/sse.hpp"
#include "cpu/x87.hpp"
#include "machine/io_bus.hpp"
#include "mmu/endian.hpp"
#include "mmu/paging.hpp"
#include "mmu/phys_memory.hpp"
#include "mmu/tlb.hpp"

#if defined(__GNUC__)
#define AMBER_LIKELY(x) __builtin_expect(!!(x), 1)
#define AMBER_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define AMBER_LIKELY(x) (x)
#define AMBER_UNLIKELY(x) (x)
#endif

namespace amber {

// Exception vectors.
namespace vec {
constexpr uint8_t DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8;
constexpr uint8_t TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, XM = 19;
}  // namespace vec

// Bits of CR4 (Pentium and later).
namespace cr4_bit {
constexpr uint32_t VME = 1u << 0, PVI = 1u << 1, TSD = 1u << 2, DE = 1u << 3, PSE = 1u << 4, PAE = 1u << 5;
constexpr uint32_t MCE = 1u << 6, PGE = 1u << 7, PCE = 1u << 8, OSFXSR = 1u << 9, OSXMMEXCPT = 1u << 10;
}  // namespace cr4_bit

// Bits of CR0 (the 286's MSW is its low four).
namespace cr0_bit {
constexpr uint32_t PE = 1u << 0, MP = 1u << 1, EM = 1u << 2, TS = 1u << 3, ET = 1u << 4, NE = 1u << 5;
constexpr uint32_t WP = 1u << 16, AM = 1u << 18, NW = 1u << 29, CD = 1u << 30, PG = 1u << 31;
}  // namespace cr0_bit

// How an event reaches the interrupt table: software interrupts (INT n,
// INT3, INTO) are checked against the gate's DPL; exceptions and external
// interrupts set EXT in error codes instead.
enum class EventKind : uint8_t { Software, Exception, External };

// Why a task switch happens: it decides the busy bits, NT and the back link.
enum class TaskSwitchReason : uint8_t { Jump, Call, Iret, Interrupt };
// What an attached debugger asked the CPU to report (machine/debugger.*).
// Each kind costs nothing while off: watched pages leave the TLB's fast
// path, and the other checks sit on paths that are already slow.
struct Watchpoint {
    uint32_t address = 0;
    uint32_t length = 1;
    bool physical = false;  // address is physical rather than linear
    bool on_read = false;
    bool on_write = true;
};
struct DebugEvent {
    enum class Kind : uint8_t { Watch, Interrupt, Io, ModeSwitch } kind;
    uint32_t address = 0;  // Watch: linear address of the access; Io: the port
    unsigned size = 0;
    bool write = false;
    uint8_t vector = 0;    // Interrupt
    EventKind event = EventKind::Exception;
    uint32_t value = 0;    // Io: the value an OUT writes
};
struct DebugRequests {
    std::vector<Watchpoint> watchpoints;
    bool events = false;       // every interrupt and exception
    bool io = false;           // every port access
    bool mode_switches = false;  // CR0.PE/PG and EFLAGS.VM changes
};

struct TaskTarget;
struct DescriptorTables;
struct SegmentLoad;

// A fault raised while executing an instruction. The run loop catches it and
// delivers the exception; the faulting instruction has committed nothing.
struct CpuFault {
    uint8_t vector;
    bool has_error = false;
    uint16_t error = 0;
    bool after_insn = false;  // return address is the next instruction (8086 #DE)
};

// Where an external interrupt comes from (the PIC, later the APIC).
class InterruptSource {
public:
    virtual ~InterruptSource() = default;
    virtual uint8_t acknowledge() = 0;  // returns the vector of the highest request
};

struct Segment {
    static constexpr uint16_t kBig = 0x4000;  // D/B: 32-bit code or stack
    uint16_t selector = 0;
    uint32_t base = 0;
    uint32_t limit = 0xFFFF;
    uint16_t attr = 0x93;  // descriptor access byte; bits 12-15 the flags nibble (AVL, L, D/B, G)
};

// GDTR and IDTR.
struct TableRegister {
    uint32_t base = 0;
    uint32_t limit = 0xFFFF;
};

class Cpu final : private CodeWriteListener {
public:
    // Bits of `pending`.
    static constexpr uint32_t kIrq = 1u << 0;         // INTR line asserted
    static constexpr uint32_t kNmi = 1u << 1;
    static constexpr uint32_t kStop = 1u << 2;        // someone asked the CPU to leave run()
    static constexpr uint32_t kCodeChanged = 1u << 3; // the running block may be stale
    static constexpr uint32_t kStepEvent = 1u << 4;   // trap flag, interrupt shadow ending

    Cpu(CpuModel model, PhysMemory& mem, IoBus& io);
    Cpu(const Cpu&) = delete;
    Cpu& operator=(const Cpu&) = delete;

    void reset();
    // Executes until ticks >= deadline, the CPU halts with nothing to wake it,
    // or a stop is requested. Returns with all state architectural.
    void run(uint64_t deadline);
    // Executes exactly one whole instruction (all iterations of a repeated
    // string instruction), delivering a fault it raises. Used by the vector
    // runner and single-stepping; goes through the same decoder and handlers.
    // Returns the fault the instruction raised, if any (already delivered).
    std::optional<CpuFault> step();

    // Called before every instruction while set (tracing, debugging). Setting
    // it selects a separate, slower run loop; the fast loop never checks it.
    using InsnHook = std::function<void(Cpu&)>;
    void set_insn_hook(InsnHook hook) { insn_hook_ = std::move(hook); }
    // Observers of watchpoint hits and events (a debugger, a trace
    // recorder): each client states what it wants, the CPU switches on the
    // union, and every client's hook sees every report (it filters for
    // itself). A hook runs after the access, before the event is delivered.
    using DebugHook = std::function<void(Cpu&, const DebugEvent&)>;
    int add_debug_client(DebugHook hook, DebugRequests requests);
    void update_debug_client(int id, DebugRequests requests);
    void remove_debug_client(int id);

    void request_stop() { pending |= kStop; }
    void clear_stop() { pending &= ~kStop; }
    // The INTR line. It only becomes pending while IF allows delivery, so a
    // masked request costs nothing per instruction.
    void set_irq(bool asserted) {
        irq_line_ = asserted;
        sync_irq_pending();
    }
    void sync_irq_pending() { (irq_line_ && flags.if_()) ? (pending |= kIrq) : (pending &= ~kIrq); }
    // Interrupts stay blocked until the next instruction has executed (STI, MOV SS).
    void inhibit_interrupts_one_insn() { irq_inhibit_tick_ = ticks + 1; }
    // Ticks a repeated string instruction may still use before yielding.
    uint64_t tick_budget() const { return deadline_ > ticks ? deadline_ - ticks : 1; }
    // Ends the current run() by `deadline` at the latest (an event scheduled meanwhile).
    void lower_deadline(uint64_t deadline) {
        if (deadline < deadline_) deadline_ = deadline;
    }
    void set_interrupt_source(InterruptSource* s) { irq_source_ = s; }
    // FERR#, the x87 error output (486 and later): with CR0.NE=0, asserted by
    // a waiting FPU instruction that finds an unmasked exception pending, and
    // dropped once FSW.ES is clear again (ops_x87.cpp). The PC routes it to
    // IRQ13 through its port 0xF0 latch; a bare machine leaves it unconnected.
    void set_ferr_output(std::function<void(bool level)> out) { ferr_out_ = std::move(out); }
    bool ferr() const { return ferr_; }
    void drive_ferr(bool level) {
        if (level == ferr_) return;
        ferr_ = level;
        if (ferr_out_) ferr_out_(level);
    }
    // A waiting x87 or MMX instruction found an unmasked error pending: #MF
    // with CR0.NE, else FERR# and the instruction goes on (ops_x87.cpp).
    void signal_x87_error();

    // ---- architectural state (public: handlers, debugger and tests use it) ----
    uint32_t r[9] = {};  // EAX..EDI; r[8] is always zero (absent base/index)
    uint32_t eip = 0;
    uint32_t next_eip = 0;  // during a handler: EIP of the following instruction
    Segment seg[6];
    Flags flags;
    TableRegister gdtr;
    TableRegister idtr{0, 0x3FF};
    Segment ldtr{0, 0, 0xFFFF, 0x82};  // selector and descriptor cache of the current LDT
    Segment tr{0, 0, 0xFFFF, 0x8B};    // the current task's TSS
    uint32_t cr2 = 0;                  // the linear address of the last page fault
    uint32_t cr3 = 0;
    uint32_t cr4 = 0;
    uint32_t dr[8] = {};               // debug registers (DR4/DR5 alias DR6/DR7)
    MsrFile msrs;                      // Pentium and later
    X87State x87;                      // the FPU (486 and later; ops_x87.cpp)
    SseState sse;                      // XMM0-7 and MXCSR (Pentium III and later)
    bool halted = false;
    bool shutdown = false;    // triple fault: the CPU stopped until reset
    uint64_t ticks = 0;       // virtual time: instructions + string iterations
    uint32_t pending = 0;

    const ModelTraits& traits() const { return *traits_; }
    CpuModel model() const { return traits_->model; }
    uint32_t cr0 = 0;  // written through set_cr0() (the 286's MSW is its low 16 bits)
    bool protected_mode() const { return cr0 & cr0_bit::PE; }
    bool paging() const { return cr0 & cr0_bit::PG; }
    bool v86() const { return flags.raw_bits() & flag::VM; }
    // The current privilege level: 0 in real mode, 3 in virtual-8086 mode,
    // else the RPL of CS.
    unsigned cpl() const { return cpl_; }
    unsigned iopl() const { return (flags.raw_bits() & flag::IOPL) >> 12; }
    // CR0, CR3 and CR4 as MOV CRn writes them: TLB flushes and mode changes follow.
    void set_cr0(uint32_t v);
    void set_cr3(uint32_t v);
    void set_cr4(uint32_t v);  // #GP(0) for bits the model lacks
    uint32_t cr4_supported() const;
    // EFLAGS as a whole (IRET, task switches, tests): VM, IF and TF side effects included.
    void set_eflags(uint32_t v);
    // DR7 or a breakpoint address changed: re-arm the debug checks.
    void debug_registers_changed();
    // Code and stack size come from the CS and SS descriptors' D/B bits.
    bool code32() const { return code32_; }
    uint32_t ip_mask() const { return code32_ ? 0xFFFFFFFFu : 0xFFFFu; }
    uint32_t sp_mask() const { return stack32_ ? 0xFFFFFFFFu : 0xFFFFu; }
    uint32_t stack_pointer() const { return r[ESP] & sp_mask(); }
    void set_stack_pointer(uint32_t v) { r[ESP] = (r[ESP] & ~sp_mask()) | (v & sp_mask()); }
    // Loads a whole descriptor cache (protected mode, tests) and keeps the
    // derived code/stack sizes in step.
    void set_segment_cache(unsigned sr, const Segment& s);

    // ---- registers ----
    template <typename T> T reg(unsigned n) const {
        if constexpr (sizeof(T) == 1) return static_cast<T>(n < 4 ? r[n] : r[n - 4] >> 8);
        else return static_cast<T>(r[n]);
    }
    template <typename T> void set_reg(unsigned n, T v) {
        if constexpr (sizeof(T) == 1) {
            if (n < 4) r[n] = (r[n] & ~0xFFu) | v;
            else r[n - 4] = (r[n - 4] & ~0xFF00u) | (uint32_t(v) << 8);
        } else if constexpr (sizeof(T) == 2) {
            r[n] = (r[n] & 0xFFFF0000u) | v;
        } else {
            r[n] = v;
        }
    }

    // ---- memory through segments ----
    uint32_t ea(const Insn& i) const {
        uint32_t a = r[i.base] + (r[i.index] << i.scale) + i.disp;
        return i.a32() ? a : (a & 0xFFFF);
    }
    // The segment check is one compare: offset + size against an end
    // precomputed per segment register, 0 when every access needs the full
    // rules (null, unreadable or unwritable, expand-down segments).
    template <typename T> T read_mem(unsigned sr, uint32_t off) {
        if (AMBER_UNLIKELY(uint64_t(off) + sizeof(T) > read_end_[sr])) return read_mem_edge<T>(sr, off);
        return read_lin<T>(seg[sr].base + off);
    }
    template <typename T> void write_mem(unsigned sr, uint32_t off, T v) {
        if (AMBER_UNLIKELY(uint64_t(off) + sizeof(T) > write_end_[sr])) return write_mem_edge<T>(sr, off, v);
        write_lin<T>(seg[sr].base + off, v);
    }

    // A memory operand resolved once for read-modify-write: the checks that can
    // fault (limit, page, permission) happen before anything is written.
    template <typename T> struct MemRef {
        uint8_t* host;  // direct host pointer, or null for the slow path
        uint8_t seg;
        uint32_t off;
    };
    template <typename T> MemRef<T> ref_mem(unsigned sr, uint32_t off) {
        if (AMBER_LIKELY(uint64_t(off) + sizeof(T) <= write_end_[sr])) {
            uint32_t lin = seg[sr].base + off;
            TlbEntry& e = tlb_->entry(lin);
            if (AMBER_LIKELY(e.write_tag == (lin & ~kPageMask) && fits_in_page(lin, sizeof(T))))
                return {e.host_page + (lin & kPageMask), static_cast<uint8_t>(sr), off};
        }
        // Fault now if the operand cannot be both read and written.
        check_segment_access(sr, off, sizeof(T), true);
        probe_write(seg[sr].base + off, sizeof(T));
        (void)read_mem<T>(sr, off);
        return {nullptr, static_cast<uint8_t>(sr), off};
    }
    template <typename T> T load(const MemRef<T>& m) {
        return m.host ? load_le<T>(m.host) : read_mem<T>(m.seg, m.off);
    }
    template <typename T> void store(const MemRef<T>& m, T v) {
        if (m.host) store_le<T>(m.host, v);
        else write_mem<T>(m.seg, m.off, v);
    }

    // ---- memory by linear address ----
    template <typename T> T read_lin(uint32_t lin) {
        TlbEntry& e = tlb_->entry(lin);
        if (AMBER_LIKELY(e.read_tag == (lin & ~kPageMask) && fits_in_page(lin, sizeof(T))))
            return load_le<T>(e.host_page + (lin & kPageMask));
        return read_lin_slow<T>(lin);
    }
    template <typename T> void write_lin(uint32_t lin, T v) {
        TlbEntry& e = tlb_->entry(lin);
        if (AMBER_LIKELY(e.write_tag == (lin & ~kPageMask) && fits_in_page(lin, sizeof(T)))) {
            store_le<T>(e.host_page + (lin & kPageMask), v);
            return;
        }
        write_lin_slow<T>(lin, v);
    }
    // Host pointer for a whole page-internal access, or null when the page
    // needs the slow path (MMIO, ROM writes, code pages). Used by bulk paths.
    // Never faults: a page that would fault also gives null.
    uint8_t* host_pointer(uint32_t lin, bool write) {
        TlbEntry* e = &tlb_->entry(lin);
        uint32_t page = lin & ~kPageMask;
        if ((write ? e->write_tag : e->read_tag) != page)
            e = fill_tlb(lin, write ? AccessKind::Write : AccessKind::Read, /*probe=*/true);
        if (!e || (write ? e->write_tag : e->read_tag) != page) return nullptr;
        return e->host_page + (lin & kPageMask);
    }
    // Accesses the CPU makes for itself (descriptor tables, the TSS, the
    // stacks of a privilege change) are supervisor accesses at any CPL.
    template <typename T> T read_sys(uint32_t lin) {
        SupervisorScope s(*this);
        return read_lin<T>(lin);
    }
    template <typename T> void write_sys(uint32_t lin, T v) {
        SupervisorScope s(*this);
        write_lin<T>(lin, v);
    }
    // Faults now (#PF) unless `size` bytes at lin may be written: checks both
    // pages of a split access before either is changed.
    void probe_write(uint32_t lin, unsigned size);
    // Linear -> physical for a debugger or a tracer: nothing when the page
    // is not mapped. Changes nothing (no Accessed bits).
    std::optional<uint32_t> translate(uint32_t lin) const;
    void set_a20(bool enabled);
    void flush_tlb();
    void flush_tlb_non_global();  // a CR3 load with CR4.PGE
    void flush_tlb_page(uint32_t lin);
    bool a20() const { return a20_; }
    PagingMode paging_mode() const;

    // ---- stack ----
    template <typename T> void push(T v) {
        uint32_t sp = (r[ESP] - sizeof(T)) & sp_mask();
        write_mem<T>(SS, sp, v);
        set_stack_pointer(sp);
    }
    template <typename T> T pop() {
        T v = read_mem<T>(SS, stack_pointer());
        set_stack_pointer(r[ESP] + sizeof(T));
        return v;
    }

    // ---- I/O ----
    // In protected mode, CPL > IOPL (and always in virtual-8086 mode) the
    // TSS's I/O permission bitmap decides.
    template <typename T> T io_in(uint16_t port) {
        if (AMBER_UNLIKELY(io_needs_permission() || debug_io_)) io_checks(port, sizeof(T), false, 0);
        return static_cast<T>(io_.read(port, sizeof(T)));
    }
    template <typename T> void io_out(uint16_t port, T v) {
        if (AMBER_UNLIKELY(io_needs_permission() || debug_io_)) io_checks(port, sizeof(T), true, v);
        io_.write(port, v, sizeof(T));
    }
    bool io_needs_permission() const { return protected_mode() && (cpl_ > iopl() || v86()); }
    void check_io_permission(uint16_t port, unsigned size);
    void io_checks(uint16_t port, unsigned size, bool write, uint32_t value);
    // CLI and STI where CPL > IOPL: VIF instead of IF under CR4.VME (v86)
    // or CR4.PVI (CPL 3), else #GP(0).
    void set_virtual_if(bool on);
    // Virtual-8086 mode extensions (CR4.VME) with IOPL < 3: the FLAGS image
    // PUSHF and redirected interrupts push, and the POPF/IRET write of it.
    uint16_t virtual_flags_image() const;
    void write_virtual_flags16(uint16_t v);
    bool vme() const { return cr4 & cr4_bit::VME; }
    // Privileged instructions: #GP(0) outside CPL 0.
    void require_cpl0() {
        if (cpl_ != 0) throw CpuFault{vec::GP, true, 0};
    }

    // ---- segments, control flow, exceptions (segments.cpp, transfer.cpp, interrupts.cpp) ----
    // MOV/POP/LxS to a segment register, by the rules of the current mode.
    void load_segment(unsigned sr, uint16_t selector);
    // JMP/CALL far, RET far and IRET, by the rules of the current mode.
    void far_jump(uint16_t selector, uint32_t offset);
    void far_call(uint16_t selector, uint32_t offset, bool operand32);
    void far_return(bool operand32, uint16_t release_bytes);
    void interrupt_return(bool operand32);
    // An interrupt or exception: through the IVT in real mode, the IDT otherwise.
    void raise_event(uint8_t vector, uint32_t return_eip, EventKind kind, bool has_error = false,
                     uint16_t error = 0);
    // INT n (IOPL-sensitive in virtual-8086 mode), INT3 and INTO.
    void software_interrupt(uint8_t vector, bool iopl_sensitive);
    void task_switch(const TaskTarget& target, TaskSwitchReason why, uint32_t return_eip, bool has_error = false,
                     uint16_t error = 0);
    [[noreturn]] void fault(uint8_t vector) { throw CpuFault{vector}; }
    [[noreturn]] void fault_gp0() { throw CpuFault{vec::GP, true, 0}; }
    [[noreturn]] void fault_segment(unsigned sr);  // #SS for the stack segment, #GP otherwise
    // The FLAGS word as PUSHF stores it, and the POPF/IRET write of it.
    uint16_t flags_image() const { return static_cast<uint16_t>(flags.get() | traits_->flags_fixed_one); }
    void write_flags16(uint16_t v);
    // GDTR, LDTR, IDTR and TR as the protection rules read them.
    DescriptorTables tables();
    // Commits a descriptor load the rules allowed: the Accessed (or Busy)
    // bit written back, then the cache.
    void commit_segment_load(unsigned sr, const SegmentLoad& load);
    // The whole-instruction access check the fast path skipped: limits,
    // null and unreadable/unwritable segments, expand-down segments.
    void check_segment_access(unsigned sr, uint32_t off, unsigned size, bool write);

    // Instruction names for logs and the debugger (from the opcode table).
    std::string mnemonic(const Insn& i) const;
    CodeCache& code_cache() { return cache_; }
    Tlb& tlb() { return *tlb_; }
    PhysMemory& memory() { return mem_; }

private:
    // Runs the accesses of its scope as supervisor accesses.
    struct SupervisorScope {
        Cpu& c;
        Tlb* saved;
        explicit SupervisorScope(Cpu& cpu) : c(cpu), saved(cpu.tlb_) { c.tlb_ = &c.tlbs_[kSupervisorTlb]; }
        ~SupervisorScope() { c.tlb_ = saved; }
    };
    static constexpr unsigned kSupervisorTlb = 0, kUserTlb = 1;

    template <typename T> T read_mem_edge(unsigned sr, uint32_t off);
    template <typename T> void write_mem_edge(unsigned sr, uint32_t off, T v);
    template <typename T> T read_lin_slow(uint32_t lin);
    template <typename T> void write_lin_slow(uint32_t lin, T v);
    // Translates lin for `kind` and fills its TLB entry; a failed
    // translation raises #PF, or gives null when probing.
    TlbEntry* fill_tlb(uint32_t lin, AccessKind kind, bool probe = false);
    [[noreturn]] void page_fault(uint32_t lin, uint16_t error);
    // The data breakpoints (DR0-DR3 with DR7) an access touches: recorded in
    // DR6 and reported as #DB after the instruction.
    void check_data_breakpoints(uint32_t lin, unsigned size, bool write);
    bool page_has_watchpoint(uint32_t page, uint32_t phys_page) const;
    void check_debugger_watchpoints(uint32_t lin, uint32_t phys, unsigned size, bool write);
    void report_mode_switch();
    void update_debug_active();  // TF, RF or an enabled breakpoint
    void update_align_check();   // #AC: CR0.AM, EFLAGS.AC and CPL 3
    template <typename T> void check_alignment(uint32_t lin) {
        if (AMBER_UNLIKELY(align_check_) && tlb_ == &tlbs_[kUserTlb] && (lin & (sizeof(T) - 1)))
            throw CpuFault{vec::AC, true, 0};
    }
    // Recomputes what depends on CR0.PE, EFLAGS.VM and CS: the CPL, the
    // active TLB and every segment's access ends.
    void mode_changed();
    void update_segment_ends(unsigned sr);
    void set_cpl(unsigned cpl);
    void real_mode_interrupt(uint8_t vector, uint32_t return_eip);
    // INT n in virtual-8086 mode under VME: the TSS's redirection bit, and
    // delivery through the v86 task's own IVT at linear 0 for a clear bit.
    bool interrupt_redirection_bit(uint8_t vector);
    void v86_redirected_interrupt(uint8_t vector);
    // A word (16 bits) or dword of the stack at SS:offset, offset wrapped to the stack size.
    uint32_t read_stack_word(uint32_t offset, bool wide);
    void push_word(uint32_t v, bool wide);
    void return_to_outer_level(const SegmentLoad& cs, unsigned new_cpl, const SegmentLoad& ss, uint32_t new_esp);
    void protected_mode_interrupt(uint8_t vector, uint32_t return_eip, EventKind kind, bool has_error,
                                  uint16_t error);
    void deliver_fault(const CpuFault& f, uint32_t return_eip);
    void triple_fault();
    // What a multi-step transfer changes, restored when a later step faults
    // so the faulting instruction has committed nothing.
    struct Snapshot {
        Segment seg[6];
        uint32_t esp;
        uint32_t eflags;
    };
    Snapshot save_state() const { return {{seg[0], seg[1], seg[2], seg[3], seg[4], seg[5]}, r[ESP], flags.get()}; }
    void restore_state(const Snapshot& s);
    // Runs `steps`; if they fault, puts back what they may have changed.
    template <typename F> void atomically(F&& steps) {
        const Snapshot before = save_state();
        try {
            steps();
        } catch (const CpuFault&) {
            restore_state(before);
            throw;
        }
    }
    bool instruction_breakpoint_hit();
    void debug_trap(uint32_t dr6_bits);

    Block* current_block();
    Block* decode_block(uint32_t phys, uint32_t mode);
    void execute_one_uncached();
    void execute(const Insn& i);  // one decoded instruction: handler, EIP commit, tick
    void service_pending();
    void deliver(const CpuFault& f);
    Block* execute_chain(Block* b);
    void execute_one_traced();
    void execute_one_cached();
    void execute_one_debugged();
    void code_page_written(uint32_t page_number) override;
    void mapping_changed() override;
    void write_access_revoked() override;

    const ModelTraits* traits_;
    PhysMemory& mem_;
    IoBus& io_;
    Tlb tlbs_[2];               // supervisor and user translations
    Tlb* tlb_ = &tlbs_[0];      // the one the current CPL uses
    uint64_t read_end_[6] = {}; // per segment register: offset + size may not exceed these
    uint64_t write_end_[6] = {};
    unsigned cpl_ = 0;
    bool debug_active_ = false;  // TF or an enabled breakpoint: the instrumented loop runs
    bool align_check_ = false;   // CR0.AM, EFLAGS.AC and CPL 3: user accesses take the slow path
    uint64_t pdptes_[4] = {};     // PAE: the PDPTEs loaded with CR3
    // Loads the PDPTEs for CR3 when PAE paging is (about to be) on; #GP(0)
    // if an entry is malformed.
    void load_pdptes_for(uint32_t new_cr3);
    uint32_t pending_dr6_ = 0;   // breakpoint hits of the current instruction
    uint64_t events_ = 0;        // interrupts and exceptions delivered (a single step after INT n does not trap)
    bool delivering_fault_ = false;  // the event being delivered is a fault (pushes RF)
    struct DebugClient {
        int id;
        DebugHook hook;
        DebugRequests requests;
    };
    std::vector<DebugClient> debug_clients_;
    int next_debug_client_ = 1;
    DebugRequests debug_requests_;  // the union of the clients' requests
    void debug_clients_changed();
    void report(const DebugEvent& e) {
        for (const DebugClient& c : debug_clients_) c.hook(*this, e);
    }
    bool debug_io_ = false;
    bool debug_events_ = false;
    bool debug_watch_ = false;
    CodeCache cache_;
    InterruptSource* irq_source_ = nullptr;
    bool irq_line_ = false;
    std::function<void(bool)> ferr_out_;
    bool ferr_ = false;
    uint64_t deadline_ = 0;
    InsnHook insn_hook_;
    uint32_t addr_mask_;
    bool a20_ = true;
    bool code32_ = false;
    bool stack32_ = false;
    uint64_t irq_inhibit_tick_ = ~uint64_t(0);  // STI / MOV SS shadow

    friend struct CpuInternals;
};

}  // namespace amber
