; A 4 KiB ROM that stops for good at once: CLI, HLT. `amber run` must
; report that the guest can never wake up.
        cpu     8086
        bits    16
        org     0xF000
        times   0xFF0 db 0xF4
        cli
        hlt
        times   0x1000 - ($ - $$) db 0xF4
