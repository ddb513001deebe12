; realmode_mix.asm -- a CPU-bound real-mode benchmark for Amber and Bochs.
;
; One outer iteration runs eleven small "kernels" that together exercise the
; kinds of code real-mode programs spend their time in:
;
;   k_fill     LCG random numbers (MUL, CALL/RET, STOSW)
;   k_crc16    bitwise CRC-16/CCITT over 1 KiB (shifts, conditional branches)
;   k_crc8     CRC-8 table build + table-driven CRC (XLAT)
;   k_sort     insertion sort of 128 signed words (LES, REP MOVSW, indexed moves)
;   k_sieve    sieve of Eratosthenes (REP STOSB, REPNE SCASB, LODSB)
;   k_text     string search and copy (REPE CMPSB/CMPSW, REP MOVSW, LODSB/STOSB)
;   k_divs     decimal conversion, GCD, signed division (DIV, IDIV)
;   k_fib      recursive Fibonacci (stack frames, CALL/RET imm)
;   k_matrix   16x16 word matrix product (IMUL, segment overrides, strides)
;   k_bignum   128-bit Fibonacci and shifts (ADC/SBB/RCL chains)
;   k_hash     shift/rotate hash (ROL/RCR/SAR/SHR by CL, NOT/NEG)
;   k_interp   tiny bytecode interpreter (indirect JMP through a table)
;
; Every kernel folds its result into a 32-bit checksum, and each iteration
; seeds its random data from that checksum, so no iteration can be skipped or
; reordered. At the end the checksum is written to the debug port 0xE9 as
;
;     amber-bench checksum: XXXXXXXX
;
; The code is 8086-only (`cpu 8086`), so it runs on every CPU model. It never
; depends on flags the architecture leaves undefined (after MUL/DIV, multi-bit
; shifts...), never shifts by more than 15 and never divides by zero, so any
; correct x86 gives the same checksum.
;
; Assemble with exactly one of:
;   -DROM    64 KiB ROM image for Amber's bare machine: the reset vector (last
;            16 bytes) jumps to F000:start; ends by writing 0 to port 0x501.
;   -DBOOT   floppy boot sector (loaded at 0:7C00 by a PC BIOS) followed by the
;            rest of the program, which the boot sector loads with INT 13h;
;            ends by writing "Shutdown" to port 0x8900 (Bochs).
; and optionally -DITERS=n (outer iterations, 0..65535; default below).

        cpu     8086
        bits    16

%ifndef ITERS
  %define ITERS 3300
%endif
%if ITERS < 0 || ITERS > 65535
  %error "ITERS must be in 0..65535"
%endif

%ifdef ROM
  %ifdef BOOT
    %error "define only one of ROM and BOOT"
  %endif
%elifndef BOOT
  %error "define ROM or BOOT"
%endif

; ---------------------------------------------------------------------------
; Memory layout. All data lives in one 64 KiB segment (DS = ES = DATA_SEG);
; the stack has its own segment. Both are well clear of the boot sector, the
; BIOS data areas and anything the BIOS keeps at the top of conventional RAM.

DATA_SEG    equ 0x2000          ; data at physical 0x20000
STACK_SEG   equ 0x3000          ; stack grows down from physical 0x3FFFE

BUF_A       equ 0x0000          ; 1024 bytes of random data (512 words)
SORTBUF     equ 0x0400          ; 128 words being sorted
CRC8TAB     equ 0x0600          ; 256-byte CRC-8 table
TEXT        equ 0x0800          ; 2048 letters
TEXT2       equ 0x1000          ; a copy of TEXT
MATC        equ 0x1800          ; 16x16 word matrix product
BIG_A       equ 0x1A00          ; 128-bit number (8 words)
BIG_B       equ 0x1A10          ; 128-bit number (8 words)
SIEVE       equ 0x2000          ; up to 8192 flag bytes
VARS        equ 0xF000          ; scalar variables:
csum_lo     equ VARS+0x00       ;   checksum, low word
csum_hi     equ VARS+0x02       ;   checksum, high word
iters_left  equ VARS+0x04       ;   outer iterations still to run
rng         equ VARS+0x06       ;   LCG state
sort_ptr    equ VARS+0x08       ;   far pointer to SORTBUF (offset, segment)
mat_row     equ VARS+0x0C       ;   k_matrix: current row offset (i * 32)
pattern     equ VARS+0x10       ;   k_text: 4-byte search pattern

