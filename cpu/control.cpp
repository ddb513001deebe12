// Control registers, EFLAGS as a whole, and the I/O permission bitmap:
// the state whose changes ripple into the TLB, the CPL and the run loop.
#include "cpu/cpu.hpp"
#include "cpu/descriptor.hpp"

namespace amber {

namespace {
// CR0 bits each model implements; the rest read as zero.
uint32_t cr0_implemented(CpuModel m) {
    using namespace cr0_bit;
    if (m == CpuModel::i80286) return PE | MP | EM | TS;
    if (m == CpuModel::i386) return PE | MP | EM | TS | ET | PG;
    return PE | MP | EM | TS | ET | NE | WP | AM | NW | CD | PG;
}
}  // namespace

void Cpu::set_cr0(uint32_t v) {
    using namespace cr0_bit;
    const CpuModel m = traits_->model;
    v &= cr0_implemented(m);
    if (m >= CpuModel::i486) v |= ET;  // the 486 has its FPU on chip
    if ((v & PG) && !(v & PE)) fault_gp0();
    if ((v & NW) && !(v & CD)) fault_gp0();
    if ((v & PG) && !(cr0 & PG) && (cr4 & cr4_bit::PAE)) load_pdptes_for(cr3);
    const uint32_t changed = cr0 ^ v;
    cr0 = v;
    if (changed & (PG | WP | PE)) flush_tlb();
    if (changed & PE) mode_changed();
    if (changed & (PE | PG)) report_mode_switch();
    update_align_check();
}

void Cpu::load_pdptes_for(uint32_t new_cr3) {
    const auto p = load_pdptes(mem_, new_cr3, addr_mask_);
    if (!p) fault_gp0();
    for (unsigned i = 0; i < 4; ++i) pdptes_[i] = (*p)[i];
}

void Cpu::set_cr3(uint32_t v) {
    if (paging() && (cr4 & cr4_bit::PAE)) load_pdptes_for(v);
    cr3 = v;
    if (cr4 & cr4_bit::PGE) flush_tlb_non_global();
    else flush_tlb();
}

// Only what Amber implements can be switched on (VME/PVI, MCE and PAE are
// not, and CPUID does not claim them).
uint32_t Cpu::cr4_supported() const {
    using namespace cr4_bit;
    if (traits_->model == CpuModel::pentium) return TSD | DE | PSE;
    if (traits_->simd >= Simd::Sse) return TSD | DE | PSE | PAE | PGE | PCE | OSFXSR | OSXMMEXCPT;
    if (traits_->model >= CpuModel::p6) return TSD | DE | PSE | PAE | PGE | PCE;
    return 0;
}

void Cpu::set_cr4(uint32_t v) {
    if (v & ~cr4_supported()) fault_gp0();
    if ((v & cr4_bit::PAE) && !(cr4 & cr4_bit::PAE) && paging()) load_pdptes_for(cr3);
    const uint32_t changed = cr4 ^ v;
    cr4 = v;
    if (changed & (cr4_bit::PSE | cr4_bit::PGE | cr4_bit::PAE)) flush_tlb();
}

void Cpu::set_eflags(uint32_t v) {
    uint32_t supported = traits_->flags_writable;
    if (traits_->model >= CpuModel::i386) supported |= flag::IOPL | flag::NT | flag::RF | flag::VM;
    if (traits_->model >= CpuModel::i486) supported |= flag::AC;
    if (traits_->model >= CpuModel::pentium) supported |= flag::ID;  // toggling ID is how software finds CPUID
    const uint32_t old = flags.raw_bits();
    flags.set((v & supported) | 0x2);
    if ((old ^ v) & flag::VM & supported) {
        mode_changed();
        report_mode_switch();
    }
    sync_irq_pending();
    update_debug_active();
    update_align_check();
}

void Cpu::write_flags16(uint16_t v) {
    const uint32_t writable = traits_->flags_writable;
    set_eflags((flags.get() & ~writable) | (v & writable));
}

// The bitmap's offset is at byte 0x66 of a 386 TSS; the bits for every
// port of the access must lie within the TSS limit and be clear. A 286 TSS
// has no bitmap, so every checked access faults.
void Cpu::io_checks(uint16_t port, unsigned size, bool write, uint32_t value) {
    if (io_needs_permission()) check_io_permission(port, size);
    if (debug_io_) {
        DebugEvent e{DebugEvent::Kind::Io, port, size, write};
        e.value = value;
        report(e);
    }
}

void Cpu::check_io_permission(uint16_t port, unsigned size) {
    const bool tss32 = (tr.attr & 0x0F) == 0x09 || (tr.attr & 0x0F) == 0x0B;
    if (!tss32 || tr.limit < 0x67) fault_gp0();
    const uint32_t bitmap = read_sys<uint16_t>(tr.base + 0x66);
    const uint32_t at = bitmap + port / 8;
    if (at + 1 > tr.limit) fault_gp0();
    const uint32_t bits = read_sys<uint16_t>(tr.base + at) >> (port & 7);
    if (bits & ((1u << size) - 1)) fault_gp0();
}

}  // namespace amber
