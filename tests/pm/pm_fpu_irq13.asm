; pm_fpu_irq13: how an unmasked x87 exception is reported, on the PC board
; (`amber run --machine pc --cpu 486 -bios pm_fpu_irq13.bin`: it needs the
; PIC pair and the port 0xF0 latch, so it does not run on the bare machine).
;
; Checks: an unmasked zero divide sets ZE, ES and B and nothing else happens
; at that instruction; with CR0.NE=1 the next waiting instruction raises #MF
; (vector 16) before it executes, with FSW as the divide left it; with
; CR0.NE=0 it asserts FERR#, which the board turns into IRQ13 (slave PIC
; input 5, vector 0x2D as programmed here): the handler finds ES set, writes
; port 0xF0, FNCLEXes and EOIs both PICs, and the program goes on. Amber lets
; the waiting instruction complete (see signal_pending_error in
; cpu/ops_x87.cpp), so the interrupt returns after it. A second error
; interrupts again (FNCLEX dropped FERR#), and one found with IF=0 waits in
; the PIC until STI.

%define TEST_NAME "pm_fpu_irq13"
%include "pm.inc"

CR0_NE          equ 1 << 5
FSW_MASK        equ 0xB8FF          ; B, TOP, ES, SF and the exception flags (no C0-C3)
FSW_ZE_TOP6     equ 0xB084          ; B, TOP=6, ES, ZE: after fldz, fld1, 1/0
FSW_ZE_TOP5     equ 0xA884          ; the same after one more push
VEC_IRQ13       equ 0x2D            ; slave PIC base 0x28 + input 5
CW_ZE_UNMASKED  equ 0x037B

[absolute TEST_VARS]
irq_count:      resd 1          ; IRQ13s taken
irq_fsw:        resd 1          ; FSW the handler found
irq_eip:        resd 1          ; the EIP it returns to
irq_isr:        resd 1          ; slave ISR inside the handler (before EOI)
cw:             resd 1
__SECT__

%macro PIC_SETUP 0
        mov     al, 0x11                ; ICW1: edge, cascade, ICW4
        out     0x20, al
        out     0xA0, al
        mov     al, 0x20                ; ICW2: vector bases 0x20 and 0x28
        out     0x21, al
        mov     al, 0x28
        out     0xA1, al
        mov     al, 0x04                ; ICW3: slave on master input 2
        out     0x21, al
        mov     al, 0x02
        out     0xA1, al
        mov     al, 0x01                ; ICW4: 8086 mode, normal EOI
        out     0x21, al
        out     0xA1, al
        mov     al, 0xFB                ; only the cascade on the master...
        out     0x21, al
        mov     al, 0xDF                ; ...and IRQ13 on the slave
        out     0xA1, al
%endmacro

; Loads 0 and 1 and divides 1 by 0 with ZE unmasked: ZE, ES, B pending.
%macro DIVIDE_BY_ZERO 0
        fninit
        mov     dword [cw], CW_ZE_UNMASKED
        fldcw   [cw]
        fldz
        fld1
        fdiv    st0, st1
%endmacro

%macro FSW_TO_EAX 0
        fnstsw  ax
        movzx   eax, ax
        and     eax, FSW_MASK
%endmacro

test_main:
        mov     eax, cr0
        and     eax, ~(CR0_EM | CR0_TS)
        or      eax, CR0_MP | CR0_NE
        mov     cr0, eax

; --- CR0.NE=1: #MF at the next waiting instruction -------------------------
        DIVIDE_BY_ZERO
        FSW_TO_EAX
        CHECK   "1/0 with ZE unmasked: FSW has B, ES, ZE (TOP 6)", eax, FSW_ZE_TOP6
        CATCH   .mf_caught
.mf_insn:
        fld1                            ; waiting: #MF before it executes
.mf_caught:
        CHECK_FAULT "NE=1: #MF (16) at the next waiting instruction", 16, 0, .mf_insn
        FSW_TO_EAX
        CHECK   "NE=1: FSW at #MF as the divide left it (FLD1 not executed)", eax, FSW_ZE_TOP6
        CATCH   .mf2_caught
.mf2_insn:
        fwait                           ; FWAIT too
.mf2_caught:
        CHECK_FAULT "NE=1: #MF at FWAIT", 16, 0, .mf2_insn
        fnclex
        FSW_TO_EAX
        CHECK   "NE=1: FNCLEX clears B, ES, ZE", eax, 0x3000
        fwait                           ; no fault now (an unexpected one aborts)
        CHECK   "NE=1: no IRQ13", dword [irq_count], 0

; --- CR0.NE=0: FERR# -> IRQ13 ------------------------------------------------
        PIC_SETUP
        SET_GATE IDT(VEC_IRQ13), SEL_CODE0, irq13_handler, GATE_INT32
        mov     eax, cr0
        and     eax, ~CR0_NE
        mov     cr0, eax
        sti
        DIVIDE_BY_ZERO
        mov     ebx, [irq_count]        ; nothing yet at the divide itself...
        fnstsw  ax                      ; ...nor at a no-wait instruction
        mov     ecx, [irq_count]
        CHECK   "NE=0: no IRQ13 at the divide", ebx, 0
        CHECK   "NE=0: no IRQ13 at FNSTSW", ecx, 0
        fld1                            ; waiting: FERR# -> IRQ13
.after_fld1:
        CHECK   "NE=0: IRQ13 taken once", dword [irq_count], 1
        CHECK   "NE=0: the handler found B, ES, ZE in FSW (FLD1 done: TOP 5)", dword [irq_fsw], FSW_ZE_TOP5
        CHECK   "NE=0: IRQ13 returned after the waiting instruction", dword [irq_eip], .after_fld1
        CHECK   "NE=0: IRQ13 in service on the slave in the handler", dword [irq_isr], 0x20
        FSW_TO_EAX
        CHECK   "NE=0: after the handler's FNCLEX, FLD1 executed (TOP 5)", eax, 0x2800
        fld1                            ; the error is gone: no more IRQ13s
        fwait
        CHECK   "NE=0: nothing more after FNCLEX", dword [irq_count], 1
        mov     al, 0x0B                ; OCW3: read ISR
        out     0xA0, al
        in      al, 0xA0
        movzx   eax, al
        CHECK   "NE=0: the slave's ISR is clear after EOI", eax, 0
        mov     al, 0x0A                ; OCW3: read IRR
        out     0xA0, al
        in      al, 0xA0
        movzx   eax, al
        and     eax, 0x20
        CHECK   "NE=0: port 0xF0 lowered IRQ13", eax, 0

        ; A second error interrupts again (FWAIT this time).
        DIVIDE_BY_ZERO
        fwait
.after_fwait:
        CHECK   "NE=0: a second error, a second IRQ13", dword [irq_count], 2
        CHECK   "NE=0: returned after the FWAIT", dword [irq_eip], .after_fwait

        ; With IF=0 the request waits in the PIC; STI lets it in.
        cli
        DIVIDE_BY_ZERO
        fwait
        mov     ebx, [irq_count]
        sti
        nop                             ; (STI's one-instruction shadow)
        mov     ecx, [irq_count]
        CHECK   "NE=0: IF=0 holds IRQ13 back", ebx, 2
        CHECK   "NE=0: STI lets the waiting IRQ13 in", ecx, 3
        cli
        jmp     finish

; IRQ13: what a DOS program's handler does -- acknowledge the error at port
; 0xF0, clear it, EOI slave and master.
irq13_handler:
        push    eax
        inc     dword [irq_count]
        mov     eax, [esp + 4]          ; the frame's EIP
        mov     [irq_eip], eax
        FSW_TO_EAX
        mov     [irq_fsw], eax
        mov     al, 0x0B                ; OCW3: read ISR
        out     0xA0, al
        in      al, 0xA0
        movzx   eax, al
        mov     [irq_isr], eax
        xor     al, al
        out     0xF0, al
        fnclex
        mov     al, 0x20
        out     0xA0, al
        out     0x20, al
        pop     eax
        iretd

        ROM_END
