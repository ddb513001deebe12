; A ROM that triple-faults: an empty interrupt table turns INT3 into #GP,
; #GP into #DF, and #DF into a shutdown. It prints "R" on every boot, so a
; machine that reboots on a triple fault prints it again and again.
        cpu     386
        bits    16
        org     0xF000

start:
        mov     al, 'R'
        out     0xE9, al
        lidt    [cs:empty_idt]
        int3
        hlt

empty_idt:
        dw      0               ; limit 0: no vector fits
        dd      0

        times   0xFF0 - ($ - $$) db 0xF4
        jmp     0xF000:start    ; reset vector
        times   0x1000 - ($ - $$) db 0xF4