MAT_A       equ BUF_A           ; k_matrix reads its inputs from BUF_A:
MAT_B       equ BUF_A+512       ;   A = words 0..255, B = words 256..511

DEBUG_PORT  equ 0xE9            ; Bochs/QEMU/Amber debug console
EXIT_PORT   equ 0x501           ; Amber: the byte written is the exit code
BOCHS_SHUTDOWN equ 0x8900       ; Bochs: write "Shutdown" to power off

; ===========================================================================
%ifdef BOOT
; Boot sector: the BIOS loads it at 0:7C00 (or 07C0:0000) with DL = drive.

        org     0x7C00

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
        ; Read the rest of the program (sectors 2.. of track 0, head 0)
        ; to 0:7E00, right behind this sector.
        mov     ax, 0x0200 + PAYLOAD_SECTORS
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
        mov     si, msg_disk_error      ; give up: report and power off
        call    print_cs
        jmp     power_off

boot_drive:     db 0
msg_disk_error: db "amber-bench: disk read error", 10, 0

        times   510-($-$$) db 0
        dw      0xAA55

payload:                                ; = 0x7E00, loaded by the code above

%else
; ROM image: mapped so that it ends at physical 1 MiB; CS = F000.

        org     0

%endif

; ===========================================================================
; Common entry point. Interrupts stay off for the whole run, so the guest
; instruction count is exactly the same on every emulator.

start:
        cli
        cld
        mov     ax, STACK_SEG
        mov     ss, ax
        mov     sp, 0xFFFE
        mov     ax, DATA_SEG
        mov     ds, ax
        mov     es, ax

        mov     word [csum_lo], 0x2A6B  ; arbitrary non-zero start value
        mov     word [csum_hi], 0x91C5
        mov     word [sort_ptr], SORTBUF
        mov     word [sort_ptr+2], DATA_SEG
        mov     word [iters_left], ITERS
        cmp     word [iters_left], 0
        je      finish

main_loop:
        ; Run every kernel once, dispatching through a table of near pointers.
        xor     si, si
.next_kernel:
        push    si
        call    [cs:kernel_table+si]
        pop     si
        add     si, 2
        cmp     si, kernel_table_end - kernel_table
        jb      .next_kernel
        dec     word [iters_left]
        jnz     main_loop

finish:
        mov     si, msg_checksum
        call    print_cs
        mov     ax, [csum_hi]
        call    print_hex16
        mov     ax, [csum_lo]
        call    print_hex16
        mov     al, 10
        out     dx, al

%ifdef ROM
        mov     dx, EXIT_PORT           ; amber: exit with status 0
        xor     al, al
        out     dx, al
%else
        jmp     power_off
%endif
halt_forever:
        hlt
        jmp     halt_forever

kernel_table:
        dw      k_fill, k_crc16, k_crc8, k_sort, k_sieve, k_text
        dw      k_divs, k_fib, k_matrix, k_bignum, k_hash, k_interp
kernel_table_end:

msg_checksum:   db "amber-bench checksum: ", 0

; ---------------------------------------------------------------------------
; Output helpers. Both leave DX = DEBUG_PORT.

; Writes the NUL-terminated string at CS:SI to the debug port.
print_cs:
        mov     dx, DEBUG_PORT
.loop:
        mov     al, [cs:si]
        inc     si
        test    al, al
        jz      .done
        out     dx, al
        jmp     .loop
.done:
        ret

; Writes AX as four upper-case hex digits to the debug port.
print_hex16:
        mov     dx, DEBUG_PORT
        mov     bx, 4
        mov     cl, 4
.digit:
        rol     ax, cl                  ; next nibble into the low bits
        push    ax
        and     al, 0x0F
        add     al, '0'
        cmp     al, '9'
        jbe     .out
        add     al, 'A' - '0' - 10
.out:
        out     dx, al
        pop     ax
        dec     bx
        jnz     .digit
        ret

%ifdef BOOT
; Bochs powers off when "Shutdown" is written to port 0x8900.
power_off:
        mov     si, msg_shutdown
        mov     dx, BOCHS_SHUTDOWN
.loop:
        mov     al, [cs:si]
        inc     si
        test    al, al
        jz      halt_forever
        out     dx, al
        jmp     .loop
