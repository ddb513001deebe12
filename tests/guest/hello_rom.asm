; A minimal custom ROM for `amber run --rom`: 4 KiB, so it sits at
; F000:F000-F000:FFFF. It greets on the debug console and exits with 7.
        cpu     8086
        bits    16
        org     0xF000

start:
        cld
        mov     si, greeting
.next:  cs lodsb
        test    al, al
        jz      .done
        out     0xE9, al
        jmp     .next
.done:  mov     al, 7
        mov     dx, 0x501
        out     dx, al
        hlt

greeting: db "hello from a custom ROM", 10, 0

        times   0xFF0 - ($ - $$) db 0xF4
        jmp     0xF000:start            ; reset vector (physical FFFF0 / FFFFF0)
        times   0x1000 - ($ - $$) db 0xF4
