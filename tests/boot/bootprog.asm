; A boot program that SeaBIOS starts from a floppy (FLOPPY), a hard disk
; with an MBR (HARDDISK) or an El Torito CD (CDROM). It checks the BIOS
; services and the chipset, prints on the screen (INT 10h) and the debug
; console (port 0xE9), and ends the run through the exit port 0x501:
; 0 when every check passed, else the number of the first failed check
; (its text goes to both consoles after "FAIL").
;
; Build: nasm -f bin -DFLOPPY|-DHARDDISK|-DCDROM [-DMEM_MB=n] bootprog.asm
; The test drives it with: wait debugcon "KEYS\?" / send keys "amber\n".
bits 16
cpu 686

PROG_SECTORS equ 16                 ; the whole program, boot sector included
%ifndef MEM_MB
MEM_MB equ 32
%endif
BUF        equ 0x9000               ; scratch sector buffer (2 KiB)
WRITE_LBA  equ 100                  ; hard disk: the sector the program writes
DMA_PHYS   equ 0x20000              ; floppy DMA target (no 64 KiB crossing)
PIT_1KHZ   equ 1193                 ; divisor for ~1000.15 Hz
RTC_SECONDS equ 1                   ; RTC seconds (update interrupts) the PIT is timed over

%ifdef CDROM
%include "iso9660.inc"
%else
    org 0x7C00
%endif

; ---------------------------------------------------------------- sector 0
entry:
    jmp 0:start                     ; a CD loads us at 07C0:0000
start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7C00
    sti
    cld
    push dx                         ; boot_drive lives in the part still to load
%ifndef CDROM
    ; The rest of the program: CHS read, cylinder 0 head 0 from sector 2.
    mov ax, 0x0200 + PROG_SECTORS - 1
    mov cx, 0x0002
    xor dh, dh
    mov bx, 0x7E00
    int 0x13
    jc load_failed
%endif
    pop dx
    mov [boot_drive], dl
    cmp dword [signature], 0x21524241   ; "ABR!" at the very end
    jne load_failed
    jmp main
load_failed:
    mov si, msg_load
.l: lodsb
    test al, al
    jz .x
    out 0xE9, al
    jmp .l
.x: mov dx, 0x501
    mov al, 2
    out dx, al
    hlt
    jmp .x
msg_load: db "FAIL: loading the program with INT 13h AH=02", 13, 10, 0

%ifdef HARDDISK
    times 446 - ($ - $$) db 0
    ; one active partition from LBA 1 to the end (CHS fields unused here)
    db 0x80, 0, 2, 0, 0xDA, 0, 0, 0
    dd 1, 4095
    times 48 db 0
%endif
    times 510 - ($ - $$) db 0
    dw 0xAA55

; ---------------------------------------------------------------- helpers
; EXPECT cc, code, "text": fail with code and text unless condition cc holds.
%macro EXPECT 3
    j%+1 %%ok
    mov al, %2
    mov si, %%msg
    jmp fail
%%msg: db %3, 0
%%ok:
%endmacro

print:                              ; SI: zero-terminated text to both consoles
    pusha
.l: lodsb
    test al, al
    jz .d
    out 0xE9, al
    mov ah, 0x0E
    mov bx, 0x0007
    int 0x10
    jmp .l
.d: popa
    ret

fail:
    mov [fail_code], al
    push si
    mov si, msg_fail
    call print
    pop si
    call print
    mov si, crlf
    call print
    mov dx, 0x501
    mov al, [fail_code]
    out dx, al
.h: hlt
    jmp .h

; set_vector: AX vector number, BX handler; old one saved at [DI]
set_vector:
    cli
    push si
    mov si, ax
    shl si, 2
    mov eax, [si]
    mov [di], eax
    mov [si], bx
    mov word [si + 2], 0
    pop si
    sti
    ret
restore_vector:                     ; AX vector number, [DI] the old one
    cli
    push si
    mov si, ax
    shl si, 2
    mov eax, [di]
    mov [si], eax
    pop si
    sti
    ret

cmos_read:                          ; AL register -> AL value
    out 0x70, al
    in al, 0x71
    ret
cmos_write:                         ; AL register, AH value
    out 0x70, al
    mov al, ah
    out 0x71, al
    ret

