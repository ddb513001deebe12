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

// Only what Amber implements can be switched on (MCE is not, nor PAE on
// the Pentium, and CPUID does not claim them).
uint32_t Cpu::cr4_supported() const {
    using namespace cr4_bit;
    if (traits_->model == CpuModel::pentium) return VME | PVI | TSD | DE | PSE;
    if (traits_->simd >= Simd::Sse) return VME | PVI | TSD | DE | PSE | PAE | PGE | PCE | OSFXSR | OSXMMEXCPT;
    if (traits_->model >= CpuModel::p6) return VME | PVI | TSD | DE | PSE | PAE | PGE | PCE;
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
    // Toggling ID is how software finds CPUID; VIF/VIP serve CR4.VME and PVI.
    if (traits_->model >= CpuModel::pentium) supported |= flag::ID | flag::VIF | flag::VIP;
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

// CLI/STI where CPL > IOPL. With CR4.VME in virtual-8086 mode, or CR4.PVI
// at CPL 3 in protected mode, they change the virtual interrupt flag (VIF)
// and leave IF alone; STI faults when an interrupt is pending (VIP) so the
// monitor can deliver it. Otherwise #GP(0).
void Cpu::set_virtual_if(bool on) {
    const bool virtualized = v86() ? (cr4 & cr4_bit::VME) != 0 : (cpl_ == 3 && (cr4 & cr4_bit::PVI));
    if (!virtualized) fault_gp0();
    if (on && (flags.raw_bits() & flag::VIP)) fault_gp0();
    flags.set_flag(flag::VIF, on);
}

// The FLAGS image that virtual-8086 code sees under VME with IOPL < 3:
// VIF in IF's place, IOPL as 3.
uint16_t Cpu::virtual_flags_image() const {
    const uint32_t v = (flags_image() | flag::IOPL) & ~flag::IF;
    return static_cast<uint16_t>((flags.raw_bits() & flag::VIF) ? (v | flag::IF) : v);
}

// POPF and IRET (16-bit) under VME with IOPL < 3: the popped IF goes to VIF;
// IF and IOPL keep their values. Enabling interrupts while one is pending
// (VIP), or setting TF, goes to the monitor (#GP(0)) with nothing changed.
void Cpu::write_virtual_flags16(uint16_t v) {
    if ((v & flag::TF) || ((v & flag::IF) && (flags.raw_bits() & flag::VIP))) fault_gp0();
    const uint32_t writable = traits_->flags_writable & ~(flag::IF | flag::IOPL);
    uint32_t next = (flags.get() & ~(writable | flag::VIF)) | (v & writable);
    if (v & flag::IF) next |= flag::VIF;
    set_eflags(next);
}

// The software interrupt redirection bitmap of a 386 TSS: 256 bits just
// below the I/O permission bitmap. A set bit sends INT n the protected-mode
// way; reading outside the TSS is #GP(0).
bool Cpu::interrupt_redirection_bit(uint8_t vector) {
    const bool tss32 = (tr.attr & 0x0F) == 0x09 || (tr.attr & 0x0F) == 0x0B;
    if (!tss32 || tr.limit < 0x67) fault_gp0();
    const uint32_t at = uint32_t(read_sys<uint16_t>(tr.base + 0x66)) - 32 + vector / 8;
    if (at > tr.limit) fault_gp0();
    return (read_sys<uint8_t>(tr.base + at) >> (vector & 7)) & 1;
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
