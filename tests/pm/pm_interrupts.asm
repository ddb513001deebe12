; pm_interrupts: INT n through IDT gates.
;
; Checks: a 32-bit interrupt gate clears IF (and NT) in the handler, a trap
; gate leaves IF set, IRET restores them; same-privilege frames are EIP, CS,
; EFLAGS on the current stack; from ring 3 a DPL-3 gate switches to
; TSS.SS0:ESP0 and also pushes SS, ESP, and IRET goes back to ring 3; INT n
; (and INT3, INTO) at ring 3 through a DPL-0 gate -> #GP(vector*8+2), while a
; processor exception ignores the gate DPL; a not-present gate -> #NP(vector*8+2);
; a vector past the IDT limit -> #GP(vector*8+2); 16-bit (286) interrupt and
; trap gates push a 16-bit frame (IP, CS, FLAGS) and return with IRETW.

%define TEST_NAME "pm_interrupts"
%include "pm.inc"

VEC_INT         equ 0x40        ; 386 interrupt gate, DPL 0 -> h32
VEC_TRAP        equ 0x41        ; 386 trap gate, DPL 0 -> h32
VEC_USER        equ 0x42        ; 386 interrupt gate, DPL 3 -> h32
VEC_INT16       equ 0x43        ; 286 interrupt gate -> h16 (in SEL_ROM32)
VEC_TRAP16      equ 0x44        ; 286 trap gate -> h16
VEC_ABSENT      equ 0x45        ; a gate with P = 0
VEC_LIMIT       equ 0x46        ; the first vector past a shortened IDT

[absolute TEST_VARS]
h_flags_in:     resd 1          ; EFLAGS inside the handler
h_esp:          resd 1          ; ESP at the handler's first instruction
h_hcs:          resd 1          ; the handler's CS
h_eip:          resd 1          ; the frame: EIP (or IP)
h_cs:           resd 1          ;   CS
h_eflags:       resd 1          ;   EFLAGS (or FLAGS)
h_old_esp:      resd 1          ;   ESP (from an outer ring)
h_old_ss:       resd 1          ;   SS
short_idtr:     resb 6
__SECT__

test_main:
        SET_GATE IDT(VEC_INT), SEL_CODE0, h32, GATE_INT32
        SET_GATE IDT(VEC_TRAP), SEL_CODE0, h32, GATE_TRAP32
        SET_GATE IDT(VEC_USER), SEL_CODE0, h32, GATE_INT32 | GATE_DPL3
        SET_GATE IDT(VEC_INT16), SEL_ROM32, R(h16), GATE_INT16
        SET_GATE IDT(VEC_TRAP16), SEL_ROM32, R(h16), GATE_TRAP16
        SET_GATE IDT(VEC_ABSENT), SEL_CODE0, h32, GATE_INT32 & 0x7F

; --- 32-bit interrupt gate, ring 0 -> ring 0 --------------------------------
        sti                             ; (nothing can interrupt: no IRQ sources)
        pushfd
        or      dword [esp], FL_NT      ; NT too: the gate must clear it, or the
        popfd                           ; handler's IRET would be a task return
        mov     esi, esp
        int     VEC_INT
.after_int:
        pushfd
        pop     edx
        mov     edi, esp
        pushfd
        and     dword [esp], ~(FL_NT | FL_IF)
        popfd
        mov     eax, [h_flags_in]
        and     eax, FL_IF | FL_NT
        CHECK   "interrupt gate: IF and NT clear in the handler", eax, 0
        mov     eax, [h_eflags]
        and     eax, FL_IF | FL_NT
        CHECK   "interrupt gate: pushed EFLAGS has IF and NT", eax, FL_IF | FL_NT
        and     edx, FL_IF | FL_NT
        CHECK   "interrupt gate: IRET restores IF and NT", edx, FL_IF | FL_NT
        CHECK   "interrupt gate: pushed EIP is the next instruction", [h_eip], .after_int
        CHECK   "interrupt gate: pushed CS", [h_cs], SEL_CODE0
        lea     eax, [esi - 12]
        CHECK   "same privilege: 3 dwords on the current stack", [h_esp], eax
        CHECK   "IRET to the same privilege: ESP back", edi, esi

; --- 32-bit trap gate --------------------------------------------------------
        sti
        int     VEC_TRAP
        cli
        mov     eax, [h_flags_in]
        and     eax, FL_IF
        CHECK   "trap gate: IF still set in the handler", eax, FL_IF

; --- From ring 3 through a DPL-3 gate: stack switch ----------------------------
        RING3
        mov     esi, esp
        int     VEC_USER
.after_user:
        mov     edi, esp
        xor     ecx, ecx
        mov     cx, cs
        RING0
        CHECK   "ring 3 -> 0: handler runs in SEL_CODE0", [h_hcs], SEL_CODE0
        CHECK   "ring 3 -> 0: stack from TSS.ESP0, 5 dwords", [h_esp], STACK0_TOP - 20
        CHECK   "ring 3 -> 0: pushed EIP", [h_eip], .after_user
        CHECK   "ring 3 -> 0: pushed CS", [h_cs], SEL_CODE3
        CHECK   "ring 3 -> 0: pushed ESP", [h_old_esp], esi
        CHECK   "ring 3 -> 0: pushed SS", [h_old_ss], SEL_DATA3
        CHECK   "IRET to ring 3: CS", ecx, SEL_CODE3
        CHECK   "IRET to ring 3: ESP", edi, esi

