; fpu_mandel.asm -- an x87 benchmark: the Mandelbrot set in 32-bit protected
; mode, for guest MFLOPS next to guest MIPS (bench/run-fpu.sh).
;
; Each frame computes an 80x60 grid over [-2, 0.5] x [-1.25, 1.25] with at
; most MAXIT iterations per point, entirely on the x87 register stack at the
; default 64-bit precision. Frame f shifts the grid right by f/64 of a
; pixel, so no two frames are the same. The iteration count of every point
; and its last z (scaled and rounded to an integer by FISTP) are folded
; into a 32-bit checksum: the result depends on every rounding, so any
; emulator that computes the x87 operations exactly gets the same value.
;
; FLOPs are counted by construction. The inner loop (below, at .iterate) is
;   8 operations per completed iteration: FMUL x3, FADD/FSUB x5,
;   3 for the iteration in which the point escapes (two FMUL, one FADD: the
;     magnitude test comes before the update),
; and the program adds these up in a 64-bit counter as it goes, so the count
; is exact. The compare (FCOMP) and the loads/exchanges are not counted, nor
; is the per-point set-up (a handful of operations per MAXIT iterations).
; The program prints, on the debug port (0xE9):
;   amber-bench checksum: XXXXXXXX
;   amber-bench flops: XXXXXXXXXXXXXXXX
;
; Set-up, in the style of pm_mix.asm: a GDT with flat ring-0 segments and an
; empty IDT (any exception, #MF included, ends in a triple fault, a clean
; stop), CR0.PE, then 32-bit ring-0 code with paging off. CR0: EM and TS
; clear, MP and NE set; FNINIT. Interrupts stay disabled.
;
; Assemble with exactly one of:
;   -DROM    64 KiB ROM image for Amber's bare machine (a 486 or later:
;            `amber run --cpu p6 --rom ...`); ends by writing 0 to port 0x501.
;   -DBOOT   floppy boot sector plus payload for a PC BIOS (Bochs); ends by
;            writing "Shutdown" to port 0x8900.
; and optionally:
;   -DITERS=n    frames (default 40)
;   -DMAXIT=n    iteration limit per point (default 256)

        cpu     486

%ifdef ROM
  %ifdef BOOT
    %error "define only one of ROM and BOOT"
  %endif
%elifndef BOOT
  %error "define ROM or BOOT"
%endif

%ifndef ITERS
  %define ITERS 40
%endif
%ifndef MAXIT
  %define MAXIT 256
%endif
%if ITERS < 0 || ITERS > 0x7FFFFFFF
  %error "ITERS must be in 0..2^31-1"
%endif

WIDTH       equ 80
HEIGHT      equ 60

STACK_TOP   equ 0x40000
DATA        equ 0x20000
csum        equ DATA+0x00       ; checksum (dword)
flops       equ DATA+0x08       ; FLOPs counted (qword)
frame       equ DATA+0x10       ; current frame (dword)
px          equ DATA+0x14       ; column (dword)
py          equ DATA+0x18       ; row (dword)
tmp         equ DATA+0x1C       ; FISTP target (dword)
x0          equ DATA+0x20       ; this frame's left edge (qword real)

KERNEL_CS   equ 0x08
KERNEL_DS   equ 0x10

DEBUG_PORT  equ 0xE9
EXIT_PORT   equ 0x501
BOCHS_SHUTDOWN equ 0x8900

; ===========================================================================
%ifdef BOOT
        bits    16
        org     0x7C00
CODE_SEG    equ 0
%define REAL(label) ((label) - $$ + 0x7C00)

boot:
        jmp     0:.cs_zero              ; normalise CS:IP to 0000:7Cxx
.cs_zero:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, 0x7C00
        sti
        mov     [boot_drive], dl
        mov     si, 3                   ; attempts
.read:
        mov     ax, 0x0200 + PAYLOAD_SECTORS  ; the rest of the program to 0:7E00
        mov     bx, payload
        mov     cx, 0x0002              ; cylinder 0, sector 2
        xor     dh, dh                  ; head 0
        mov     dl, [boot_drive]
        int     0x13
        jnc     start
        xor     ax, ax                  ; reset the drive and retry
        mov     dl, [boot_drive]
        int     0x13
        dec     si
        jnz     .read
        mov     si, msg_shutdown        ; give up: power off (no checksum printed)
        mov     dx, BOCHS_SHUTDOWN
