; The guest the monitor tests debug: a 4 KiB ROM for `amber debug --cpu 486
; --rom`. It runs a little real-mode code (a call, a memory write), switches
; to protected mode with an LDT, a TSS and an IDT, turns paging on, and
; calls a leaf function, then two functions with EBP frames; the inner one writes memory through
; a remapped page, writes port 0xE9 and raises INT 0x30. Then it exits with
; status 0 through port 0x501.
;
; The scripts name addresses, so code sits at fixed places (AT):
;   F000:F000  start (real mode)          F000:F080  rm_func
;   000FF100   pm_entry (32-bit, flat)    000FF200   outer
;   000FF240   inner                      000FF2C0   int30 (the INT 0x30 handler)
;   000FF2E0   leaf
; Memory: GDT 0x1000, LDT 0x1400, TSS 0x1600, IDT 0x1800, page directory
; 0x2000, page tables 0x3000 (0-1 MiB identity) and 0x4000 (linear 0x400000
; -> physical 0x5000; the next page not present), stack below 0x7000.

        cpu     486
        org     0xFF000

%define R(x) ((x) - 0xF0000)    ; a ROM label as a real-mode offset in segment F000
%define INT30 (0xFF000 + (int30 - $$))  ; int30 as a number (nasm will not mask a label)

; Pads to a fixed offset in the ROM (nasm fails if the code before is too long).
%macro AT 1
        times   (%1) - ($ - $$) db 0xF4
%endmacro

GDT_BASE        equ 0x1000
IDT_BASE        equ 0x1800
LDT_BASE        equ 0x1400
TSS_BASE        equ 0x1600
PD_BASE         equ 0x2000
PT0_BASE        equ 0x3000
PT1_BASE        equ 0x4000
REMAPPED        equ 0x5000          ; physical page behind linear 0x400000
STACK_TOP       equ 0x7000

SEL_CODE32      equ 0x08
SEL_DATA32      equ 0x10
SEL_LDT         equ 0x28
SEL_TSS         equ 0x30

; ---------------------------------------------------------------------------
        bits    16
start:                                  ; F000:F000
        cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, STACK_TOP
        xor     bp, bp
        call    rm_func
        mov     word [0x600], 0x1234    ; a real-mode write
        push    cs                      ; copy the GDT into RAM, so the CPU can set accessed bits
        pop     ds
        mov     si, R(gdt_template)
        mov     di, GDT_BASE
        mov     cx, gdt_template.end - gdt_template
        rep movsb
        xor     ax, ax
        mov     ds, ax
        mov     bx, R(gdtr_value)       ; (a forward reference in the operand itself makes nasm warn)
        o32 lgdt [cs:bx]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax                ; protected mode
        jmp     dword SEL_CODE32:pm_entry

        AT      0x080
rm_func:                                ; F000:F080
        push    bp
        mov     bp, sp
        mov     ax, 0x1111
        pop     bp
        ret

; ---------------------------------------------------------------------------
        bits    32
        AT      0x100
pm_entry:                               ; 0008:000FF100
        mov     ax, SEL_DATA32
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     esp, STACK_TOP
        ; LDT entry 0 (selector 0004): 32-bit data at REMAPPED, 4 KiB
        mov     dword [LDT_BASE], (REMAPPED << 16) | 0x0FFF
        mov     dword [LDT_BASE + 4], 0x00409200
        mov     ax, SEL_LDT
        lldt    ax
        mov     ax, SEL_TSS             ; the TSS stays zero: nothing switches to it
        ltr     ax
        ; IDT: only vector 0x30, an interrupt gate to int30
        mov     dword [IDT_BASE + 0x30 * 8], (SEL_CODE32 << 16) | (INT30 & 0xFFFF)
        mov     dword [IDT_BASE + 0x30 * 8 + 4], (INT30 & 0xFFFF0000) | 0x8E00
        lidt    [idtr_value]
        ; paging: 0-1 MiB identity, linear 0x400000 -> REMAPPED
        mov     dword [PD_BASE], PT0_BASE | 3
        mov     dword [PD_BASE + 4], PT1_BASE | 3
        mov     edi, PT0_BASE
        mov     eax, 3
        mov     ecx, 256
.map:   stosd
        add     eax, 0x1000
        loop    .map
        mov     dword [PT1_BASE], REMAPPED | 3
        mov     eax, PD_BASE
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax                ; paging on
        call    leaf
        call    outer
        mov     al, 0                   ; exit status 0
        mov     dx, 0x501
        out     dx, al
        hlt

        AT      0x200
outer:                                  ; 000FF200
        push    ebp
        mov     ebp, esp
        call    inner
        pop     ebp
        ret

        AT      0x240
inner:                                  ; 000FF240
        push    ebp
        mov     ebp, esp
        mov     dword [0x400010], 0xCAFEBABE    ; physical 0x5010
        mov     al, 'A'
        out     0xE9, al
        int     0x30
        pop     ebp
        ret

        AT      0x2C0
int30:                                  ; 000FF2C0
        iretd

        AT      0x2E0
leaf:                                   ; 000FF2E0
        mov     eax, 0x2222
        ret

; ---------------------------------------------------------------------------
        AT      0x800
gdt_template:                           ; copied to GDT_BASE
        dq      0
        dd      0x0000FFFF, 0x00CF9A00  ; 08: 32-bit code, flat
        dd      0x0000FFFF, 0x00CF9200  ; 10: 32-bit data, flat
        dd      0x0000FFFF, 0x00009A0F  ; 18: 16-bit code at F0000
        dd      0x0000FFFF, 0x00009200  ; 20: 16-bit data at 0
        dd      (LDT_BASE << 16) | 7, 0x00008200        ; 28: LDT, one entry
        dd      (TSS_BASE << 16) | 0x67, 0x00008900     ; 30: 386 TSS
.end:
gdtr_value:
        dw      gdt_template.end - gdt_template - 1
        dd      GDT_BASE
idtr_value:
        dw      256 * 8 - 1
        dd      IDT_BASE

        AT      0xFF0
        bits    16
        jmp     0xF000:R(start)         ; the reset vector
        AT      0x1000
