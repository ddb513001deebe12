; pm_tasks: hardware task switches.
;
; Checks: JMP to a TSS loads the new task's registers, TR and LDTR from its
; TSS, saves the old task's state (EIP after the JMP, general registers) in
; the old TSS, moves the busy bit, and does not nest (NT clear, back link
; untouched); CALL to a TSS nests (NT set, back link = caller, both busy) and
; the callee's IRET returns to the caller; a task resumes where it left off;
; CALL to a busy TSS -> #GP(sel); a TSS shorter than 0x67 -> #TS(sel); an
; exception (#NP) through a task gate in the IDT runs in its own task, with
; the error code on that task's stack and CR3 loaded from its TSS.
;
; Paging is on (identity), because CR3 is loaded from a TSS only with paging
; enabled; each TSS's CR3 field must then be valid, the main TSS's included
; (it is read when switching back to the main task, never written).

%define TEST_NAME "pm_tasks"
%include "pm.inc"

SEL_TSS_B       equ SEL_FREE            ; 0x48 task B (JMP, then CALL)
SEL_TSS_C       equ SEL_FREE + 0x08     ; 0x50 task C (the #NP task gate)
SEL_TSS_SHORT   equ SEL_FREE + 0x10     ; 0x58 a TSS with limit 0x20
SEL_LDT         equ SEL_FREE + 0x18     ; 0x60 task B's LDT
SEL_ABSENT      equ SEL_FREE + 0x20     ; 0x68 data segment, not present
SEL_IN_LDT      equ 0x04                ; LDT entry 0 (TI = 1)

TSS_B           equ 0x20000
TSS_C           equ 0x20100
TSS_SHORT       equ 0x20200
LDT_B           equ 0x20300             ; 1 descriptor: data at LDT_DATA
LDT_DATA        equ 0x21000
PHYS_MAIN       equ 0x22000             ; linear 0x400000 in the main page tables
PHYS_C          equ 0x23000             ; linear 0x400000 in task C's page tables
PD_C            equ 0xB000
PT_C            equ 0xC000

[absolute TEST_VARS]
b1_eax:         resd 1                  ; what task B saw when entered by JMP
b1_tr:          resd 1
b1_ldtr:        resd 1
b1_eflags:      resd 1
b1_ldt_marker:  resd 1
b1_main_type:   resd 1
b1_b_type:      resd 1
b2_eflags:      resd 1                  ; ... and when entered again by CALL
b2_link:        resd 1
b2_main_type:   resd 1
b2_b_type:      resd 1
b2_esi:         resd 1
c_err:          resd 1                  ; what task C saw
c_cr3:          resd 1
c_marker:       resd 1
c_eflags:       resd 1
c_link:         resd 1
c_main_eip:     resd 1
__SECT__

test_main:
        ; Pages: linear 0x400000 is PHYS_MAIN here, PHYS_C in task C's directory.
        call    setup_paging
        mov     dword [PT1], PHYS_MAIN | PG_P | PG_RW
        mov     dword [PHYS_MAIN], 'MAIN'
        mov     esi, PD_BASE            ; task C's directory: a copy, but its own 4-8 MiB table
        mov     edi, PD_C
        mov     ecx, 1024
        rep movsd
        mov     dword [PD_C + 4], PT_C | PG_P | PG_RW
        mov     edi, PT_C
        mov     ecx, 1024
        xor     eax, eax
        rep stosd
        mov     dword [PT_C], PHYS_C | PG_P | PG_RW
        mov     dword [PHYS_C], 'TSKC'
        mov     eax, cr3                ; flush the TLB
        mov     cr3, eax

        mov     dword [TSS_BASE + TSS_CR3], PD_BASE     ; read when switching back to main

        ; Task B: own registers and LDT. Task C: own stack and page directory.
        mov     edi, TSS_B
        mov     eax, task_b
        mov     ebx, 0x3F000
        mov     ecx, PD_BASE
        mov     edx, SEL_LDT
        call    init_tss
        mov     dword [TSS_B + TSS_EAX], 0xB0B0B0B0
        mov     edi, TSS_C
        mov     eax, task_c
        mov     ebx, 0x3E000
        mov     ecx, PD_C
        xor     edx, edx
        call    init_tss
        DESC_SET GDT(SEL_TSS_B), TSS_B, 0x67, ACC_TSS, FL_16
        DESC_SET GDT(SEL_TSS_C), TSS_C, 0x67, ACC_TSS, FL_16
        DESC_SET GDT(SEL_TSS_SHORT), TSS_SHORT, 0x20, ACC_TSS, FL_16
        DESC_SET GDT(SEL_LDT), LDT_B, 7, ACC_LDT, FL_16
        DESC_SET LDT_B, LDT_DATA, 0xFFF, ACC_DATA, FL_32
        mov     dword [LDT_DATA], 'LDT!'
        DESC_SET GDT(SEL_ABSENT), 0, 0xFFFF, ACC_DATA & 0x7F, FL_16

; --- JMP to task B, which JMPs back ----------------------------------------
        mov     esi, 0x5E5E5E5E         ; to be saved in the main TSS and restored
.jmp_b: jmp     SEL_TSS_B:0
.back_from_jmp:
        CHECK   "JMP: EAX loaded from the new TSS", [b1_eax], 0xB0B0B0B0
        CHECK   "JMP: TR = new TSS", [b1_tr], SEL_TSS_B
        CHECK   "JMP: LDTR loaded from the new TSS", [b1_ldtr], SEL_LDT
        CHECK   "JMP: data read through the task's LDT", [b1_ldt_marker], 'LDT!'
        mov     eax, [b1_eflags]
        and     eax, FL_NT
        CHECK   "JMP: NT clear in the new task", eax, 0
        CHECK   "JMP: old TSS no longer busy", [b1_main_type], ACC_TSS
        CHECK   "JMP: new TSS busy", [b1_b_type], ACC_TSS | 2
        CHECK   "JMP: back link not written", [TSS_B + TSS_LINK], 0
        CHECK   "JMP: old task's EIP saved (after the JMP)", [TSS_BASE + TSS_EIP], .back_from_jmp
        CHECK   "JMP: old task's ESI saved", [TSS_BASE + TSS_ESI], 0x5E5E5E5E
        CHECK   "JMP back: ESI restored", esi, 0x5E5E5E5E
        CHECK   "JMP back: task B's EIP saved", [TSS_B + TSS_EIP], task_b.resumed
        CHECK   "JMP back: task B's ESI saved", [TSS_B + TSS_ESI], 0xBBBBBBBB
        xor     eax, eax
        str     ax
        CHECK   "JMP back: TR = main TSS", eax, SEL_TSS
        sldt    ax
        CHECK   "JMP back: LDTR from the main TSS (null)", eax, 0
        movzx   eax, byte [GDT(SEL_TSS_B) + 5]
        CHECK   "JMP back: task B's TSS available again", eax, ACC_TSS

; --- CALL task B (it resumes after its JMP), which IRETs back -----------------
        call    SEL_TSS_B:0
.back_from_call:
        mov     eax, [b2_eflags]
        and     eax, FL_NT
        CHECK   "CALL: NT set in the called task", eax, FL_NT
        CHECK   "CALL: back link = caller", [b2_link], SEL_TSS
        CHECK   "CALL: caller stays busy", [b2_main_type], ACC_TSS | 2
        CHECK   "CALL: callee busy", [b2_b_type], ACC_TSS | 2
        CHECK   "CALL: task B resumed with its own ESI", [b2_esi], 0xBBBBBBBB
        pushfd
        pop     eax
        and     eax, FL_NT
        CHECK   "IRET to the caller: its NT (clear) restored", eax, 0
        movzx   eax, byte [GDT(SEL_TSS_B) + 5]
        CHECK   "IRET: callee's TSS available again", eax, ACC_TSS
        movzx   eax, byte [GDT(SEL_TSS) + 5]
        CHECK   "IRET: caller's TSS still busy", eax, ACC_TSS | 2

; --- Switches that must fail --------------------------------------------------
        CATCH   .f_busy
.i_busy: call   SEL_TSS:0               ; the running task is busy
.f_busy: CHECK_FAULT "CALL to a busy TSS -> #GP(sel)", 13, SEL_TSS, .i_busy
        CATCH   .f_short
.i_short: jmp   SEL_TSS_SHORT:0
.f_short: CHECK_FAULT "JMP to a TSS with limit < 0x67 -> #TS(sel)", 10, SEL_TSS_SHORT, .i_short

; --- An exception through a task gate: #NP handled by task C ------------------
        SET_GATE IDT(11), SEL_TSS_C, 0, GATE_TASK
        mov     ax, SEL_ABSENT
.i_np:  mov     ds, ax                  ; #NP(SEL_ABSENT) -> task C, which resumes us at .np_done
        PRINT   "FAIL no #NP: task C did not move EIP", 10
        inc     dword [fail_count]
.np_done:
        SET_GATE IDT(11), SEL_CODE0, exc_stub_11, GATE_INT32
        CHECK   "task gate: error code on the handler task's stack", [c_err], SEL_ABSENT
        CHECK   "task gate: CR3 loaded from the handler's TSS", [c_cr3], PD_C
        CHECK   "task gate: handler sees its own page tables", [c_marker], 'TSKC'
        mov     eax, [c_eflags]
        and     eax, FL_NT
        CHECK   "task gate: NT set in the handler task", eax, FL_NT
        CHECK   "task gate: back link = interrupted task", [c_link], SEL_TSS
        CHECK   "task gate: interrupted EIP saved = the faulting instruction", [c_main_eip], .i_np
        mov     eax, cr3
        CHECK   "IRET back: CR3 from the main TSS", eax, PD_BASE
        CHECK   "IRET back: main page tables again", [0x400000], 'MAIN'
        movzx   eax, byte [GDT(SEL_TSS_C) + 5]
        CHECK   "IRET back: handler's TSS available again", eax, ACC_TSS
        jmp     finish

; init_tss: EDI = TSS, EAX = EIP, EBX = ESP, ECX = CR3, EDX = LDT selector.
; Ring 0, flat segments, interrupts off, no I/O bitmap.
init_tss:
        push    eax
        push    ecx
        push    edi
        mov     ecx, 0x68 / 4
        xor     eax, eax
        rep stosd
        pop     edi
        pop     ecx
        pop     eax
        mov     [edi + TSS_EIP], eax
        mov     [edi + TSS_ESP], ebx
        mov     [edi + TSS_CR3], ecx
        mov     [edi + TSS_LDTR], edx
        mov     dword [edi + TSS_EFLAGS], 2
        mov     dword [edi + TSS_CS], SEL_CODE0
        mov     eax, SEL_DATA0
        mov     [edi + TSS_SS], eax
        mov     [edi + TSS_DS], eax
        mov     [edi + TSS_ES], eax
        mov     [edi + TSS_FS], eax
        mov     [edi + TSS_GS], eax
        mov     word [edi + TSS_IOMAP], 0x68
        ret

; Task B. First entered by JMP: records, then JMPs back to the main task.
task_b:
        mov     [b1_eax], eax
        xor     eax, eax
        str     ax
        mov     [b1_tr], eax
        sldt    ax
        mov     [b1_ldtr], eax
        pushfd
        pop     dword [b1_eflags]
        mov     ax, SEL_IN_LDT
        mov     es, ax
        mov     eax, [es:0]
        mov     [b1_ldt_marker], eax
        mov     ax, SEL_DATA0
        mov     es, ax
        movzx   eax, byte [GDT(SEL_TSS) + 5]
        mov     [b1_main_type], eax
        movzx   eax, byte [GDT(SEL_TSS_B) + 5]
        mov     [b1_b_type], eax
        mov     esi, 0xBBBBBBBB         ; saved in TSS_B by the JMP back
        jmp     SEL_TSS:0
.resumed:                               ; then entered by CALL: resumes here
        pushfd
        pop     dword [b2_eflags]
        movzx   eax, word [TSS_B + TSS_LINK]
        mov     [b2_link], eax
        movzx   eax, byte [GDT(SEL_TSS) + 5]
        mov     [b2_main_type], eax
        movzx   eax, byte [GDT(SEL_TSS_B) + 5]
        mov     [b2_b_type], eax
        mov     [b2_esi], esi
        iretd                           ; NT set: return to the calling task
        jmp     task_b.resumed

; Task C, the #NP handler (task gate): the error code is on its stack.
task_c:
        pop     dword [c_err]
        mov     eax, cr3
        mov     [c_cr3], eax
        mov     eax, [0x400000]
        mov     [c_marker], eax
        pushfd
        pop     dword [c_eflags]
        movzx   eax, word [TSS_C + TSS_LINK]
        mov     [c_link], eax
        mov     eax, [TSS_BASE + TSS_EIP]
        mov     [c_main_eip], eax
        mov     dword [TSS_BASE + TSS_EIP], test_main.np_done   ; skip the faulting MOV
        iretd
        jmp     task_c

        ROM_END
