; pm_switch: real mode -> protected mode -> real mode.
;
; Checks: CR0.PE at reset; LGDT, setting CR0.PE and the far jump into 32-bit
; code; data segment loads (descriptor base, accessed bit set by the CPU,
; limit); STR before and after LTR (and the TSS becoming busy); SGDT/SIDT;
; LGDT with a 16-bit operand taking a 24-bit base; SMSW/LMSW (LMSW cannot
; clear PE); then back to real mode (16-bit segment caches, PE cleared, far
; jump) where segment arithmetic and the IVT work again.

%define TEST_NAME "pm_switch"
%define REAL_MODE_MAIN
%include "pm.inc"

SEL_SCRATCH     equ SEL_FREE            ; data, base SCRATCH, limit 0xFFFF
RM_SS           equ 0x6000              ; real-mode stack 6000:FFF0
VEC_RM          equ 0x50                ; a real-mode interrupt through the IVT

        bits    16
rm_main:
        xor     ax, ax
        mov     ds, ax
        mov     ax, RM_SS
        mov     ss, ax
        mov     sp, 0xFFF0
        call    print16
        db      "real mode after reset", 10, 0

        mov     eax, cr0
        and     ax, CR0_PE
        CHECK16 "reset: CR0.PE clear", ax, 0
        smsw    ax
        and     ax, CR0_PE
        CHECK16 "reset: SMSW.PE clear", ax, 0

        ; The GDT (in RAM), plus a fresh data descriptor whose accessed bit is clear.
        call    rm_install_gdt
        DESC_SET GDT(SEL_SCRATCH), SCRATCH, 0xFFFF, ACC_DATA, FL_16
        o32 lgdt [cs:R(gdtr_value)]

        ; Into protected mode: PE, then a far jump to load CS from the GDT.
        mov     eax, cr0
        or      al, CR0_PE
        mov     cr0, eax
        jmp     dword SEL_CODE0:pm_entry

        bits    32
pm_entry:
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     esp, STACK_TOP
        PRINT   "in protected mode", 10
        xor     eax, eax
        mov     ax, cs
        CHECK   "CS = SEL_CODE0 after the far jump", eax, SEL_CODE0
        mov     eax, cr0
        and     eax, CR0_PE
        CHECK   "CR0.PE set", eax, CR0_PE

        ; TR is 0 until LTR (pm_setup); the TSS descriptor becomes busy.
        mov     eax, 0xFFFF1234
        str     ax
        CHECK   "STR before LTR", eax, 0xFFFF0000
        call    pm_setup                ; IDT, TSS, LTR
        xor     eax, eax
        str     ax
        CHECK   "STR after LTR", eax, SEL_TSS
        movzx   eax, byte [GDT(SEL_TSS) + 5]
        CHECK   "LTR marks the TSS busy (type 0xB)", eax, ACC_TSS | 2

        ; SGDT / SIDT
        sgdt    [SCRATCH]
        movzx   eax, word [SCRATCH]
        CHECK   "SGDT limit", eax, GDT_LIMIT
        CHECK   "SGDT base", [SCRATCH + 2], GDT_BASE
        sidt    [SCRATCH + 8]
        movzx   eax, word [SCRATCH + 8]
        CHECK   "SIDT limit", eax, IDT_LIMIT
        CHECK   "SIDT base", [SCRATCH + 10], IDT_BASE

        ; LGDT with a 16-bit operand loads only 24 bits of the base.
        mov     word [SCRATCH + 16], GDT_LIMIT
        mov     dword [SCRATCH + 18], 0xAB000000 | GDT_BASE
        o16 lgdt [SCRATCH + 16]
        sgdt    [SCRATCH + 24]
        CHECK   "LGDT o16 keeps 24 bits of the base", [SCRATCH + 26], GDT_BASE

        ; A data segment: the CPU sets the accessed bit, the base applies.
        movzx   eax, byte [GDT(SEL_SCRATCH) + 5]
        CHECK   "descriptor not yet accessed", eax, ACC_DATA
        mov     ax, SEL_SCRATCH
        mov     es, ax
        movzx   eax, byte [GDT(SEL_SCRATCH) + 5]
        CHECK   "loading ES sets the accessed bit", eax, ACC_DATA | 1
        mov     dword [es:0x10], 0xCAFEBABE
        CHECK   "ES base applies (written at SCRATCH+0x10)", [SCRATCH + 0x10], 0xCAFEBABE
        CATCH   .limit
.limit_insn:
        mov     eax, [es:0xFFFD]        ; bytes 0xFFFD..0x10000: the last one is past the limit
.limit: CHECK_FAULT "dword read crossing ES limit -> #GP(0)", 13, 0, .limit_insn
        mov     ax, SEL_DATA0
        mov     es, ax

        ; SMSW / LMSW / CLTS. LMSW can set PE but not clear it.
        xor     eax, eax
        smsw    ax
        and     eax, 0xF
        CHECK   "SMSW = PE", eax, CR0_PE
        mov     ax, CR0_TS | CR0_MP     ; PE clear in the operand
        lmsw    ax
        mov     eax, cr0
        and     eax, 0xF
        CHECK   "LMSW sets TS and MP, leaves PE set", eax, CR0_PE | CR0_MP | CR0_TS
        clts
        xor     eax, eax
        smsw    ax
        and     eax, 0xF
        CHECK   "CLTS clears TS", eax, CR0_PE | CR0_MP
        mov     ax, CR0_PE
        lmsw    ax
        mov     eax, cr0
        and     eax, 0xF
        CHECK   "LMSW clears MP", eax, CR0_PE

        ; Back to real mode: real-mode IDTR, 64 KiB 16-bit data segments, a
        ; 16-bit code segment, then PE off and a far jump to reload CS.
        lidt    [rm_idtr]
        mov     ax, SEL_DATA16
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     esp, 0xFFF0
        jmp     SEL_CODE16:R(pm16)

        bits    16
pm16:   mov     eax, cr0
        and     eax, ~CR0_PE
        mov     cr0, eax
        jmp     0xF000:R(rm_again)

rm_again:
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ax, RM_SS
        mov     ss, ax
        mov     sp, 0xFFF0
        call    print16
        db      "back in real mode", 10, 0
        mov     eax, cr0
        and     ax, CR0_PE
        CHECK16 "CR0.PE clear again", ax, 0
        mov     ax, cs
        CHECK16 "CS = F000", ax, 0xF000

        ; Segment arithmetic: 1001:0000 is linear 0x10010, written in protected mode.
        mov     ax, 0x1001
        mov     es, ax
        mov     ax, [es:0]
        CHECK16 "ES=1001: reads linear 0x10010", ax, 0xBABE

        ; A real-mode interrupt through the IVT at 0.
        mov     word [VEC_RM * 4], R(rm_handler)
        mov     word [VEC_RM * 4 + 2], 0xF000
        xor     bx, bx
        int     VEC_RM
        CHECK16 "INT through the IVT", bx, 0x5A5A
        jmp     finish16

rm_handler:
        mov     bx, 0x5A5A
        iret

rm_idtr:        dw 0x3FF
                dd 0

        ROM_END
