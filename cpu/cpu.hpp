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

#include "cpu/code_cache.hpp"
#include "cpu/flags.hpp"
#include "cpu/insn.hpp"
#include "cpu/model.hpp"
#include "machine/io_bus.hpp"
#include "mmu/endian.hpp"
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
constexpr uint8_t TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16;
}  // namespace vec

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
    void set_interrupt_source(InterruptSource* s) { irq_source_ = s; }

    // ---- architectural state (public: handlers, debugger and tests use it) ----
    uint32_t r[9] = {};  // EAX..EDI; r[8] is always zero (absent base/index)
    uint32_t eip = 0;
    uint32_t next_eip = 0;  // during a handler: EIP of the following instruction
    Segment seg[6];
    Flags flags;
    struct {
        uint32_t base = 0;
        uint16_t limit = 0x3FF;
    } idtr;
    bool halted = false;
    bool shutdown = false;    // triple fault: the CPU stopped until reset
    uint64_t ticks = 0;       // virtual time: instructions + string iterations
    uint32_t pending = 0;

    const ModelTraits& traits() const { return *traits_; }
    CpuModel model() const { return traits_->model; }
    uint32_t cr0 = 0;  // PE in bit 0 (the 286's MSW is its low 16 bits)
    bool protected_mode() const { return cr0 & 1; }
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
    template <typename T> T read_mem(unsigned sr, uint32_t off) {
        const Segment& s = seg[sr];
        if (AMBER_UNLIKELY(uint64_t(off) + sizeof(T) - 1 > s.limit)) return read_mem_edge<T>(sr, off);
        return read_lin<T>(s.base + off);
    }
    template <typename T> void write_mem(unsigned sr, uint32_t off, T v) {
        const Segment& s = seg[sr];
        if (AMBER_UNLIKELY(uint64_t(off) + sizeof(T) - 1 > s.limit)) return write_mem_edge<T>(sr, off, v);
        write_lin<T>(s.base + off, v);
    }

    // A memory operand resolved once for read-modify-write: the checks that can
    // fault (limit, page, permission) happen before anything is written.
    template <typename T> struct MemRef {
        uint8_t* host;  // direct host pointer, or null for the slow path
        uint8_t seg;
        uint32_t off;
    };
    template <typename T> MemRef<T> ref_mem(unsigned sr, uint32_t off) {
        const Segment& s = seg[sr];
        if (AMBER_LIKELY(uint64_t(off) + sizeof(T) - 1 <= s.limit)) {
            uint32_t lin = s.base + off;
            TlbEntry& e = tlb_.entry(lin);
            if (AMBER_LIKELY(e.write_tag == (lin & ~kPageMask) && fits_in_page(lin, sizeof(T))))
                return {e.host_page + (lin & kPageMask), static_cast<uint8_t>(sr), off};
        }
        (void)read_mem<T>(sr, off);  // fault now if the operand is not readable
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
        TlbEntry& e = tlb_.entry(lin);
        if (AMBER_LIKELY(e.read_tag == (lin & ~kPageMask) && fits_in_page(lin, sizeof(T))))
            return load_le<T>(e.host_page + (lin & kPageMask));
        return read_lin_slow<T>(lin);
    }
    template <typename T> void write_lin(uint32_t lin, T v) {
        TlbEntry& e = tlb_.entry(lin);
        if (AMBER_LIKELY(e.write_tag == (lin & ~kPageMask) && fits_in_page(lin, sizeof(T)))) {
            store_le<T>(e.host_page + (lin & kPageMask), v);
            return;
        }
        write_lin_slow<T>(lin, v);
    }
    // Host pointer for a whole page-internal access, or null when the page
    // needs the slow path (MMIO, ROM writes, code pages). Used by bulk paths.
    uint8_t* host_pointer(uint32_t lin, bool write) {
        TlbEntry* e = &tlb_.entry(lin);
        uint32_t page = lin & ~kPageMask;
        if ((write ? e->write_tag : e->read_tag) != page) e = &fill_tlb(lin);
        if ((write ? e->write_tag : e->read_tag) != page) return nullptr;
        return e->host_page + (lin & kPageMask);
    }
    // Linear -> physical for the current mode (no paging yet: A20 and bus width).
    uint32_t translate(uint32_t lin) const { return lin & addr_mask_; }
    void set_a20(bool enabled);
    void flush_tlb();
    bool a20() const { return a20_; }

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
    template <typename T> T io_in(uint16_t port) { return static_cast<T>(io_.read(port, sizeof(T))); }
    template <typename T> void io_out(uint16_t port, T v) { io_.write(port, v, sizeof(T)); }

    // ---- segments, control flow, exceptions ----
    void load_segment(unsigned sr, uint16_t selector);
    void far_jump(uint16_t selector, uint32_t offset);
    // Real-mode interrupt/exception entry through the IVT.
    void interrupt(uint8_t vector, uint32_t return_eip);
    [[noreturn]] void fault(uint8_t vector) { throw CpuFault{vector}; }
    [[noreturn]] void fault_segment(unsigned sr);  // #SS for the stack segment, #GP otherwise
    // The FLAGS word as PUSHF stores it, and the POPF/IRET write of it.
    uint16_t flags_image() const { return static_cast<uint16_t>(flags.get() | traits_->flags_fixed_one); }
    void write_flags16(uint16_t v);

    // Instruction names for logs and the debugger (from the opcode table).
    std::string mnemonic(const Insn& i) const;
    CodeCache& code_cache() { return cache_; }
    Tlb& tlb() { return tlb_; }
    PhysMemory& memory() { return mem_; }

private:
    template <typename T> T read_mem_edge(unsigned sr, uint32_t off);
    template <typename T> void write_mem_edge(unsigned sr, uint32_t off, T v);
    template <typename T> T read_lin_slow(uint32_t lin);
    template <typename T> void write_lin_slow(uint32_t lin, T v);
    TlbEntry& fill_tlb(uint32_t lin);

    Block* current_block();
    Block* decode_block(uint32_t phys, uint32_t mode);
    void execute_one_uncached();
    void execute(const Insn& i);  // one decoded instruction: handler, EIP commit, tick
    void service_pending();
    void deliver(const CpuFault& f);
    Block* execute_chain(Block* b);
    void execute_one_traced();
    void execute_one_cached();
    void code_page_written(uint32_t page_number) override;

    const ModelTraits* traits_;
    PhysMemory& mem_;
    IoBus& io_;
    Tlb tlb_;
    CodeCache cache_;
    InterruptSource* irq_source_ = nullptr;
    bool irq_line_ = false;
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