pit_rate:                           ; AX divisor for channel 0 (mode 2)
    push ax
    cli
    mov al, 0x34
    out 0x43, al
    pop ax
    out 0x40, al
    mov al, ah
    out 0x40, al
    sti
    ret

; Interrupt handlers: count, log the order, acknowledge.
irq0_handler:
    push ax
    inc dword [cs:irq0_count]
    mov al, 0
    call log_irq
    mov al, 0x20
    out 0x20, al
    pop ax
    iret
irq8_handler:
    push ax
    mov al, 0x0C
    out 0x70, al
    in al, 0x71                     ; reading C acknowledges the RTC
    test al, 0x10
    jz .no_uf
    inc word [cs:uf_count]
.no_uf:
    test al, 0x40
    jz .no_pf
    mov al, 8
    call log_irq
.no_pf:
    mov al, 0x20
    out 0xA0, al
    out 0x20, al
    pop ax
    iret
irq6_handler:
    push ax
    mov byte [cs:fdc_irq], 1
    mov al, 0x20
    out 0x20, al
    pop ax
    iret
log_irq:                            ; AL irq number, appended while room
    push bx
    movzx bx, byte [cs:order_len]
    cmp bx, 8
    jae .full
    mov [cs:order + bx], al
    inc byte [cs:order_len]
.full:
    pop bx
    ret

; ---------------------------------------------------------------- checks
main:
    mov si, msg_banner
    call print
    call check_drive_params
    call check_disk_io
    call check_e820
    call check_a20
    call check_time
    call check_pit_rtc
    call check_pic
%ifdef FLOPPY
    call check_fdc_dma
%endif
    call check_keys
    mov si, msg_pass
    call print
    mov dx, 0x501
    xor al, al
    out dx, al
.h: hlt
    jmp .h

; ---- INT 13h AH=08: the drive's geometry
check_drive_params:
%ifdef CDROM
    ret
%else
    push es
    mov ah, 0x08
    mov dl, [boot_drive]
    xor di, di
    int 0x13
    pop es
    EXPECT nc, 10, "INT 13h AH=08 failed"
    %ifdef FLOPPY
    cmp bl, 4
    EXPECT e, 11, "INT 13h AH=08: drive type is not 1.44 MB"
    cmp ch, 79
    EXPECT e, 12, "INT 13h AH=08: last cylinder is not 79"
    cmp cl, 18
    EXPECT e, 13, "INT 13h AH=08: not 18 sectors per track"
    cmp dh, 1
    EXPECT e, 14, "INT 13h AH=08: last head is not 1"
    %else
    cmp dl, 1
    EXPECT ae, 11, "INT 13h AH=08: no hard disk counted"
    ; (cylinders * heads * sectors) within the 4096-sector image, at least half of it
    movzx eax, cl
    and al, 0x3F
    EXPECT nz, 12, "INT 13h AH=08: zero sectors per track"
    movzx ebx, dh
    inc ebx
    imul eax, ebx
    movzx ebx, ch
    movzx edx, cl
    shr dl, 6
    shl edx, 8
    or ebx, edx
    inc ebx
    imul eax, ebx
    cmp eax, 4096
    EXPECT be, 13, "INT 13h AH=08: geometry larger than the disk"
    cmp eax, 2048
    EXPECT ae, 14, "INT 13h AH=08: geometry under half the disk"
    %endif
    ret
%endif

; ---- INT 13h extensions: read (all), write + read back (hard disk)
check_disk_io:
%ifdef FLOPPY
    ret
