// String instructions MOVS CMPS STOS LODS SCAS INS OUTS, with REP/REPE/REPNE.
// A repeated instruction runs as many iterations as the tick budget allows
// and otherwise re-executes itself, so interrupts and timers still land
// between iterations, as on the hardware.
#include <algorithm>
#include <cstring>

#include "cpu/ops_common.hpp"

namespace amber {
namespace {
using namespace ops;

enum class Str { Movs, Cmps, Stos, Lods, Scas, Ins, Outs };

inline uint32_t index_of(const Cpu& c, const Insn& i, unsigned reg) { return i.a32() ? c.r[reg] : c.r[reg] & 0xFFFF; }

// The 286 keeps going a little after a string access overruns its segment.
// Recorded on hardware: the faulting access's pointer still moves, and a
// repeated instruction has counted (CX) two iterations when a store faulted,
// one when a read faulted -- except the first read of CMPS (ES:DI), none.
struct StringStep {
    Cpu& c;
    const Insn& i;
    unsigned counted_on_fault = 0;  // REP iterations the 286 has counted at the fault

    template <typename F> void access(unsigned pointer, unsigned count_if_fault, F&& fn) {
        counted_on_fault = count_if_fault;
        if (c.traits().string_fault_advances) {
            try {
                fn();
            } catch (const CpuFault&) {
                advance(pointer);
                throw;
            }
            advance(pointer);
        } else {
            // Later CPUs move no pointer until the whole iteration is done,
            // so an iteration that faults restarts cleanly.
            fn();
            deferred[deferred_count++] = pointer;
        }
    }
    void finish() {
        for (unsigned k = 0; k < deferred_count; ++k) advance(deferred[k]);
        deferred_count = 0;
    }
    void advance(unsigned reg) {
        uint32_t step = c.flags.df() ? uint32_t(-int32_t(size)) : size;
        if (i.a32()) c.r[reg] += step;
        else c.set_reg<uint16_t>(reg, static_cast<uint16_t>(c.r[reg] + step));
    }
    uint32_t size;
    unsigned deferred[2] = {};
    unsigned deferred_count = 0;
};

template <Str op, typename T> void iteration(StringStep& s) {
    Cpu& c = s.c;
    const Insn& i = s.i;
    if constexpr (op == Str::Movs) {
        T v;
        s.access(ESI, 1, [&] { v = c.read_mem<T>(i.seg, index_of(c, i, ESI)); });
        s.access(EDI, 2, [&] { c.write_mem<T>(ES, index_of(c, i, EDI), v); });
    } else if constexpr (op == Str::Cmps) {
        T a, b;  // the destination is read first (visible when it faults)
        s.access(EDI, 0, [&] { b = c.read_mem<T>(ES, index_of(c, i, EDI)); });
        s.access(ESI, 1, [&] { a = c.read_mem<T>(i.seg, index_of(c, i, ESI)); });
        c.flags.lazy(Flags::Op::Sub, a, b, T(a - b));
    } else if constexpr (op == Str::Stos) {
        s.access(EDI, 2, [&] { c.write_mem<T>(ES, index_of(c, i, EDI), acc<T>(c)); });
    } else if constexpr (op == Str::Lods) {
        s.access(ESI, 1, [&] { c.set_reg<T>(EAX, c.read_mem<T>(i.seg, index_of(c, i, ESI))); });
    } else if constexpr (op == Str::Scas) {
        T b;
        s.access(EDI, 1, [&] { b = c.read_mem<T>(ES, index_of(c, i, EDI)); });
        T a = acc<T>(c);
        c.flags.lazy(Flags::Op::Sub, a, b, T(a - b));
    } else if constexpr (op == Str::Ins) {
        T v = c.io_in<T>(static_cast<uint16_t>(c.r[EDX]));
        s.access(EDI, 2, [&] { c.write_mem<T>(ES, index_of(c, i, EDI), v); });
    } else {
        s.access(ESI, 1, [&] { c.io_out<T>(static_cast<uint16_t>(c.r[EDX]), c.read_mem<T>(i.seg, index_of(c, i, ESI))); });
    }
    s.finish();
}

// REP MOVS/STOS forward: as many elements as fit in the current pages, the
// segment limits and the index range (64 KiB with 16-bit addressing), done
// through host pointers. Returns the number of elements done (0: use the
// slow loop).
template <Str op, typename T> uint32_t bulk(Cpu& c, const Insn& i, uint32_t count, uint64_t budget) {
    if (c.flags.df()) return 0;
    const uint64_t index_space = i.a32() ? (uint64_t(1) << 32) : 0x10000u;
    auto room = [&](unsigned sr, uint32_t off) -> uint32_t {
        const Segment& s = c.seg[sr];
        if (off > s.limit) return 0;
        uint32_t lin = s.base + off;
        uint64_t bytes = std::min<uint64_t>({index_space - off, uint64_t(s.limit) - off + 1, kPageSize - (lin & kPageMask)});
        return static_cast<uint32_t>(bytes / sizeof(T));
    };
    auto set_index = [&](unsigned reg, uint32_t v) {
        if (i.a32()) c.r[reg] = v;
        else c.set_reg<uint16_t>(reg, static_cast<uint16_t>(v));
    };
    uint32_t di = index_of(c, i, EDI), si = index_of(c, i, ESI);
    uint64_t n = std::min<uint64_t>({count, budget, room(ES, di)});
    if constexpr (op == Str::Movs) n = std::min<uint64_t>(n, room(i.seg, si));
    if (n < 2) return 0;
    uint8_t* dst = c.host_pointer(c.seg[ES].base + di, true);
    if (!dst) return 0;
    const size_t bytes = size_t(n) * sizeof(T);
    if constexpr (op == Str::Stos) {
        T v = acc<T>(c);
        for (size_t k = 0; k < bytes; k += sizeof(T)) store_le<T>(dst + k, v);
    } else {
        const uint8_t* src = c.host_pointer(c.seg[i.seg].base + si, false);
        if (!src) return 0;
        // Compared as integers: the two pointers may lie in different host allocations.
        const auto s_addr = reinterpret_cast<uintptr_t>(src), d_addr = reinterpret_cast<uintptr_t>(dst);
        if (s_addr + bytes <= d_addr || d_addr + bytes <= s_addr) std::memcpy(dst, src, bytes);
        else  // overlap: each element is read whole before it is written, as the CPU does
            for (size_t k = 0; k < bytes; k += sizeof(T)) store_le<T>(dst + k, load_le<T>(src + k));
        set_index(ESI, static_cast<uint32_t>(si + bytes));
    }
    set_index(EDI, static_cast<uint32_t>(di + bytes));
    return static_cast<uint32_t>(n);
}

template <Str op, typename T> void string_insn(Cpu& c, const Insn& i) {
    using namespace insn_flag;
    StringStep step{c, i, 0, sizeof(T)};
    if (!(i.flags & (kRep | kRepne))) {
        iteration<op, T>(step);
        return;
    }
    const uint32_t mask = i.a32() ? ~0u : 0xFFFFu;
    constexpr bool compares = op == Str::Cmps || op == Str::Scas;
    const bool until_equal = i.flags & kRepne;  // REPNE stops on ZF=1, REPE on ZF=0
    uint64_t budget = c.tick_budget();
    uint64_t done = 0;
    if constexpr (op == Str::Movs || op == Str::Stos) {
        while (uint32_t n = bulk<op, T>(c, i, c.r[ECX] & mask, budget - done)) {
            c.r[ECX] = (c.r[ECX] & ~mask) | ((c.r[ECX] - n) & mask);
            done += n;
        }
    }
    while ((c.r[ECX] & mask) != 0) {
        if (done >= budget) {
            c.next_eip = c.eip;  // out of time: resume this instruction later
            break;
        }
        try {
            iteration<op, T>(step);
        } catch (const CpuFault&) {
            if (c.traits().string_fault_advances)
                c.r[ECX] = (c.r[ECX] & ~mask) | ((c.r[ECX] - step.counted_on_fault) & mask);
            throw;
        }
        c.r[ECX] = (c.r[ECX] & ~mask) | ((c.r[ECX] - 1) & mask);
        ++done;
        if (compares && c.flags.zf() == until_equal) break;
    }
    if (done > 1) c.ticks += done - 1;  // the run loop counts the first
}

template <Str op> void register_string(OpTableBuilder& b, uint16_t opcode, const char* name) {
    b.op(opcode, name, kNone, &string_insn<op, uint8_t>, nullptr, op_flag::kString);
    b.op(opcode + 1, name, kNone, &string_insn<op, uint16_t>, &string_insn<op, uint32_t>, op_flag::kString);
}

}  // namespace

void register_string_ops(OpTableBuilder& b) {
    register_string<Str::Movs>(b, 0xA4, "movs");
    register_string<Str::Cmps>(b, 0xA6, "cmps");
    register_string<Str::Stos>(b, 0xAA, "stos");
    register_string<Str::Lods>(b, 0xAC, "lods");
    register_string<Str::Scas>(b, 0xAE, "scas");
    if (b.model.has_186_ops) {
        register_string<Str::Ins>(b, 0x6C, "ins");
        register_string<Str::Outs>(b, 0x6E, "outs");
    }
}

}  // namespace amber