msg_shutdown:   db "Shutdown", 0
%endif

; ---------------------------------------------------------------------------
; Shared helpers.

; Folds AX into the checksum: csum = rotl32(csum, 5) + AX + 0x9E370000.
; Preserves every register.
mix:
        push    bx
        push    cx
        push    dx
        mov     bx, [csum_lo]
        mov     dx, [csum_hi]
        mov     cx, 5
.rotate:
        shl     bx, 1                   ; 32-bit rotate left by one:
        rcl     dx, 1                   ;   the top bit leaves DX into CF
        adc     bx, 0                   ;   and comes back in at bit 0
        loop    .rotate
        add     bx, ax
        adc     dx, 0x9E37
        mov     [csum_lo], bx
        mov     [csum_hi], dx
        pop     dx
        pop     cx
        pop     bx
        ret

; Next LCG value: rng = rng * 25173 + 13849 (mod 2^16). Returns it in AX;
; clobbers DX. The high byte is the better-distributed half.
rand:
        mov     ax, [rng]
        mov     dx, 25173
        mul     dx
        add     ax, 13849
        mov     [rng], ax
        ret

; ===========================================================================
; Kernels. Each is called with DS = ES = DATA_SEG and the direction flag
; clear, may clobber every general register, and returns with the segments
; as they were.

; k_fill: seed the generator from the checksum and fill BUF_A with 512 words.
k_fill:
        mov     ax, [csum_lo]
        xor     ax, [csum_hi]
        or      al, 1
        mov     [rng], ax
        mov     di, BUF_A
        mov     cx, 512
.loop:
        call    rand
        stosw
        loop    .loop
        ret

; k_crc16: bit-at-a-time CRC-16/CCITT (polynomial 0x1021) over BUF_A.
k_crc16:
        mov     si, BUF_A
        mov     cx, 1024
        mov     dx, 0xFFFF              ; CRC register
.byte:
        lodsb
        xor     dh, al
        mov     bl, 8
.bit:
        shl     dx, 1
        jnc     .no_xor
        xor     dx, 0x1021
.no_xor:
        dec     bl
        jnz     .bit
        loop    .byte
        mov     ax, dx
        call    mix
        ret

; k_crc8: build the CRC-8 table for polynomial 0x07, then run the table-driven
; CRC over BUF_A with XLAT.
k_crc8:
        mov     di, CRC8TAB
        xor     dx, dx                  ; DL = table index
.entry:
        mov     al, dl
        mov     cx, 8
.bit:
        shl     al, 1
        jnc     .no_xor
        xor     al, 0x07
.no_xor:
        loop    .bit
        stosb
        inc     dl
        jnz     .entry

        mov     bx, CRC8TAB
        mov     si, BUF_A
        mov     cx, 1024
        xor     ah, ah                  ; CRC register
.byte:
        lodsb
        xor     al, ah
        xlat                            ; AL = CRC8TAB[AL]
        mov     ah, al
        loop    .byte
        mov     al, ah
        xor     ah, ah
        call    mix
        ret

; k_sort: copy 128 words from a random place in BUF_A and insertion-sort them
; (signed, ascending); fold in a weighted sum and the count of out-of-order
; neighbours (which must be zero).
k_sort:
        mov     si, [rng]
        and     si, 0x02FE              ; even offset, 128 words fit in BUF_A
        add     si, BUF_A
        les     di, [sort_ptr]          ; ES:DI = far pointer to SORTBUF
        mov     cx, 128
        rep     movsw
        mov     ax, ds
        mov     es, ax

        mov     bx, 2                   ; BX = 2 * i, the element to insert
.outer:
        mov     ax, [SORTBUF+bx]        ; key
        mov     di, bx
.inner:
        test    di, di
        jz      .place
        mov     dx, [SORTBUF+di-2]
        cmp     dx, ax
        jle     .place
        mov     [SORTBUF+di], dx        ; shift the larger element up
        sub     di, 2
        jmp     .inner
.place:
        mov     [SORTBUF+di], ax
        add     bx, 2
        cmp     bx, 256
        jb      .outer

        ; Weighted sum: sum of a[i] * (i + 1), folding the high halves in.
        mov     si, SORTBUF
        mov     cx, 128
        mov     di, 1                   ; weight
        xor     bx, bx