%else
    mov ah, 0x41
    mov bx, 0x55AA
    mov dl, [boot_drive]
    int 0x13
    EXPECT nc, 20, "INT 13h AH=41: no extensions"
    cmp bx, 0xAA55
    EXPECT e, 21, "INT 13h AH=41: BX is not AA55"
    test cl, 1
    EXPECT nz, 22, "INT 13h AH=41: no packet access"
    %ifdef CDROM
    mov cx, 1
    mov eax, 16
    call dap_read_ah
    EXPECT nc, 23, "INT 13h AH=42 of the CD's sector 16 failed"
    cmp dword [BUF + 1], 'CD00'
    EXPECT e, 24, "CD sector 16 is not the volume descriptor"
    mov cx, 1
    mov eax, ISO_BOOT
    call dap_read_ah
    EXPECT nc, 25, "INT 13h AH=42 of the boot image failed"
    mov si, 0x7C00
    mov di, BUF
    mov cx, 1024
    repe cmpsw
    EXPECT e, 26, "the boot image read back differs from what was loaded"
    ret
    %else
    ; AH=42 of LBA 1..2 gives what AH=02 loaded at 0x7E00
    mov cx, 2
    mov eax, 1
    call dap_read_ah
    EXPECT nc, 23, "INT 13h AH=42 failed"
    mov si, 0x7E00
    mov di, BUF
    mov cx, 512
    repe cmpsw
    EXPECT e, 24, "INT 13h AH=42 data differs from AH=02's"
    ; AH=43 writes a pattern, AH=42 reads it back
    mov di, BUF
    mov bx, 32
.fill:
    mov si, write_pattern
    mov cx, 16
    rep movsb
    dec bx
    jnz .fill
    mov cx, 1
    mov eax, WRITE_LBA
    mov byte [dap_fn], 0x43
    call dap_read_ah
    EXPECT nc, 25, "INT 13h AH=43 failed"
    mov di, BUF
    mov cx, 256
    xor ax, ax
    rep stosw
    mov cx, 1
    mov eax, WRITE_LBA
    call dap_read_ah
    EXPECT nc, 26, "INT 13h AH=42 of the written sector failed"
    mov di, BUF
    mov bx, 32
.cmp:
    mov si, write_pattern
    mov cx, 16
    repe cmpsb
    EXPECT e, 27, "the written sector reads back different"
    dec bx
    jnz .cmp
    ret
    %endif
%endif
dap_read_ah:                        ; AH from [dap_fn] (0x42 unless set), reset after
    push eax
    mov al, [dap_fn]
    mov [dap_cur_fn], al
    pop eax
    mov byte [dap_fn], 0x42
    call dap_read_setup
    mov ah, [dap_cur_fn]
    mov al, 0                       ; AH=43: no verify
    int 0x13
    ret
dap_read_setup:
    mov byte [dap], 16
    mov byte [dap + 1], 0
    mov [dap + 2], cx
    mov word [dap + 4], BUF
    mov word [dap + 6], 0
    mov [dap + 8], eax
    mov dword [dap + 12], 0
    mov si, dap
    mov dl, [boot_drive]
    ret

; ---- INT 15h E820: RAM up to MEM_MB, the BIOS area reserved
check_e820:
    xor ebx, ebx
    mov dword [ram_end], 0
    mov byte [e820_flags], 0
.next:
    mov eax, 0xE820
    mov edx, 0x534D4150
    mov ecx, 20
    mov di, e820_entry
    int 0x15
    EXPECT nc, 30, "INT 15h E820 failed"
    cmp eax, 0x534D4150
    EXPECT e, 31, "INT 15h E820: EAX is not SMAP"
    cmp dword [e820_entry + 4], 0   ; above 4 GiB: not ours to judge
    jne .done_entry
    mov esi, [e820_entry]           ; base
    mov edi, esi
    add edi, [e820_entry + 8]       ; end
    mov eax, [e820_entry + 16]      ; type
    cmp eax, 1
    jne .not_ram
    test esi, esi
    jnz .not_low
    cmp edi, 0x9F000
    jb .not_low
    or byte [e820_flags], 1         ; conventional RAM from 0
.not_low:
    cmp esi, 0x100000
    jne .not_ram
    or byte [e820_flags], 2         ; extended RAM from 1 MiB
.not_ram:
    cmp eax, 2
    jne .not_reserved
    cmp esi, 0xF0000
    ja .not_reserved
    cmp edi, 0xF0000
    jbe .not_reserved
    or byte [e820_flags], 4         ; the BIOS at F0000 reserved