.off_loop:
        lodsb
        test    al, al
        jz      .halt
        out     dx, al
        jmp     .off_loop
.halt:
        hlt

boot_drive:     db 0

        times   510-($-$$) db 0
        dw      0xAA55

payload:                                ; = 0x7E00
%else
        bits    16
        org     0xF0000
CODE_SEG    equ 0xF000
%define REAL(label) ((label) - $$)
%endif
image_start:

gdt:                                    ; flat 4 GiB, Accessed bits preset (ROM)
        dq      0
        dw      0xFFFF, 0               ; 0x08: ring-0 code, 32-bit, execute/read
        db      0, 0x9B, 0xCF, 0
        dw      0xFFFF, 0               ; 0x10: ring-0 data, read/write
        db      0, 0x93, 0xCF, 0
gdt_end:

gdt_descriptor:
        dw      gdt_end - gdt - 1
        dd      gdt
idt_descriptor:                         ; no vectors: an exception shuts down
        dw      0
        dd      0

start:
        cli
        lgdt    [cs:REAL(gdt_descriptor)]
        lidt    [cs:REAL(idt_descriptor)]
        mov     eax, cr0
        or      al, 1                   ; PE
        mov     cr0, eax
        jmp     dword KERNEL_CS:pm_entry

; ===========================================================================
        bits    32
pm_entry:
        mov     ax, KERNEL_DS
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, STACK_TOP
        cld
        mov     eax, cr0
        and     eax, ~0x0C              ; EM, TS: the FPU is ours
        or      eax, 0x22               ; MP, NE: errors as #MF
        mov     cr0, eax
        fninit

        mov     dword [csum], 0x91C52A6B  ; arbitrary non-zero start value
        mov     dword [flops], 0
        mov     dword [flops+4], 0
        mov     dword [frame], 0
        cmp     dword [frame], ITERS
        jae     finish

frame_loop:
        ; x0 = -2 + frame * step_x / 64
        fild    dword [frame]
        fmul    qword [step_x64]
        fadd    qword [left]
        fstp    qword [x0]
        mov     dword [py], 0
row_loop:
        mov     dword [px], 0
point_loop:
        ; The stack for the inner loop: zr zi cx cy 4.0
        fld     dword [four]            ; 4
        fild    dword [py]
        fmul    qword [step_y]
        fadd    qword [top]             ; cy 4
        fild    dword [px]
        fmul    qword [step_x]
        fadd    qword [x0]              ; cx cy 4
        fldz                            ; zi cx cy 4
        fldz                            ; zr zi cx cy 4
        mov     ecx, MAXIT

        ; One iteration: |z|^2 > 4 escapes; else z = z^2 + c.
.iterate:
        fld     st0                     ; zr zr zi cx cy 4
        fmul    st0, st0                ; zr2 zr zi ..              FMUL 1
        fld     st2                     ; zi zr2 zr zi ..
        fmul    st0, st0                ; zi2 zr2 zr zi ..          FMUL 2
        fld     st1                     ; zr2 zi2 zr2 zr zi cx cy 4 (all eight)
        fadd    st0, st1                ; mag zi2 zr2 ..            FADD 1
        fcomp   st7                     ; mag against 4, pop
        fnstsw  ax
        sahf
        ja      .escaped                ; 3 FLOPs in this iteration
        fsubp   st1, st0                ; zr2-zi2 zr zi cx cy 4     FSUB 2
        fadd    st0, st3                ; zr' zr zi cx cy 4         FADD 3
        fxch    st1                     ; zr zr' zi cx cy 4
        fmulp   st2, st0                ; zr' zr*zi cx cy 4         FMUL 3
        fxch    st1                     ; zr*zi zr' cx cy 4
        fadd    st0, st0                ; 2 zr zi                   FADD 4
        fadd    st0, st3                ; zi' zr' cx cy 4           FADD 5
        fxch    st1                     ; zr' zi' cx cy 4
        dec     ecx
        jnz     .iterate
        ; In the set: fold zr * 2^20 (|zr| <= 2).
        mov     edx, MAXIT              ; completed iterations
        xor     ebx, ebx                ; no partial one
        jmp     .fold
