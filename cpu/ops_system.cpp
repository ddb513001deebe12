// System instructions: the descriptor-table registers (0F 00, 0F 01),
// LAR/LSL, ARPL, CLTS, the control and debug registers (0F 20-23), and the
// cache and TLB controls of the 486 (INVD, WBINVD, INVLPG).
#include "cpu/ops_common.hpp"
#include "cpu/protection.hpp"

namespace amber {
namespace {
using namespace ops;

// The descriptor instructions exist only in protected mode (not in
// virtual-8086 mode): elsewhere they raise #UD.
void require_protected(Cpu& c) {
    if (!c.protected_mode() || c.v86()) c.fault(vec::UD);
}
// Stores a selector or MSW: 16 bits to memory; a register gets the value
// zero-extended with a 32-bit operand size.
void store_word(Cpu& c, const Insn& i, uint32_t v) {
    if (i.is_mem()) c.write_mem<uint16_t>(i.seg, c.ea(i), static_cast<uint16_t>(v));
    else if (i.o32()) c.set_reg<uint32_t>(i.rm, v);
    else c.set_reg<uint16_t>(i.rm, static_cast<uint16_t>(v));
}
void set_zf(Cpu& c, bool on) { c.flags.set_flag(flag::ZF, on); }

// ---- 0F 00 ----
void sldt(Cpu& c, const Insn& i) {
    require_protected(c);
    store_word(c, i, c.ldtr.selector);
}
void str(Cpu& c, const Insn& i) {
    require_protected(c);
    store_word(c, i, c.tr.selector);
}
void lldt(Cpu& c, const Insn& i) {
    require_protected(c);
    c.require_cpl0();
    const uint16_t sel = read_rm<uint16_t>(c, i);
    c.ldtr = check_ldt_load(c.tables(), sel).value_or_throw().cache;
}
void ltr(Cpu& c, const Insn& i) {
    require_protected(c);
    c.require_cpl0();
    const uint16_t sel = read_rm<uint16_t>(c, i);
    const SegmentLoad load = check_task_register_load(c.tables(), sel).value_or_throw();
    if (load.write_access_byte) c.write_sys<uint8_t>(load.access_byte_address, static_cast<uint8_t>(load.cache.attr));
    c.tr = load.cache;
}
template <bool Write> void verify(Cpu& c, const Insn& i) {  // VERR / VERW
    require_protected(c);
    const uint16_t sel = read_rm<uint16_t>(c, i);
    set_zf(c, Write ? writable_for_verw(c.tables(), c.cpl(), sel) : readable_for_verr(c.tables(), c.cpl(), sel));
}

// ---- 0F 01 ----
// SGDT/SIDT store the 16-bit limit and the base. With a 16-bit operand size
// only 24 bits of base count: the 286 fills the top byte with ones, later
// CPUs with zeros.
template <bool Idt> void store_table(Cpu& c, const Insn& i) {
    if (!i.is_mem()) c.fault(vec::UD);
    const TableRegister& t = Idt ? c.idtr : c.gdtr;
    const uint32_t off = c.ea(i);
    uint32_t base = t.base;
    if (!i.o32()) base = c.model() == CpuModel::i80286 ? (base | 0xFF000000u) : (base & 0x00FFFFFFu);
    c.write_mem<uint16_t>(i.seg, off, static_cast<uint16_t>(t.limit));
    c.write_mem<uint32_t>(i.seg, off + 2, base);
}
template <bool Idt> void load_table(Cpu& c, const Insn& i) {
    if (!i.is_mem()) c.fault(vec::UD);
    c.require_cpl0();
    const uint32_t off = c.ea(i);
    const uint16_t limit = c.read_mem<uint16_t>(i.seg, off);
    uint32_t base = c.read_mem<uint32_t>(i.seg, off + 2);
    if (!i.o32()) base &= 0x00FFFFFFu;
    TableRegister& t = Idt ? c.idtr : c.gdtr;
    t = {base, limit};
}
// The 286 reads the MSW's unused bits as ones.
void smsw(Cpu& c, const Insn& i) {
    const uint32_t msw = c.model() == CpuModel::i80286 ? (c.cr0 | 0xFFF0u) : c.cr0;
    store_word(c, i, i.is_mem() ? (msw & 0xFFFF) : msw);
}
// LMSW writes PE, MP, EM and TS; it can set PE but never clear it.
void lmsw(Cpu& c, const Insn& i) {
    c.require_cpl0();
    const uint16_t v = read_rm<uint16_t>(c, i);
    c.set_cr0((c.cr0 & ~0xEu) | (v & 0xFu) | (c.cr0 & cr0_bit::PE));
}
void invlpg(Cpu& c, const Insn& i) {
    if (!i.is_mem()) c.fault(vec::UD);
    c.require_cpl0();
    c.flush_tlb_page(c.seg[i.seg].base + c.ea(i));
}

// ---- LAR, LSL, ARPL ----
template <typename T> void lar(Cpu& c, const Insn& i) {
    require_protected(c);
    const auto rights = access_rights_for_lar(c.tables(), c.cpl(), read_rm<uint16_t>(c, i));
    if (rights) c.set_reg<T>(i.reg, static_cast<T>(*rights));
    set_zf(c, rights.has_value());
}
template <typename T> void lsl(Cpu& c, const Insn& i) {
    require_protected(c);
    const auto limit = limit_for_lsl(c.tables(), c.cpl(), read_rm<uint16_t>(c, i));
    if (limit) c.set_reg<T>(i.reg, static_cast<T>(*limit));
    set_zf(c, limit.has_value());
}
// ARPL Ew, Gw: raise the destination selector's RPL to the source's.
void arpl(Cpu& c, const Insn& i) {
    require_protected(c);
    const uint16_t src_rpl = c.reg<uint16_t>(i.reg) & 3;
    bool adjusted = false;
    rmw_rm<uint16_t>(c, i, [&](uint16_t dst) {
        if ((dst & 3) >= src_rpl) return dst;
        adjusted = true;
        return static_cast<uint16_t>((dst & ~3u) | src_rpl);
    });
    set_zf(c, adjusted);
}

// ---- control and debug registers ----
void clts(Cpu& c, const Insn&) {
    c.require_cpl0();
    c.cr0 &= ~cr0_bit::TS;
}
void cache_control(Cpu& c, const Insn&) { c.require_cpl0(); }  // INVD, WBINVD: no caches to flush

// MOV r32, CRn / MOV CRn, r32: the ModRM mod field is ignored (always a
// register). CR0, CR2 and CR3 exist on the 386 and 486, CR4 from the Pentium.
uint32_t* control_register(Cpu& c, unsigned n) {
    switch (n) {
    case 0: return &c.cr0;
    case 2: return &c.cr2;
    case 3: return &c.cr3;
    case 4:
        if (c.model() >= CpuModel::pentium) return &c.cr4;
        [[fallthrough]];
    default: c.fault(vec::UD);
    }
}
void mov_from_cr(Cpu& c, const Insn& i) {
    c.require_cpl0();
    c.set_reg<uint32_t>(i.rm, *control_register(c, i.reg));
}
void mov_to_cr(Cpu& c, const Insn& i) {
    c.require_cpl0();
    (void)control_register(c, i.reg);
    const uint32_t v = c.reg<uint32_t>(i.rm);
    switch (i.reg) {
    case 0: c.set_cr0(v); break;
    case 2: c.cr2 = v; break;
    case 3: c.set_cr3(v); break;
    default: c.set_cr4(v); break;
    }
}
// DR4 and DR5 are DR6 and DR7 under other names, unless CR4.DE makes
// them invalid.
unsigned debug_register(Cpu& c, unsigned n) {
    if (n != 4 && n != 5) return n;
    if (c.cr4 & cr4_bit::DE) c.fault(vec::UD);
    return n + 2;
}
void mov_from_dr(Cpu& c, const Insn& i) {
    c.require_cpl0();
    c.set_reg<uint32_t>(i.rm, c.dr[debug_register(c, i.reg)]);
}
void mov_to_dr(Cpu& c, const Insn& i) {
    c.require_cpl0();
    c.dr[debug_register(c, i.reg)] = c.reg<uint32_t>(i.rm);
    c.debug_registers_changed();
}

}  // namespace

void register_system_ops(OpTableBuilder& b) {
    const CpuModel m = b.model.model;
    if (m < CpuModel::i80286) return;
    constexpr uint8_t end = op_flag::kEndsBlock;
    b.group(0x100, 0, "sldt", kM, &sldt);
    b.group(0x100, 1, "str", kM, &str);
    b.group(0x100, 2, "lldt", kM, &lldt);
    b.group(0x100, 3, "ltr", kM, &ltr);
    b.group(0x100, 4, "verr", kM, &verify<false>);
    b.group(0x100, 5, "verw", kM, &verify<true>);
    b.group(0x101, 0, "sgdt", kM, &store_table<false>);
    b.group(0x101, 1, "sidt", kM, &store_table<true>);
    b.group(0x101, 2, "lgdt", kM, &load_table<false>);
    b.group(0x101, 3, "lidt", kM, &load_table<true>);
    b.group(0x101, 4, "smsw", kM, &smsw);
    b.group(0x101, 6, "lmsw", kM, &lmsw, nullptr, end);  // may enter protected mode
    b.op(0x102, "lar", kM, AMBER_SIZED(lar));
    b.op(0x103, "lsl", kM, AMBER_SIZED(lsl));
    b.op(0x106, "clts", kNone, &clts);
    b.op(0x63, "arpl", kM, &arpl);
    if (m < CpuModel::i386) return;
    b.op(0x120, "mov", kM, &mov_from_cr);
    b.op(0x122, "mov", kM, &mov_to_cr, nullptr, end);
    b.op(0x121, "mov", kM, &mov_from_dr);
    b.op(0x123, "mov", kM, &mov_to_dr, nullptr, end);
    if (m < CpuModel::i486) return;
    b.group(0x101, 7, "invlpg", kM, &invlpg, nullptr, end);
    b.op(0x108, "invd", kNone, &cache_control);
    b.op(0x109, "wbinvd", kNone, &cache_control);
}

}  // namespace amber