.weigh:
        lodsw
        mul     di
        add     bx, ax
        adc     bx, dx
        inc     di
        loop    .weigh
        mov     ax, bx
        call    mix

        ; Order check.
        mov     si, SORTBUF
        mov     cx, 127
        xor     dx, dx
.check:
        lodsw
        cmp     ax, [si]
        jle     .ordered
        inc     dx
.ordered:
        loop    .check
        mov     ax, dx
        call    mix
        ret

; k_sieve: primes below N, N = 4096..8191 chosen by the generator. Counts the
; primes and sums them with LODSB, and counts the composites with REPNE SCASB.
k_sieve:
        mov     bp, [rng]
        and     bp, 0x0FFF
        add     bp, 4096                ; BP = N

        mov     di, SIEVE               ; everything starts as "prime"
        mov     cx, bp
        mov     al, 1
        rep     stosb
        mov     byte [SIEVE], 0
        mov     byte [SIEVE+1], 0

        mov     bx, 2                   ; BX = candidate
.outer:
        mov     ax, bx
        mul     bx                      ; AX = BX * BX (< 8192, DX = 0)
        cmp     ax, bp
        jae     .count
        cmp     byte [SIEVE+bx], 0
        je      .next
        mov     di, ax                  ; cross out BX*BX, BX*BX + BX, ...
.mark:
        mov     byte [SIEVE+di], 0
        add     di, bx
        cmp     di, bp
        jb      .mark
.next:
        inc     bx
        jmp     .outer

.count:
        mov     si, SIEVE
        mov     cx, bp
        xor     bx, bx                  ; index
        xor     dx, dx                  ; prime count
        xor     di, di                  ; sum of primes, low word
        mov     [mat_row], dx           ; (scratch) sum of primes, high word
.scan:
        lodsb
        test    al, al
        jz      .composite
        inc     dx
        add     di, bx
        adc     word [mat_row], 0
.composite:
        inc     bx
        loop    .scan
        mov     ax, dx
        call    mix
        mov     ax, di
        call    mix
        mov     ax, [mat_row]
        call    mix

        mov     di, SIEVE               ; composites: zero bytes, via REPNE SCASB
        mov     cx, bp
        xor     al, al
        xor     dx, dx
.find_zero:
        repne   scasb
        jne     .zeros_done             ; ran out without a match
        inc     dx
        jcxz    .zeros_done
        jmp     .find_zero
.zeros_done:
        mov     ax, dx
        call    mix
        ret

; k_text: make 2048 letters from {a,b,c,d}, count the occurrences of a 4-byte
; pattern taken from the text, count the 'd's, copy the text, change one byte
; and find it again with REPE CMPSW, upper-case the copy, and sum it.
k_text:
        mov     di, TEXT
        mov     cx, 2048
.gen:
        call    rand
        mov     al, ah
        and     al, 3
        add     al, 'a'
        stosb
        loop    .gen

        mov     si, [rng]               ; pattern = 4 bytes at a random place
        and     si, 0x03FF
        add     si, TEXT
        mov     di, pattern
        movsw
        movsw

        mov     bx, TEXT                ; naive search at every position
        xor     dx, dx
.try:
        mov     si, pattern
        mov     di, bx
        mov     cx, 4
        repe    cmpsb
        jne     .no_match
        inc     dx
.no_match:
        inc     bx
        cmp     bx, TEXT + 2048 - 3
        jb      .try
        mov     ax, dx
        call    mix

        mov     di, TEXT                ; count the 'd's
        mov     cx, 2048
        mov     al, 'd'
        xor     dx, dx
.find_d:
        repne   scasb
        jne     .d_done
        inc     dx
        jcxz    .d_done
        jmp     .find_d
.d_done:
        mov     ax, dx
        call    mix

        mov     si, TEXT                ; copy, then flip the case of one byte
        mov     di, TEXT2
        mov     cx, 1024
        rep     movsw
        mov     bx, [rng]
        and     bx, 0x07FF
        xor     byte [TEXT2+bx], 0x20

        mov     si, TEXT                ; find the differing word again
        mov     di, TEXT2
        mov     cx, 1024
        repe    cmpsw
        mov     ax, cx                  ; words left after the mismatch
        call    mix

        mov     si, TEXT2               ; upper-case the copy in place
        mov     di, si
        mov     cx, 2048
