#include "frontend/vectors/model_differences.hpp"

#include <algorithm>

namespace amber::vectors {

namespace {

// References: "386 PRM" is the Intel 80386 Programmer's Reference Manual
// (1986), "SDM" the Intel 64 and IA-32 Architectures Software Developer's
// Manual, "286 PRM" the 80286 Programmer's Reference Manual, "286 datasheet"
// the 80C286 data sheet's instruction set notes.

constexpr uint8_t kUd = 6, kSs = 12, kGp = 13;
constexpr uint32_t kIoplNt = 0x7000;     // FLAGS bits 12-14
constexpr uint32_t kDirection = 0x0400;  // DF

bool recorded(const TestCase& t, uint8_t vector) { return t.pushed_flags && t.pushed_flags->vector == vector; }

std::optional<uint8_t> initial_byte(const TestCase& t, uint32_t addr) {
    for (const MemByte& b : t.initial.ram)
        if (b.addr == addr) return b.value;
    return std::nullopt;
}

bool listed_in(const std::vector<MemByte>& ram, uint32_t begin, uint32_t end) {
    return std::any_of(ram.begin(), ram.end(), [&](const MemByte& b) { return b.addr >= begin && b.addr < end; });
}

uint16_t reg16(const RegFile& r, Field f) { return static_cast<uint16_t>(r.get(f)); }

// --- POPF and IRET load IOPL and NT -----------------------------------------

bool pops_flags(const TestCase& t, const InsnForm& f) {
    return (f.opcode == 0x9D || f.opcode == 0xCF) && !t.pushed_flags;
}

// The 386 takes bits 12-14 from the popped FLAGS word (at SS:SP for POPF,
// SS:SP+4 for IRET); the 286 recording has them clear.
void load_iopl_nt(TestCase& t, const InsnForm& f) {
    const RegFile& in = t.initial.regs;
    uint16_t high_byte = static_cast<uint16_t>(reg16(in, Field::ESP) + (f.opcode == 0xCF ? 4 : 0) + 1);
    auto popped = initial_byte(t, (reg16(in, Field::SS) << 4) + high_byte);
    if (!popped) {  // the recording does not list the word: leave the bits uncompared
        t.compare_mask[static_cast<unsigned>(Field::EFLAGS)] &= ~kIoplNt;
        return;
    }
    // Unchanged FLAGS in the recording means the initial value, which the
    // runner loads with bits 12-15 clear.
    uint32_t flags = t.final.regs.has(Field::EFLAGS) ? t.final.regs.get(Field::EFLAGS) : in.get(Field::EFLAGS) & 0x0FFF;
    t.final.regs.set(Field::EFLAGS, (flags & ~kIoplNt) | ((uint32_t(*popped) << 8) & kIoplNt));
}

// --- Word string instructions that run past offset 0xFFFF --------------------

struct StringOverrun {
    unsigned iterations_done;  // iterations completed before the faulting one
    Field segment;             // of the access that overruns
};

// Which pointer of a word string instruction reaches offset 0xFFFF first
// (a word there overruns the segment), from the registers before it runs.
// A byte string instruction never overruns.
std::optional<StringOverrun> first_string_overrun(const InsnForm& f, const RegFile& r) {
    if (!is_string_op(f.opcode) || !(f.opcode & 1)) return std::nullopt;
    uint32_t iterations = f.rep ? reg16(r, Field::ECX) : 1;
    bool down = r.get(Field::EFLAGS) & kDirection;
    auto iterations_before_end = [&](Field pointer) -> std::optional<unsigned> {
        uint16_t start = reg16(r, pointer);
        uint16_t bytes_to_go = down ? static_cast<uint16_t>(start - 0xFFFF) : static_cast<uint16_t>(0xFFFF - start);
        if (bytes_to_go % 2) return std::nullopt;  // steps over 0xFFFF
        unsigned k = bytes_to_go / 2u;
        return k < iterations ? std::optional<unsigned>(k) : std::nullopt;
    };
    std::optional<StringOverrun> first;
    if (string_uses_si(f.opcode))
        if (auto k = iterations_before_end(Field::ESI)) first = StringOverrun{*k, f.segment_override.value_or(Field::DS)};
    if (string_uses_di(f.opcode))
        if (auto k = iterations_before_end(Field::EDI); k && (!first || *k < first->iterations_done))
            first = StringOverrun{*k, Field::ES};  // ES:DI cannot be overridden
    return first;
}

bool string_overruns(const TestCase& t, const InsnForm& f) {
    return recorded(t, kGp) && first_string_overrun(f, t.initial.regs);
}

// The 386 leaves SI, DI and CX as they were before the faulting iteration.
void restart_string(TestCase& t, const InsnForm& f) {
    const RegFile& in = t.initial.regs;
    unsigned k = first_string_overrun(f, in)->iterations_done;
    uint32_t moved = (in.get(Field::EFLAGS) & kDirection) ? 0u - 2 * k : 2 * k;
    if (string_uses_si(f.opcode)) t.final.regs.set(Field::ESI, (in.get(Field::ESI) + moved) & 0xFFFF);
    if (string_uses_di(f.opcode)) t.final.regs.set(Field::EDI, (in.get(Field::EDI) + moved) & 0xFFFF);
    if (f.rep) t.final.regs.set(Field::ECX, (in.get(Field::ECX) - k) & 0xFFFF);
}

// --- Segment overruns through SS ---------------------------------------------

// The segment of the access that runs past offset 0xFFFF, worked out from the
// registers before the instruction; empty if none would. The 286 accesses
// memory a word at a time, so an operand overruns when one of its words
// starts at 0xFFFF.
std::optional<Field> overrun_segment(const TestCase& t, const InsnForm& f) {
    const RegFile& r = t.initial.regs;
    if (reg16(r, Field::EIP) + f.length > 0x10000) return Field::CS;  // the instruction itself
    if (f.has_memory_operand()) {
        uint16_t offset = operand_offset(f, r);
        for (unsigned word = 0; word + 1 < operand_bytes(f); word += 2)
            if (static_cast<uint16_t>(offset + word) == 0xFFFF) return operand_segment(f);
    }
    if (auto s = first_string_overrun(f, r)) return s->segment;
    if (auto stack = stack_words(f))
        for (unsigned word = 0; word < stack->words; ++word)
            if (static_cast<uint16_t>(r.get(stack->base) + stack->first + 2 * int(word)) == 0xFFFF) return Field::SS;
    return std::nullopt;
}

constexpr uint32_t ivt_entry(uint8_t vector) { return vector * 4u; }

// Applies when the overrun went through SS, and the recording neither lists
// bytes of IVT[12] nor writes IVT[12-13]: then the recorded INT 13 handler
// can be moved to vector 12.
bool overruns_through_ss(const TestCase& t, const InsnForm& f) {
    if (!recorded(t, kGp) || overrun_segment(t, f) != Field::SS) return false;
    return !listed_in(t.initial.ram, ivt_entry(kSs), ivt_entry(kSs) + 4) &&
           !listed_in(t.final.ram, ivt_entry(kSs), ivt_entry(kGp) + 4);
}

// Moves the recorded INT 13 vector to INT 12: a 386 that raises #SS reaches
// the recorded handler and its HLT; one that raises #GP finds no handler.
void expect_stack_fault(TestCase& t, const InsnForm&) {
    for (MemByte& b : t.initial.ram)
        if (b.addr >= ivt_entry(kGp) && b.addr < ivt_entry(kGp) + 4) b.addr -= ivt_entry(kGp) - ivt_entry(kSs);
    t.pushed_flags->vector = kSs;
}

// --- Forms that are new, or invalid, on the 386 ------------------------------

bool moves_fs_or_gs(const TestCase&, const InsnForm& f) {
    return (f.opcode == 0x8C || f.opcode == 0x8E) && f.modrm && (f.reg() == 4 || f.reg() == 5);
}

bool is_new_386_opcode(const TestCase&, const InsnForm& f) {
    return f.opcode == 0x0F || (f.opcode >= 0x64 && f.opcode <= 0x67);
}

// Memory-destination forms the 386 accepts LOCK on (386 PRM, LOCK).
bool lockable_on_386(const InsnForm& f) {
    if (!f.has_memory_operand()) return false;
    uint8_t op = f.opcode;
    if (op < 0x40) return (op & 6) == 0 && (op >> 3) != 7;  // ADD OR ADC SBB AND SUB XOR r/m,reg; not CMP
    switch (op) {
    case 0x80: case 0x81: case 0x82: case 0x83: return f.reg() != 7;  // not CMP
    case 0x86: case 0x87: return true;                                // XCHG
    case 0xF6: case 0xF7: return f.reg() == 2 || f.reg() == 3;        // NOT NEG
    case 0xFE: case 0xFF: return f.reg() <= 1;                        // INC DEC
    default: return false;
    }
}

// A test the 286 answered with #UD anyway gets #UD on a 386 too: still judged.
bool lock_not_allowed(const TestCase& t, const InsnForm& f) {
    return f.lock && !lockable_on_386(f) && !recorded(t, kUd);
}

bool longer_than_286_allows(const TestCase& t, const InsnForm& f) { return f.length > 10 && recorded(t, kGp); }

// clang-format off
const ModelDifference k286To386[] = {
    {"popf-iret-iopl-nt",
     "386 real mode: POPF/IRET load IOPL and NT (FLAGS 12-14); on the 286 they stay 0 "
     "(SDM vol. 3 'EFLAGS Pushed on the Stack'; 286 datasheet note 4)",
     "FLAGS bits 12-14 expected from the popped word",
     Treatment::Adjust, pops_flags, load_iopl_nt},
    {"string-fault-restarts",
     "a 386 fault leaves a string instruction restartable, SI/DI/CX as before the faulting iteration "
     "(SDM vol. 2 REP); the 286 has already stepped the faulting pointer and CX",
     "SI, DI, CX expected as before the iteration that overruns",
     Treatment::Adjust, string_overruns, restart_string},
    {"ss-overrun-int12",
     "a word at SS:FFFF raises #SS (INT 12) on the 386 (SDM vol. 3 'Interrupt 12'; 386 PRM 14.1), "
     "INT 13 on the 286, whose real mode has no INT 12 (286 PRM table 2-4)",
     "INT 12 expected where the recording took INT 13 (the recorded handler moved to vector 12)",
     Treatment::Adjust, overruns_through_ss, expect_stack_fault},
    {"mov-fs-gs",
     "MOV to/from FS and GS (8C/8E, reg 4-5) is #UD on the 286 but valid on the 386 (386 PRM 14.2)",
     "not applicable", Treatment::Skip, moves_fs_or_gs, nullptr},
    {"lock-not-lockable",
     "the 386 raises #UD for LOCK on anything but a memory-destination ADD ADC SUB SBB AND OR XOR "
     "INC DEC NOT NEG XCHG (386 PRM 14.8.1, LOCK); the 286 accepts LOCK anywhere",
     "not applicable (unless the 286 raised #UD too)", Treatment::Skip, lock_not_allowed, nullptr},
    {"longer-than-10-bytes",
     "the 286 raises INT 13 for an instruction over 10 bytes (every such vector does); "
     "the 386 allows 15 (386 PRM 14.7, redundant prefixes)",
     "not applicable", Treatment::Skip, longer_than_286_allows, nullptr},
    {"new-386-opcodes",
     "0F two-byte opcodes, the FS/GS overrides and the operand/address-size prefixes (64-67) are "
     "386 instructions in real mode (386 PRM 14.2)",
     "not applicable", Treatment::Skip, is_new_386_opcode, nullptr},
};
// clang-format on

}  // namespace

std::span<const ModelDifference> model_differences(CpuModel model, Format format) {
    if (format == Format::Moo && model >= CpuModel::i386) return k286To386;
    return {};
}

Explanation explain(std::span<const ModelDifference> list, const TestCase& test) {
    Explanation e;
    if (list.empty()) return e;
    InsnForm form = decode_form(test.bytes);
    for (const ModelDifference& d : list)
        if (d.applies(test, form)) e.applied.push_back(&d);
    auto is_skip = [](const ModelDifference* d) { return d->treatment == Treatment::Skip; };
    if (std::any_of(e.applied.begin(), e.applied.end(), is_skip)) {
        e.skip = true;
        std::erase_if(e.applied, [&](const ModelDifference* d) { return !is_skip(d); });  // only the reasons to skip
        return e;
    }
    if (e.applied.empty()) return e;
    e.adjusted = test;
    for (const ModelDifference* d : e.applied) d->adjust(*e.adjusted, form);
    return e;
}

}  // namespace amber::vectors
