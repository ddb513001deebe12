#include "frontend/vectors/cpu_access.hpp"

namespace amber::vectors {

namespace {
constexpr unsigned bit(Field f) { return 1u << static_cast<unsigned>(f); }
constexpr uint16_t kGeneral = 0xFF;  // EAX..EDI
constexpr uint16_t kRealSegments = bit(Field::ES) | bit(Field::CS) | bit(Field::SS) | bit(Field::DS);

unsigned seg_index(Field f) { return static_cast<unsigned>(f) - kFirstSegment; }
}  // namespace

uint16_t compared_fields(bool wide) {
    uint16_t base = kGeneral | bit(Field::EIP) | bit(Field::EFLAGS);
    return wide ? base : static_cast<uint16_t>(base | kRealSegments);
}

void load_real_mode_state(Cpu& cpu, const RegFile& regs, uint32_t flags_clear) {
    for (unsigned i = 0; i < 8; ++i) cpu.r[i] = regs.value[i];
    for (Field s : {Field::ES, Field::CS, Field::SS, Field::DS}) {
        cpu.load_segment(seg_index(s), static_cast<uint16_t>(regs.get(s)));
        cpu.seg[seg_index(s)].limit = 0xFFFF;
    }
    cpu.eip = cpu.next_eip = regs.get(Field::EIP);
    cpu.flags.set(regs.get(Field::EFLAGS) & ~flags_clear);
    cpu.idtr.base = 0;  // the vectors' interrupt table is the IVT at 0
    cpu.idtr.limit = 0x3FF;
    cpu.halted = false;
    cpu.shutdown = false;
    cpu.pending = 0;  // no device is attached, so nothing can be pending
}

bool load_flat32_state(Cpu& cpu, const RegFile& regs) {
    // Needs: CR0.PE, CS.D and SS.B with flat 4 GiB segments, CPL 3. The CPU
    // offers none of that yet, so native32 forms are reported as not applicable.
    (void)cpu;
    (void)regs;
    return false;
}

uint32_t read_field(const Cpu& cpu, Field f, bool wide) {
    unsigned i = static_cast<unsigned>(f);
    if (i < 8) return cpu.r[i];
    if (is_segment(f)) return cpu.seg[seg_index(f)].selector;
    if (f == Field::EIP) return cpu.eip;
    return wide ? (cpu.flags.get() | cpu.traits().flags_fixed_one) : cpu.flags_image();
}

uint32_t segment_base(const Cpu& cpu, Field segment) { return cpu.seg[seg_index(segment)].base; }

}  // namespace amber::vectors