.upper:
        lodsb
        cmp     al, 'a'
        jb      .keep
        cmp     al, 'z'
        ja      .keep
        sub     al, 'a' - 'A'
.keep:
        stosb
        loop    .upper

        mov     si, TEXT2               ; 32-bit sum of the bytes
        mov     cx, 2048
        xor     ah, ah
        xor     bx, bx
        xor     dx, dx
.sum:
        lodsb
        add     bx, ax
        adc     dx, 0
        loop    .sum
        mov     ax, bx
        call    mix
        mov     ax, dx
        call    mix
        ret

; k_divs: digit sums of 128 32-bit numbers (long division by 10), GCDs of 64
; word pairs (Euclid with DIV), and 64 signed divisions (IDIV).
k_divs:
        xor     bp, bp                  ; accumulated result
        mov     si, BUF_A
        mov     cx, 128
.number:
        push    cx
        lodsw
        mov     bx, ax                  ; BX = low word
        lodsw
        mov     di, ax                  ; DI = high word
        mov     cx, 10
.digit:
        xor     dx, dx
        mov     ax, di
        div     cx                      ; high word / 10
        mov     di, ax
        mov     ax, bx
        div     cx                      ; (remainder:low word) / 10
        mov     bx, ax
        add     bp, dx                  ; digit
        mov     ax, di
        or      ax, bx
        jnz     .digit
        pop     cx
        loop    .number

        mov     si, BUF_A+512
        mov     cx, 64
.gcd_pair:
        lodsw
        mov     bx, ax
        or      bx, 1                   ; never divide by zero
        lodsw
.euclid:
        xor     dx, dx
        div     bx                      ; DX = AX mod BX
        mov     ax, bx
        mov     bx, dx
        test    bx, bx
        jnz     .euclid
        add     bp, ax                  ; gcd
        loop    .gcd_pair

        mov     si, BUF_A+768
        mov     cx, 64
.signed:
        lodsw
        cwd
        mov     bx, [si]
        and     bx, 0x7FFF
        or      bx, 2                   ; divisor 2..32767: no overflow
        idiv    bx
        add     bp, ax                  ; quotient
        xor     bp, dx                  ; remainder (sign of the dividend)
        loop    .signed

        mov     ax, bp
        call    mix
        ret

; k_fib: recursive Fibonacci of 13..16 (753 to 3193 calls).
k_fib:
        mov     ax, [rng]
        and     ax, 3
        add     ax, 13
        push    ax
        call    fib
        call    mix
        ret

; fib(n): n is the word on the stack (popped by the callee); returns AX.
fib:
        push    bp
        mov     bp, sp
        mov     ax, [bp+4]
        cmp     ax, 2
        jb      .done                   ; fib(0) = 0, fib(1) = 1
        dec     ax
        push    ax
        call    fib                     ; fib(n - 1)
        push    ax
        mov     ax, [bp+4]
        sub     ax, 2
        push    ax
        call    fib                     ; fib(n - 2)
        pop     dx
        add     ax, dx
.done:
        pop     bp
        ret     2

; k_matrix: C = A * B for 16x16 signed word matrices taken from BUF_A (low
; 16 bits of each dot product), then a rotate-and-add digest of C.
k_matrix:
        mov     word [mat_row], 0       ; row offset i * 32
.row:
        xor     di, di                  ; DI = column offset j * 2
.column:
        mov     si, MAT_A
        add     si, [mat_row]           ; SI walks A[i][k] along the row
        lea     bx, [MAT_B+di]          ; BX walks B[k][j] down the column
        mov     cx, 16
        xor     bp, bp
.dot:
        lodsw
        imul    word [es:bx]
        add     bp, ax
        add     bx, 32
        loop    .dot
        mov     bx, [mat_row]
        mov     [MATC+bx+di], bp
        add     di, 2
        cmp     di, 32
        jb      .column
        add     word [mat_row], 32
        cmp     word [mat_row], 512
        jb      .row

        mov     si, MATC
        mov     cx, 256
        xor     dx, dx
.digest:
        lodsw
        ror     dx, 1
        add     dx, ax
        loop    .digest
        mov     ax, dx
        call    mix
        ret

