// Protected-mode rules for segment registers, far returns and the
// descriptor-probing instructions (Intel SDM Vol. 2: MOV/POP Sreg, LLDT, LTR,
// RET, IRET, LAR, LSL, VERR/VERW; Vol. 3 chapter 5, "Protection").
//
// Each rule is a pure function of the descriptor tables, the CPL and the
// selector: it returns what to load, or the fault (vector and error code) the
// SDM's pseudo-code raises, checking conditions in the SDM's order. Nothing is
// written: the caller commits the load and the Accessed/Busy write-back.
// Far JMP/CALL, gates, interrupts and tasks are in protection_transfer.hpp.
#pragma once
#include <cstdint>
#include <optional>

#include "cpu/descriptor_tables.hpp"

namespace amber {

// ---- segment registers ----

// What a null selector loads into DS/ES/FS/GS: an unusable segment (P clear),
// so any access through it must raise #GP(0).
Segment null_segment(uint16_t sel);
bool segment_usable(const Segment& s);

// MOV/POP/LDS/LES/LFS/LGS to DS, ES, FS or GS. A null selector is allowed
// and yields null_segment(); otherwise the descriptor must be data or
// readable code, with DPL >= max(CPL, RPL) unless it is conforming code.
// Not present: #NP(selector).
Checked<SegmentLoad> check_data_segment_load(const DescriptorTables& t, unsigned cpl, uint16_t sel);

// MOV/POP/LSS to SS: null is #GP(0); RPL == CPL == DPL and writable data,
// else #GP(selector); not present: #SS(selector).
Checked<SegmentLoad> check_stack_segment_load(const DescriptorTables& t, unsigned cpl, uint16_t sel);

// LLDT (the caller checks CPL 0): a null selector gives a null LDTR (the
// result's cache is null_segment()); otherwise a GDT entry of type LDT.
Checked<SegmentLoad> check_ldt_load(const DescriptorTables& t, uint16_t sel);

// LTR (the caller checks CPL 0): an available TSS in the GDT. The result
// marks it busy (write_access_byte with the Busy bit).
Checked<SegmentLoad> check_task_register_load(const DescriptorTables& t, uint16_t sel);

// ---- limits ----

// Whether `bytes` bytes can be pushed below `esp` inside the stack segment:
// every byte written must lie within the limits (expand-up: 0..limit;
// expand-down: limit+1..0xFFFF or 0xFFFFFFFF by the B bit). ESP wraps at the
// stack's size, so a push at SP = 2 reaches 0xFFFE..0x0001.
bool stack_has_room(const Segment& ss, uint32_t esp, uint32_t bytes);

// The EIP a transfer continues at must lie within the code segment's limit,
// else #GP(error) — #GP(0), or #GP(EXT) while delivering an event.
std::optional<CpuFault> check_code_offset(const Segment& cs, uint32_t eip, uint16_t error = 0);

// ---- far RET and IRET (same task) ----
//
// The caller pops CS:EIP, calls check_return_cs(); when that says `outer`,
// pops SS:ESP too and calls check_return_ss(); then check_code_offset() on
// the new CS; then commits, and after an outer return nulls the data segment
// registers the new CPL may not use (null_outer_data_segments()).

struct ReturnTarget {
    SegmentLoad cs;
    unsigned cpl = 0;    // the CPL after the return: the RPL of the returned CS
    bool outer = false;  // to a less privileged level: SS:ESP are popped as well
};
Checked<ReturnTarget> check_return_cs(const DescriptorTables& t, unsigned cpl, uint16_t cs_sel);
// The SS popped by a return to the outer level `new_cpl`.
Checked<SegmentLoad> check_return_ss(const DescriptorTables& t, unsigned new_cpl, uint16_t ss_sel);

// After a return to an outer level, a data segment register whose DPL is
// below the new CPL (and which is not conforming code) becomes null.
bool loses_access_on_return(const Segment& s, unsigned new_cpl);
// Applies that rule to ES, DS, FS and GS of a segment array indexed by SegReg.
void null_outer_data_segments(Segment (&seg)[6], unsigned new_cpl);

// ---- LAR, LSL, VERR, VERW ----
//
// These never fault on the descriptor (only on reading it): a selector that
// is null, past the table, of the wrong type, or not accessible at
// max(CPL, RPL) (conforming code is exempt) gives nothing / false, which the
// instruction reports as ZF = 0. Presence is not checked.

// LAR: the descriptor's second dword masked to the access rights
// (0x00FFFF00: access byte, limit 19:16, flags). A 16-bit LAR keeps the low
// word. Code, data, TSS, LDT, call and task gates qualify.
std::optional<uint32_t> access_rights_for_lar(const DescriptorTables& t, unsigned cpl, uint16_t sel);
// LSL: the byte-granular limit. Code, data, TSS and LDT qualify.
std::optional<uint32_t> limit_for_lsl(const DescriptorTables& t, unsigned cpl, uint16_t sel);
// VERR: data, or readable code. VERW: writable data.
bool readable_for_verr(const DescriptorTables& t, unsigned cpl, uint16_t sel);
bool writable_for_verw(const DescriptorTables& t, unsigned cpl, uint16_t sel);

}  // namespace amber