; --- Gate DPL: software interrupts only --------------------------------------
        RING3
        CATCH   .f_dpl
.i_dpl: int     VEC_INT
.f_dpl: CHECK_FAULT "ring 3: INT to a DPL-0 gate -> #GP(vector*8+2)", 13, VEC_INT * 8 + 2, .i_dpl
        RING3
        CATCH   .f_int3
.i_int3: int3
.f_int3: CHECK_FAULT "ring 3: INT3 to a DPL-0 gate -> #GP(3*8+2)", 13, 3 * 8 + 2, .i_int3
        RING3
        mov     al, 0x7F
        add     al, 1                   ; OF = 1
        CATCH   .f_into
.i_into: into
.f_into: CHECK_FAULT "ring 3: INTO to a DPL-0 gate -> #GP(4*8+2)", 13, 4 * 8 + 2, .i_into
        RING3
        CATCH   .f_ud
.i_ud:  ud2
.f_ud:  CHECK_FAULT "ring 3: #UD through a DPL-0 gate (exceptions ignore DPL)", 6, 0, .i_ud

; --- Gates that cannot be used -------------------------------------------------
        CATCH   .f_np
.i_np:  int     VEC_ABSENT
.f_np:  CHECK_FAULT "INT to a not-present gate -> #NP(vector*8+2)", 11, VEC_ABSENT * 8 + 2, .i_np
        mov     word [short_idtr], VEC_LIMIT * 8 - 1
        mov     dword [short_idtr + 2], IDT_BASE
        lidt    [short_idtr]
        CATCH   .f_lim
.i_lim: int     VEC_LIMIT
.f_lim: lidt    [idtr_value]
        CHECK_FAULT "INT past the IDT limit -> #GP(vector*8+2)", 13, VEC_LIMIT * 8 + 2, .i_lim

; --- 16-bit gates: the frame is IP, CS, FLAGS. The INT runs where IP fits in
; 16 bits: in SEL_ROM32 (base 0xF0000), where offsets are R(label).
        jmp     SEL_ROM32:R(.rom32)
.rom32: sti
        mov     esi, esp
        int     VEC_INT16
.after16:
        pushfd
        pop     edx
        mov     edi, esp
        cli
        jmp     SEL_CODE0:.flat
.flat:  CHECK   "286 interrupt gate: pushed IP", [h_eip], R(.after16)
        CHECK   "286 interrupt gate: pushed CS", [h_cs], SEL_ROM32
        mov     eax, [h_eflags]
        and     eax, FL_IF
        CHECK   "286 interrupt gate: pushed FLAGS has IF", eax, FL_IF
        mov     eax, [h_flags_in]
        and     eax, FL_IF
        CHECK   "286 interrupt gate: IF clear in the handler", eax, 0
        lea     eax, [esi - 6]
        CHECK   "286 interrupt gate: 3 words pushed", [h_esp], eax
        CHECK   "IRETW: ESP back", edi, esi
        and     edx, FL_IF
        CHECK   "IRETW restores IF", edx, FL_IF

        jmp     SEL_ROM32:R(.rom32_trap)
.rom32_trap:
        sti
        int     VEC_TRAP16
.after16_trap:
        cli
        jmp     SEL_CODE0:.flat_trap
.flat_trap:
        CHECK   "286 trap gate: pushed IP", [h_eip], R(.after16_trap)
        mov     eax, [h_flags_in]
        and     eax, FL_IF
        CHECK   "286 trap gate: IF still set in the handler", eax, FL_IF
        jmp     finish

; 386 gates: records the frame and the handler's state (through SS, which is
; flat here whatever DS holds), then IRETD.
h32:
        push    eax
        pushfd
        pop     eax
        mov     [ss:h_flags_in], eax
        lea     eax, [esp + 4]
        mov     [ss:h_esp], eax
        xor     eax, eax
        mov     ax, cs
        mov     [ss:h_hcs], eax
        mov     eax, [esp + 4]
        mov     [ss:h_eip], eax
        movzx   eax, word [esp + 8]
        mov     [ss:h_cs], eax
        mov     eax, [esp + 12]
        mov     [ss:h_eflags], eax
        mov     eax, [esp + 16]         ; (only meaningful from an outer ring)
        mov     [ss:h_old_esp], eax
        movzx   eax, word [esp + 20]
        mov     [ss:h_old_ss], eax
        pop     eax
        iretd

; 286 gates: a 16-bit frame. Runs in SEL_ROM32 (32-bit code, base 0xF0000).
h16:
        push    eax
        pushfd
        pop     eax
        mov     [ss:h_flags_in], eax
        lea     eax, [esp + 4]
        mov     [ss:h_esp], eax
        movzx   eax, word [esp + 4]
        mov     [ss:h_eip], eax
        movzx   eax, word [esp + 6]
        mov     [ss:h_cs], eax
        movzx   eax, word [esp + 8]
        mov     [ss:h_eflags], eax
        pop     eax
        iretw

        ROM_END
