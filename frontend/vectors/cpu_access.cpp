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
    if (cpu.model() < CpuModel::i386) return false;
    // Protected mode with flat 4 GiB segments at CPL 3 (RPL 3 selectors, DPL 3
    // descriptors): 32-bit code (CS.D) and a 32-bit stack (SS.B).
    cpu.cr0 = 1;
    // The recording process ran under an OS that enabled FXSAVE and SSE exceptions.
    cpu.cr4 = cpu.cr4_supported() & (cr4_bit::OSFXSR | cr4_bit::OSXMMEXCPT);
    cpu.sse.reset();
    constexpr uint16_t kCode = 0xFB, kData = 0xF3;  // present, DPL 3, code readable / data writable, accessed
    cpu.set_segment_cache(CS, Segment{0x1B, 0, 0xFFFFFFFFu, uint16_t(kCode | Segment::kBig)});
    cpu.set_segment_cache(SS, Segment{0x23, 0, 0xFFFFFFFFu, uint16_t(kData | Segment::kBig)});
    for (unsigned sr : {ES, DS, FS, GS}) cpu.set_segment_cache(sr, Segment{0x23, 0, 0xFFFFFFFFu, kData});
    for (unsigned i = 0; i < 8; ++i) cpu.r[i] = regs.value[i];
    cpu.eip = cpu.next_eip = regs.get(Field::EIP);
    cpu.flags.set(regs.get(Field::EFLAGS));
    // No interrupt table: the vectors stop at a fault, so a fault must leave
    // the state untouched; an empty IDT makes delivery fail before any push.
    cpu.idtr.base = 0;
    cpu.idtr.limit = 0;
    cpu.halted = false;
    cpu.shutdown = false;
    cpu.pending = 0;
    return true;
}

void load_fpu_state(Cpu& cpu, const FpuImage& f) {
    X87State& x = cpu.x87;
    x.init();
    x.fcw = f.fcw;
    x.fsw = f.fsw;
    x.set_full_tags(f.ftw);
    for (unsigned i = 0; i < 8; ++i) x.reg[x.phys(i)] = fpu::Float80{f.sig[i], f.se[i]};
}

FpuImage read_fpu_state(const Cpu& cpu) {
    const X87State& x = cpu.x87;
    FpuImage f;
    f.fcw = x.fcw;
    f.fsw = x.fsw;
    f.ftw = x.full_tags();
    for (unsigned i = 0; i < 8; ++i) {
        f.sig[i] = x.reg[x.phys(i)].sig;
        f.se[i] = x.reg[x.phys(i)].se;
    }
    return f;
}

void load_sse_state(Cpu& cpu, const SseImage& s) {
    cpu.sse.mxcsr = s.mxcsr;
    for (unsigned i = 0; i < 8; ++i) cpu.sse.xmm[i] = Xmm{{s.xmm[i][0], s.xmm[i][1]}};
}

SseImage read_sse_state(const Cpu& cpu) {
    SseImage s;
    s.mxcsr = cpu.sse.mxcsr;
    for (unsigned i = 0; i < 8; ++i) s.xmm[i] = {cpu.sse.xmm[i].q[0], cpu.sse.xmm[i].q[1]};
    return s;
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