.escaped:
        ; zi2 zr2 zr zi cx cy 4: fold zr2 * 2^20 (zr2 < 16, as |z| <= 2 before).
        fstp    st0                     ; zr2 zr zi cx cy 4
        fstp    st1                     ; zr2 zi cx cy 4
        mov     edx, MAXIT
        sub     edx, ecx                ; completed iterations
        mov     ebx, 3                  ; the escaping iteration's FLOPs
.fold:
        fmul    dword [scale]
        fistp   dword [tmp]             ; zi cx cy 4
        fcompp
        fcompp                          ; the stack is empty again
        ; flops += 8 * completed + partial
        lea     eax, [edx*8+ebx]
        add     [flops], eax
        adc     dword [flops+4], 0
        ; checksum: the iteration count, then the rounded value
        mov     eax, edx
        call    mix
        mov     eax, [tmp]
        call    mix

        inc     dword [px]
        cmp     dword [px], WIDTH
        jb      point_loop
        inc     dword [py]
        cmp     dword [py], HEIGHT
        jb      row_loop
        inc     dword [frame]
        cmp     dword [frame], ITERS
        jb      frame_loop

finish:
        mov     esi, msg_checksum
        call    print_str
        mov     eax, [csum]
        call    print_hex32
        mov     al, 10
        out     dx, al
        mov     esi, msg_flops
        call    print_str
        mov     eax, [flops+4]
        call    print_hex32
        mov     eax, [flops]
        call    print_hex32
        mov     al, 10
        out     dx, al

%ifdef ROM
        mov     dx, EXIT_PORT           ; amber: exit with status 0
        xor     al, al
        out     dx, al
%else
        mov     esi, msg_shutdown       ; bochs: power off
        mov     dx, BOCHS_SHUTDOWN
.off:
        lodsb
        test    al, al
        jz      .halt
        out     dx, al
        jmp     .off
%endif
.halt:
        hlt
        jmp     .halt

; Folds EAX into the checksum: csum = rotl32(csum, 5) + EAX + 0x9E370000.
mix:
        mov     edx, [csum]
        rol     edx, 5
        add     edx, eax
        add     edx, 0x9E370000
        mov     [csum], edx
        ret

; Writes the NUL-terminated string at ESI to the debug port.
print_str:
        mov     dx, DEBUG_PORT
.loop:
        lodsb
        test    al, al
        jz      .done
        out     dx, al
        jmp     .loop
.done:
        ret

; Writes EAX as eight upper-case hex digits to the debug port.
print_hex32:
        mov     dx, DEBUG_PORT
        mov     ecx, 8
.digit:
        rol     eax, 4
        push    eax
        and     al, 0x0F
        add     al, '0'
        cmp     al, '9'
        jbe     .out
        add     al, 'A' - '0' - 10
.out:
        out     dx, al
        pop     eax
        loop    .digit
        ret

        align   8
left:   dq      -2.0
top:    dq      -1.25
step_x: dq      0.03125                 ; 2.5 / 80
step_y: dq      0.041666666666666664    ; 2.5 / 60, rounded
step_x64: dq    0.00048828125           ; step_x / 64
four:   dd      4.0
scale:  dd      1048576.0               ; 2^20

msg_checksum:   db "amber-bench checksum: ", 0
msg_flops:      db "amber-bench flops: ", 0
msg_shutdown:   db "Shutdown", 0

; ===========================================================================
%ifdef BOOT
payload_end:
PAYLOAD_SECTORS equ (payload_end - payload + 511) / 512
        times   -(PAYLOAD_SECTORS > 17) db 0    ; error: payload exceeds track 0
        times   (512 - ($-$$) % 512) % 512 db 0
image_end:
%else
        times   0xFFF0-($-$$) db 0xFF
        bits    16
reset_vector:
        jmp     CODE_SEG:REAL(start)
        times   0x10000-($-$$) db 0xFF
image_end:
%endif