.not_reserved:
    ; RAM (or the BIOS's reservations at its top) between 1 MiB and the PCI hole
    cmp esi, 0x100000
    jb .done_entry
    cmp esi, 0xE0000000
    jae .done_entry
    cmp eax, 2
    ja .done_entry
    cmp edi, [ram_end]
    jbe .done_entry
    mov [ram_end], edi
.done_entry:
    test ebx, ebx
    jnz .next
    test byte [e820_flags], 1
    EXPECT nz, 32, "INT 15h E820: no usable RAM from 0"
    test byte [e820_flags], 2
    EXPECT nz, 33, "INT 15h E820: no usable RAM from 1 MiB"
    test byte [e820_flags], 4
    EXPECT nz, 34, "INT 15h E820: F0000 is not reserved"
    cmp dword [ram_end], MEM_MB << 20
    EXPECT e, 35, "INT 15h E820: RAM does not end where -m says"
    mov si, msg_e820
    call print
    ret

; ---- INT 15h AX=240x: the A20 gate
a20_wraps:                          ; CF set when FFFF:0610 is 0000:0600
    push fs
    mov ax, 0xFFFF
    mov fs, ax
    mov word [0x600], 0x1234
    mov word [fs:0x610], 0x5678
    cmp word [0x600], 0x5678
    pop fs
    je .wraps
    clc
    ret
.wraps:
    stc
    ret
check_a20:
    mov ax, 0x2403
    int 0x15
    EXPECT nc, 40, "INT 15h AX=2403 not supported"
    mov ax, 0x2401
    int 0x15
    EXPECT nc, 41, "INT 15h AX=2401 failed"
    call a20_wraps
    EXPECT nc, 42, "A20 enabled but memory wraps at 1 MiB"
    mov ax, 0x2402
    int 0x15
    EXPECT nc, 43, "INT 15h AX=2402 failed"
    cmp al, 1
    EXPECT e, 44, "INT 15h AX=2402: disabled after AX=2401"
    mov ax, 0x2400
    int 0x15
    EXPECT nc, 45, "INT 15h AX=2400 failed"
    call a20_wraps
    EXPECT c, 46, "A20 disabled but memory does not wrap at 1 MiB"
    mov ax, 0x2402
    int 0x15
    cmp al, 0
    EXPECT e, 47, "INT 15h AX=2402: enabled after AX=2400"
    mov ax, 0x2401
    int 0x15
    call a20_wraps
    EXPECT nc, 48, "A20 enabled again but memory wraps"
    ret

; ---- INT 1Ah: the RTC started at 2026-03-04 05:06:07 (--rtc-base)
check_time:
    mov ah, 0x04
    int 0x1A
    EXPECT nc, 50, "INT 1Ah AH=04 failed"
    cmp cx, 0x2026
    EXPECT e, 51, "INT 1Ah AH=04: century/year is not 2026"
    cmp dx, 0x0304
    EXPECT e, 52, "INT 1Ah AH=04: month/day is not 03-04"
    mov ah, 0x02
    int 0x1A
    EXPECT nc, 53, "INT 1Ah AH=02 failed"
    cmp cx, 0x0506
    EXPECT e, 54, "INT 1Ah AH=02: time is not 05:06"
    cmp dh, 0x07
    EXPECT ae, 55, "INT 1Ah AH=02: seconds before the start"
    cmp dh, 0x30
    EXPECT b, 56, "INT 1Ah AH=02: seconds too far on"
    ret

; ---- PIT channel 0 at ~1000.15 Hz against the RTC's update-ended interrupts
wait_uf:                            ; until uf_count >= AX, at most 2500 IRQ0s
    mov ebx, [irq0_count]
    add ebx, 2500
.w: cmp [uf_count], ax
    jae .ok
    cmp [irq0_count], ebx
    jb .w
    stc
    ret
.ok:
    clc
    ret
check_pit_rtc:
    in al, 0x21
    mov [old_mask_master], al
    in al, 0xA1
    mov [old_mask_slave], al
    mov ax, 0x08
    mov bx, irq0_handler
    mov di, old_irq0
    call set_vector
    mov ax, 0x70
    mov bx, irq8_handler
    mov di, old_irq8
    call set_vector
    mov ax, PIT_1KHZ
    call pit_rate
    cli
    mov al, 0x0B
    call cmos_read
    and al, 0x8F                    ; no PIE/AIE
    or al, 0x10                     ; UIE
    mov ah, al
    mov al, 0x0B
    call cmos_write
    mov al, 0x0C
    call cmos_read
    in al, 0xA1
    and al, 0xFE                    ; IRQ8
    out 0xA1, al
    in al, 0x21
    and al, 0xFA                    ; IRQ0, cascade
    out 0x21, al
    mov word [uf_count], 0
    sti
    mov ax, 1
    call wait_uf
    EXPECT nc, 60, "no RTC update-ended interrupt within 2.5 s of PIT time"
    mov eax, [irq0_count]
    mov [irq0_start], eax
    mov ax, 2
.more:
    push ax
    call wait_uf
    pop ax
    EXPECT nc, 61, "an RTC update interrupt missing for 2.5 s of PIT time"
    inc ax
    cmp ax, 1 + RTC_SECONDS
    jbe .more
    mov eax, [irq0_count]
    sub eax, [irq0_start]
    mov [irq0_delta], eax
    cmp eax, 1000 * RTC_SECONDS - 5
    EXPECT ae, 62, "PIT: too few IRQ0s between RTC updates (1000.15 Hz expected)"
    cmp eax, 1000 * RTC_SECONDS + 5
    EXPECT be, 63, "PIT: too many IRQ0s between RTC updates (1000.15 Hz expected)"
    cli
    mov al, 0x0B
    call cmos_read
    and al, 0x8F
    mov ah, al
    mov al, 0x0B
    call cmos_write
    sti
    mov si, msg_pit
    call print
    ret

; ---- the PIC: a masked IRQ stays pending in IRR, priorities and their rotation
wait_pit_periods:                   ; CX periods of channel 0, polling its count
    push ax
    push bx
    mov bx, 0xFFFF
.w: mov al, 0x00                    ; latch channel 0
    out 0x43, al
    in al, 0x40
    mov ah, al
    in al, 0x40
    xchg al, ah
    cmp ax, bx                      ; reloaded: count went up
    mov bx, ax
    jbe .w
    loop .w
    pop bx
    pop ax
    ret
irr_master:
    mov al, 0x0A
    out 0x20, al
    in al, 0x20
    ret
; both IRQ0 and IRQ8 pending with interrupts off, then see who comes first
race_irq0_irq8:
    cli
    mov al, 0x0C
    call cmos_read                  ; drop a stale periodic flag
    mov ecx, 2000000
.w: call irr_master
    and al, 0x05
    cmp al, 0x05
    je .both
    dec ecx
    jnz .w
    sti
    stc
    ret
.both:
    mov byte [order_len], 0
    sti
    mov ecx, 2000000
.w2:
    cmp byte [order_len], 2
    jae .done
    dec ecx
    jnz .w2
    stc
    ret
.done:
    clc
    ret
check_pic:
    ; masking: IRQ0 masked for 10 PIT periods is held in IRR, delivered once unmasked
    cli
    in al, 0x21
    or al, 0x01
    out 0x21, al
    sti
    mov eax, [irq0_count]
    mov [irq0_start], eax
    mov cx, 10
    call wait_pit_periods
    mov eax, [irq0_count]
    cmp eax, [irq0_start]
    EXPECT e, 70, "PIC: a masked IRQ0 was delivered"
    call irr_master
    test al, 0x01
    EXPECT nz, 71, "PIC: a masked IRQ0 is not pending in IRR"
    in al, 0x21
    and al, 0xFE
    out 0x21, al
    nop
    nop
    mov eax, [irq0_count]
    sub eax, [irq0_start]
    cmp eax, 1
    EXPECT e, 72, "PIC: unmasking IRQ0 did not deliver the held request exactly once"
    ; priorities: RTC periodic interrupt at 1024 Hz as IRQ8 (via IRQ2)
    cli
    mov al, 0x0A
    call cmos_read
    and al, 0xF0
    or al, 0x06
    mov ah, al
    mov al, 0x0A
    call cmos_write
    mov al, 0x0B
    call cmos_read
    or al, 0x40
    mov ah, al
    mov al, 0x0B
    call cmos_write
    sti
    call race_irq0_irq8
    EXPECT nc, 73, "PIC: IRQ0 and IRQ8 not both pending/delivered"
    cmp word [order], 0x0800        ; IRQ0 then IRQ8
    EXPECT e, 74, "PIC: IRQ8 served before IRQ0 with the default priorities"
    mov al, 0xC1                    ; OCW2 set priority: IRQ1 lowest, IRQ2 highest
    out 0x20, al
    call race_irq0_irq8
    pushf
    mov al, 0xC7                    ; back to IRQ0 highest
    out 0x20, al
    popf
    EXPECT nc, 75, "PIC: IRQ0 and IRQ8 not both pending/delivered (rotated)"
    cmp word [order], 0x0008        ; IRQ8 (on IRQ2) then IRQ0
    EXPECT e, 76, "PIC: IRQ0 served first though IRQ2 had the highest priority"
    ; back to the BIOS's setup
    cli
    mov al, 0x0B
    call cmos_read
    and al, 0x8F
    mov ah, al
    mov al, 0x0B
    call cmos_write
    mov al, 0x0C
    call cmos_read
    mov al, [old_mask_slave]
    out 0xA1, al
    mov al, [old_mask_master]
    out 0x21, al
    sti
    xor ax, ax                      ; 65536: 18.2 Hz
    call pit_rate
    mov ax, 0x08
    mov di, old_irq0
    call restore_vector
    mov ax, 0x70
    mov di, old_irq8
    call restore_vector
    mov si, msg_pic
    call print
    ret

; ---- the floppy controller reads sector 2 by DMA channel 2
%ifdef FLOPPY
fdc_out:                            ; AL byte to the FIFO
    push ax
    mov dx, 0x3F4
    mov cx, 0xFFFF
.w: in al, dx
    and al, 0xC0
    cmp al, 0x80
    je .go
    loop .w
    pop ax
    stc
    ret
.go:
    pop ax
    inc dx
    out dx, al
    clc
    ret
fdc_in:                             ; AL byte from the FIFO
    mov dx, 0x3F4
    mov cx, 0xFFFF
.w: in al, dx
    and al, 0xC0
    cmp al, 0xC0
    je .go
    loop .w
    stc
    ret
.go:
    inc dx
    in al, dx
    clc
    ret
%macro FDC 1
    mov al, %1
    call fdc_out
    EXPECT nc, 80, "FDC: not ready for a command byte"
%endmacro
wait_fdc_irq:                       ; at most ~2 s of 18.2 Hz BIOS ticks
    mov ebx, [0x46C]
    add ebx, 36
.w: cmp byte [fdc_irq], 0
    jne .ok
    cmp [0x46C], ebx
    jb .w
    stc
    ret
.ok:
    clc
    ret
check_fdc_dma:
    mov ax, 0x0E
    mov bx, irq6_handler
    mov di, old_irq6
    call set_vector
    in al, 0x21
    and al, 0xBF
    out 0x21, al
    ; DMA channel 2: single mode, increment, write to memory, 512 bytes at DMA_PHYS
    mov al, 0x06
    out 0x0A, al                    ; mask channel 2
    out 0x0C, al                    ; clear the flip-flop
    mov al, 0x46
    out 0x0B, al
    mov al, DMA_PHYS & 0xFF
    out 0x04, al
    mov al, (DMA_PHYS >> 8) & 0xFF
    out 0x04, al
    mov al, DMA_PHYS >> 16
    out 0x81, al
    mov al, 0xFF
    out 0x05, al
    mov al, 0x01
    out 0x05, al                    ; count 511: 512 bytes
    mov al, 0x02
    out 0x0A, al                    ; unmask channel 2
    mov dx, 0x3F2
    mov al, 0x1C                    ; motor A on, DMA and IRQ on, drive 0
    out dx, al
    ; recalibrate to cylinder 0
    mov byte [fdc_irq], 0
    FDC 0x07
    FDC 0x00
    call wait_fdc_irq
    EXPECT nc, 81, "FDC: no IRQ6 after recalibrate"
    FDC 0x08
    call fdc_in
    EXPECT nc, 82, "FDC: no sense-interrupt result"
    and al, 0xF8
    cmp al, 0x20
    EXPECT e, 83, "FDC: recalibrate did not end with seek end"
    call fdc_in
    cmp al, 0
    EXPECT e, 84, "FDC: not at cylinder 0 after recalibrate"
    ; READ DATA (MFM) cylinder 0 head 0 sector 2, 512-byte sectors, EOT 18:
    ; the DMA's terminal count ends it after one sector
    mov byte [fdc_irq], 0
    FDC 0x46
    FDC 0x00
    FDC 0x00
    FDC 0x00
    FDC 0x02
    FDC 0x02
    FDC 18
    FDC 0x1B
    FDC 0xFF
    call wait_fdc_irq
    EXPECT nc, 85, "FDC: no IRQ6 after READ DATA"
    mov si, fdc_result
    mov bp, 7
.res:
    call fdc_in
    EXPECT nc, 86, "FDC: READ DATA result phase short of 7 bytes"
    mov [si], al
    inc si
    dec bp
    jnz .res
    test byte [fdc_result], 0xC0
    EXPECT z, 87, "FDC: READ DATA did not end normally (ST0)"
    cmp byte [fdc_result + 5], 3
    EXPECT e, 88, "FDC: READ DATA result does not point past sector 2"
    in al, 0x08
    test al, 0x04
    EXPECT nz, 89, "DMA: channel 2 did not reach terminal count"
    push es
    mov ax, DMA_PHYS >> 4
    mov es, ax
    xor di, di
    mov si, 0x7E00
    mov cx, 256
    repe cmpsw
    pop es
    EXPECT e, 90, "FDC/DMA: the sector in memory differs from INT 13h's"
    mov dx, 0x3F2
    mov al, 0x0C                    ; motor off
    out dx, al
    mov ax, 0x0E
    mov di, old_irq6
    call restore_vector
    mov si, msg_fdc
    call print
    ret
%endif

; ---- INT 16h: the test types "amber" and Enter
check_keys:
    mov si, msg_keys
    call print
    mov si, expected_keys
.next:
    lodsb
    test al, al
    jz .done
    mov bl, al
    xor ah, ah
    int 0x16
    cmp al, bl
    EXPECT e, 95, "INT 16h: a key's ASCII differs from what was typed"
    cmp bl, 'a'
    jne .next
    cmp ah, 0x1E
    EXPECT e, 96, "INT 16h: 'a' does not have scan code 1Eh"
    jmp .next
.done:
    mov ah, 0x01
    int 0x16
    EXPECT z, 97, "INT 16h: keys left over after amber/Enter"
    ret

; ---------------------------------------------------------------- data
%ifdef FLOPPY
msg_banner: db "Amber boot test: floppy", 13, 10, 0
%elifdef HARDDISK
msg_banner: db "Amber boot test: hard disk", 13, 10, 0
%else
msg_banner: db "Amber boot test: CD-ROM", 13, 10, 0
%endif
msg_fail:  db "FAIL ", 0
crlf:      db 13, 10, 0
msg_e820:  db "E820 ok", 13, 10, 0
msg_pit:   db "PIT/RTC ok", 13, 10, 0
msg_pic:   db "PIC ok", 13, 10, 0
msg_fdc:   db "FDC DMA ok", 13, 10, 0
msg_keys:  db "KEYS? ", 0
msg_pass:  db 13, 10, "ALL CHECKS PASSED", 13, 10, 0
expected_keys: db "amber", 13, 0
write_pattern: db "AmberWroteLBA100"

    align 4
boot_drive: db 0
fail_code:  db 0
dap_fn:     db 0x42
dap_cur_fn: db 0
e820_flags: db 0
old_mask_master: db 0
old_mask_slave:  db 0
order_len:  db 0
fdc_irq:    db 0
order:      times 8 db 0
fdc_result: times 8 db 0
uf_count:   dw 0
    align 4
dap:        times 16 db 0
e820_entry: times 24 db 0
ram_end:    dd 0
irq0_count: dd 0
irq0_start: dd 0
irq0_delta: dd 0
old_irq0:   dd 0
old_irq8:   dd 0
old_irq6:   dd 0

    times PROG_SECTORS * 512 - 4 - ($ - $$) db 0
signature: db "ABR!"

%ifdef FLOPPY
    times 1474560 - ($ - $$) db 0
%elifdef HARDDISK
    times 4096 * 512 - ($ - $$) db 0
%endif
