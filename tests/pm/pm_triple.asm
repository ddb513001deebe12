; pm_triple: a triple fault.
;
; With an IDT limit of 0 no vector can be delivered: UD2 raises #UD, whose
; delivery raises #GP (vector past the IDT limit), whose delivery raises #GP
; again -> #DF, whose delivery fails too -> shutdown.
;
; What follows depends on the machine. A PC resets the CPU, and RAM survives:
; this ROM starts again, finds its marker, prints PASS and exits 0. So do
; Amber (by default) and Bochs (reset_on_triple_fault=1). `amber run
; --no-reboot` instead ends the run with exit status 123 and "triple fault"
; on stderr. tests/pm/CMakeLists.txt checks both.

%define TEST_NAME "pm_triple"
%define REAL_MODE_MAIN
%include "pm.inc"

MARKER          equ TEST_VARS           ; not cleared at reset (VARS is)

        bits    16
rm_main:
        xor     ax, ax
        mov     ds, ax
        mov     ax, 0x6000
        mov     ss, ax
        mov     sp, 0xFFF0
        cmp     dword [MARKER], 'TRPL'
        je      .after_reset
        mov     dword [MARKER], 'TRPL'
        call    rm_install_gdt
        o32 lgdt [cs:R(gdtr_value)]
        mov     eax, cr0
        or      al, CR0_PE
        mov     cr0, eax
        jmp     dword SEL_CODE0:pm_entry

.after_reset:
        mov     dword [MARKER], 0
        call    print16
        db      "the CPU was reset after the triple fault", 10, 0
        jmp     finish16

        bits    32
pm_entry:
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, STACK_TOP
        PRINT   "about to triple fault", 10
        lidt    [empty_idtr]
        ud2
        PRINT   "FAIL still running after a triple fault", 10
        mov     al, 1
        jmp     exit

empty_idtr:     dw 0
                dd IDT_BASE

        ROM_END
