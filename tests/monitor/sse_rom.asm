; The guest for the SSE views of the monitor (`sse`) and of gdb (xmm0-7,
; mxcsr): a 4 KiB ROM for `--cpu pentium3 --rom`. It switches to flat 32-bit
; protected mode (so gdb's breakpoint addresses are EIPs), enables SSE
; (CR4.OSFXSR), loads a known pattern into XMM1 and a known MXCSR, passes
; `loaded` (the scripts stop there and may write XMM2 and MXCSR), stores XMM2
; at 0x600 and MXCSR at 0x610, passes `stored`, and exits with status 0
; through port 0x501.
;
; Fixed places (AT), for the scripts:
;   F000:F000  start (real mode)   000FF100  pm_entry (32-bit, flat)
;   000FF140   loaded              000FF180  stored

        cpu     p3
        org     0xFF000

%define R(x) ((x) - 0xF0000)

%macro AT 1
        times   (%1) - ($ - $$) db 0xF4
%endmacro

CR4_OSFXSR      equ 1 << 9
CR0_MP          equ 1 << 1
CR0_EM          equ 1 << 2

        bits    16
start:                                  ; F000:F000
        cli
        mov     bx, R(gdtr_value)
        o32 lgdt [cs:bx]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     dword 0x08:pm_entry

        bits    32
        AT      0x100
pm_entry:                               ; 000FF100
        mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     eax, cr0
        and     eax, ~CR0_EM
        or      eax, CR0_MP
        mov     cr0, eax
        mov     eax, cr4
        or      eax, CR4_OSFXSR
        mov     cr4, eax
        movups  xmm1, [pattern]
        ldmxcsr [mxcsr_value]
        xorps   xmm2, xmm2
        jmp     loaded

        AT      0x140
loaded:                                 ; 000FF140
        movups  [0x600], xmm2
        stmxcsr [0x610]
        jmp     stored

        AT      0x180
stored:                                 ; 000FF180
        mov     al, 0
        mov     dx, 0x501
        out     dx, al
        hlt

        AT      0x800
; Flat code and data, accessed bits already set: the CPU need not write the ROM.
gdt:    dq      0
        dd      0x0000FFFF, 0x00CF9B00  ; 08: 32-bit code, flat
        dd      0x0000FFFF, 0x00CF9300  ; 10: 32-bit data, flat
.end:
gdtr_value:
        dw      gdt.end - gdt - 1
        dd      gdt
pattern:        dd 0x33221100, 0x77665544, 0xBBAA9988, 0xFFEEDDCC
mxcsr_value:    dd 0x3F84               ; all masked, RC=down, ZE set

        AT      0xFF0
        bits    16
        jmp     0xF000:R(start)         ; the reset vector
        AT      0x1000
