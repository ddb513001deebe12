; Amber's embedded monitor guest: a tiny monitor on the serial port.
;
; It runs on the bare machine -- no BIOS, no interrupts, nothing set up for
; it -- from a 64 KiB ROM that ends at 1 MiB (F000:0000-F000:FFFF). It sets
; up its own stack, programs COM1 (a 16550 UART at 0x3F8) for 115200 8N1,
; names the CPU it finds, and then reads commands typed on the serial line.
; When the line's carrier drops (amber: standard input reached its end), it
; says goodbye and exits with status 0 through the debug exit port.
;
; Only 8086 instructions are used, so the same image runs on every model.
;
; Build: nasm -f bin -DAMBER_VERSION=x.y.z -o monitor_guest.bin monitor_guest.asm

        cpu     8086
        bits    16
        org     0

%ifndef AMBER_VERSION
%define AMBER_VERSION 0.0.0
%endif
%defstr VERSION_STRING AMBER_VERSION

; ---- machine ----
ROM_SEG         equ     0xF000
DEBUGCON_PORT   equ     0xE9            ; bytes written here reach the host's log
EXIT_PORT       equ     0x501           ; writing V ends the run with status V

; ---- RAM layout: variables and stack share one segment in low memory ----
DATA_SEG        equ     0x0050          ; physical 0x500, above the real-mode IVT
STACK_TOP       equ     0x0800          ; so the guest needs only 4 KiB of RAM
LINE_MAX        equ     72              ; longest command line

[absolute 0]
line_buf        resb    LINE_MAX + 1    ; the line being typed, zero-terminated
last_was_cr     resb    1               ; a CR ended the last line (swallow its LF)
cpu_kind        resb    1               ; CPU_8086 .. CPU_386
cpu_flags_test  resb    1               ; FLAGS_* : how FLAGS bits 12-15 behave
cpu_pushsp_old  resb    1               ; 1: PUSH SP stores SP as it was before the push
cpu_shift_mask  resb    1               ; 1: shift counts are masked to 5 bits
primes_count    resw    1
primes_column   resb    1
section .text

; ---- entry (the reset vector at the end of the ROM jumps here) ----
start:
        cli                             ; no interrupt controller, no vectors: stay deaf
        cld
        mov     ax, DATA_SEG
        mov     ss, ax
        mov     sp, STACK_TOP
        mov     ds, ax
        mov     es, ax
        mov     byte [last_was_cr], 0

        mov     si, msg_debugcon_hello
        call    debugcon_puts

        call    uart_detect
        jnc     .have_uart
        mov     si, msg_debugcon_no_uart ; nobody to talk to: say so where we can
        call    debugcon_puts
        mov     al, 1
        jmp     exit_with_status
.have_uart:
        call    uart_init
        call    detect_cpu
        call    print_banner

.prompt:
        mov     si, msg_prompt
        call    puts
        call    read_line
        jc      .hung_up
        call    run_command
        jmp     .prompt

.hung_up:
        mov     si, msg_goodbye
        call    puts
        xor     al, al
        jmp     exit_with_status

; Prints "Amber <version> monitor guest -- CPU: <name>" and a hint.
print_banner:
        mov     si, msg_banner
        call    puts
        call    print_cpu_name
        mov     si, msg_banner_hint
        call    puts
        ret

; Ends the run with status AL. If there is no exit port, halt for good.
exit_with_status:
        mov     dx, EXIT_PORT
        out     dx, al
        cli
.halt:  hlt
        jmp     .halt

msg_debugcon_hello:     db "amber monitor guest: started", 10, 0
msg_debugcon_no_uart:   db "amber monitor guest: no UART at COM1, giving up", 10, 0
msg_banner:             db 13, 10, "Amber ", VERSION_STRING, " monitor guest -- CPU: ", 0
msg_banner_hint:        db 13, 10, "Type 'help' for the list of commands.", 13, 10, 0
msg_prompt:             db "amber> ", 0
msg_goodbye:            db 13, 10, "Carrier lost -- goodbye.", 13, 10, 0

%include "monitor_guest/serial.inc"
%include "monitor_guest/print.inc"
%include "monitor_guest/readline.inc"
%include "monitor_guest/parse.inc"
%include "monitor_guest/cpu_detect.inc"
%include "monitor_guest/commands.inc"

; ---- reset vector: the 8086 starts at FFFF:0000, the 286 at F000:FFF0 ----
        times   0xFFF0 - ($ - $$) db 0xFF
reset_vector:
        jmp     ROM_SEG:start
        db      "AMBER"                 ; the last bytes are free: sign the image
        times   0x10000 - ($ - $$) db 0xFF