; k_bignum: 128-bit Fibonacci numbers (A += B; B += A, 150 times) with ADC
; chains, then a one-bit RCL rotate of A and a 128-bit A - B with SBB.
k_bignum:
        mov     di, BIG_A               ; A = 0, B = (rng, 1, 0, ...)
        mov     cx, 16
        xor     ax, ax
        rep     stosw
        mov     ax, [rng]
        mov     [BIG_B], ax
        mov     word [BIG_B+2], 1

        mov     bp, 150
.step:
        mov     si, BIG_B
        mov     di, BIG_A
        call    add128
        mov     si, BIG_A
        mov     di, BIG_B
        call    add128
        dec     bp
        jnz     .step

        mov     di, BIG_A               ; rotate A left by one through carry
        mov     cx, 8
        clc
.rotate:
        rcl     word [di], 1
        inc     di                      ; INC keeps CF for the next RCL
        inc     di
        loop    .rotate

        mov     si, BIG_B               ; A -= B
        mov     di, BIG_A
        mov     cx, 8
        clc
.subtract:
        lodsw
        sbb     [di], ax
        inc     di
        inc     di
        loop    .subtract

        mov     si, BIG_A               ; digest A
        mov     cx, 8
        xor     dx, dx
.digest:
        lodsw
        xor     dx, ax
        rol     dx, 1
        loop    .digest
        mov     ax, dx
        call    mix
        ret

; [DI] += [SI], 128-bit.
add128:
        mov     cx, 8
        clc
.word:
        lodsw
        adc     [di], ax
        inc     di
        inc     di
        loop    .word
        ret

; k_hash: mixes every word of BUF_A into two registers with data-dependent
; rotate counts (1..15) and arithmetic on the carry flag.
k_hash:
        mov     si, BUF_A
        mov     cx, 512
        mov     bx, 0x5A5A
        mov     dx, 0x1357
.word:
        lodsw
        push    cx
        mov     cl, al
        and     cl, 7
        inc     cl                      ; 1..8
        rol     bx, cl
        xor     bx, ax                  ; CF = 0
        mov     cl, ah
        and     cl, 0x0F
        or      cl, 1                   ; 1..15
        rcr     dx, cl
        adc     dx, bx
        sar     ax, 1
        sub     bx, ax
        not     ax
        neg     dx                      ; CF = (DX != 0)
        sbb     bx, 0
        mov     cl, 3
        shr     ax, cl
        xor     dx, ax
        pop     cx
        loop    .word
        mov     ax, bx
        call    mix
        mov     ax, dx
        call    mix
        ret

; k_interp: treats the low three bits of each byte of BUF_A as an opcode for
; a two-register machine (DX, DI) and runs it, dispatching with JMP [table].
k_interp:
        mov     si, BUF_A
        mov     cx, 1024
        mov     dx, 0x0F0F
        mov     di, 1
.fetch:
        lodsb
        mov     bl, al
        and     bx, 7                   ; also clears BH
        shl     bx, 1
        jmp     [cs:.ops+bx]
.op0:   add     dx, di
        jmp     .cont
.op1:   xor     dx, 0x5555
        jmp     .cont
.op2:   rol     dx, 1
        jmp     .cont
.op3:   inc     di
        jmp     .cont
.op4:   sub     dx, di
        jmp     .cont
.op5:   xchg    dx, di
        jmp     .cont
.op6:   mov     ax, dx
        shr     ax, 1
        add     di, ax
        jmp     .cont
.op7:   not     dx
.cont:
        loop    .fetch
        mov     ax, dx
        call    mix
        mov     ax, di
        call    mix
        ret
.ops:   dw      .op0, .op1, .op2, .op3, .op4, .op5, .op6, .op7

; ===========================================================================
%ifdef BOOT
payload_end:
PAYLOAD_SECTORS equ (payload_end - payload + 511) / 512
        times   -(PAYLOAD_SECTORS > 17) db 0    ; error: payload exceeds track 0
        times   (512 - ($-$$) % 512) % 512 db 0     ; whole sectors
%else
        ; Pad to the reset vector at offset 0xFFF0 (physical FFFF0 on the
        ; 8086 and, on the 286, FFFFF0 too, where the image is mirrored).
        times   0xFFF0-($-$$) db 0xFF
reset_vector:
        jmp     0xF000:start
        times   0x10000-($-$$) db 0xFF
%endif
