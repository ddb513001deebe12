; pm_mix.asm -- realmode_mix's workload in 32-bit protected mode with paging.
;
; The program switches to protected mode with flat 4 GiB segments, builds
; page tables that map the memory it uses one to one (4 KiB pages), turns
; paging on, drops to ring 3 and runs the twelve kernels of realmode_mix.asm
; as 32-bit code:
;
;   k_fill     LCG random numbers (MUL r32, CALL/RET, STOSW)
;   k_crc16    bitwise CRC-16/CCITT over 1 KiB (16-bit shifts, branches)
;   k_crc8     CRC-8 table build + table-driven CRC (XLAT)
;   k_sort     insertion sort of 128 signed words (LES, REP MOVSW, scaled index)
;   k_sieve    sieve of Eratosthenes (REP STOSB, REPNE SCASB, LODSB)
;   k_text     string search and copy (REPE CMPSB/CMPSW, REP MOVSD, LODSB/STOSB)
;   k_divs     decimal conversion, GCD, signed division (DIV r32, IDIV r32, CDQ)
;   k_fib      recursive Fibonacci (EBP frames, CALL/RET imm)
;   k_matrix   16x16 word matrix product (IMUL r16, scaled index, strides)
;   k_bignum   128-bit Fibonacci and shifts (ADC/SBB/RCL chains on dwords)
;   k_hash     shift/rotate hash (ROL/RCR/SAR/SHR on words)
;   k_interp   tiny bytecode interpreter (JMP [table+EBX*4])
;
; The algorithms and their data are realmode_mix's: the same 16-bit words,
; the same bytes, the same 128-bit numbers. Pointers, counters and
; accumulators are 32-bit, and arithmetic is 32-bit wherever that gives the
; same low 16 bits (a 32-bit DIV for the 32-bit numbers of k_divs, one DIV
; instead of two); values whose 16-bit wrap-around is the algorithm (the
; CRC-16 register, the hash and interpreter registers, the word rotates)
; stay 16-bit, as a C compiler would keep uint16_t arithmetic. So for every
; ITERS the checksum is exactly realmode_mix's, which cross-checks the two
; programs against each other; the instruction counts differ a little.
;
; Protected-mode set-up, all before the workload and never again:
;   - a GDT with flat ring-0 and ring-3 code and data segments, and an
;     empty IDT, so that any exception ends in a triple fault (a clean stop)
;     instead of running off into real-mode vectors;
;   - a page directory and page tables mapping, one to one: the code
;     (user, read-only), the data and the stack (user, writable), the ring-0
;     stack (supervisor, writable) and, for MEM_PAGES, the memory loop's
;     window (user, writable); everything else is not present;
;   - CR3, CR0.PG, then IRET to ring 3 with IOPL 3, so the kernels run with
;     user-mode page checks and can still write the debug and exit ports.
; Interrupts stay disabled throughout, so every emulator executes exactly
; the same instruction stream.
;
; Assemble with exactly one of:
;   -DROM    64 KiB ROM image for Amber's bare machine (a 386 or later:
;            `amber run --cpu 386 --rom ...`); ends by writing 0 to port 0x501.
;   -DBOOT   floppy boot sector plus payload for a PC BIOS (Bochs); ends by
;            writing "Shutdown" to port 0x8900.
; and optionally:
;   -DITERS=n       outer iterations (default 3300, as realmode_mix)
;   -DNO_PAGING     stay in protected mode with paging off (for comparison)
;   -DMEM_PAGES=n   instead of the twelve kernels, run k_mem: strided
;                   read-modify-writes in a window of n pages (a power of
;                   two, 1..8192) from 1 MiB up, for measuring the TLB. 2048
;                   pages make a 1024-entry direct-mapped TLB miss on 97% of
;                   the loads; 4 pages always hit. Needs 1 MiB + n * 4 KiB
;                   of RAM (Amber: --ext-ram). Default ITERS is then 1000.

        cpu     386

%ifdef ROM
  %ifdef BOOT
    %error "define only one of ROM and BOOT"
  %endif
%elifndef BOOT
  %error "define ROM or BOOT"
%endif

%ifndef ITERS
  %ifdef MEM_PAGES
    %define ITERS 1000
  %else
    %define ITERS 3300
  %endif
%endif
%if ITERS < 0 || ITERS > 0x7FFFFFFF
  %error "ITERS must be in 0..2^31-1"
%endif

; ---------------------------------------------------------------------------
; Memory layout (linear = physical). The kernels' data sits where
; realmode_mix puts its data segment, at the same offsets.

KSTACK_TOP  equ 0x10000         ; ring-0 stack (used only by the IRET to ring 3)
PAGE_DIR    equ 0x10000         ; page directory
PAGE_TABLES equ 0x11000         ; page tables, one per 4 MiB, contiguous
DATA        equ 0x20000         ; 64 KiB of data, as realmode_mix's DATA_SEG
STACK_TOP   equ 0x40000         ; ring-3 stack: 0x30000..0x3FFFF
MEM_BASE    equ 0x100000        ; k_mem's window (MEM_PAGES only)

BUF_A       equ DATA+0x0000     ; 1024 bytes of random data (512 words)
SORTBUF     equ DATA+0x0400     ; 128 words being sorted
CRC8TAB     equ DATA+0x0600     ; 256-byte CRC-8 table
TEXT        equ DATA+0x0800     ; 2048 letters
TEXT2       equ DATA+0x1000     ; a copy of TEXT
MATC        equ DATA+0x1800     ; 16x16 word matrix product
BIG_A       equ DATA+0x1A00     ; 128-bit number (4 dwords)
BIG_B       equ DATA+0x1A10     ; 128-bit number (4 dwords)
SIEVE       equ DATA+0x2000     ; up to 8192 flag bytes
VARS        equ DATA+0xF000     ; scalar variables:
csum        equ VARS+0x00       ;   checksum (dword)
iters_left  equ VARS+0x04       ;   outer iterations still to run (dword)
rng         equ VARS+0x08       ;   LCG state (word)
sort_ptr    equ VARS+0x0C       ;   far pointer to SORTBUF (dword offset, word selector)
pattern     equ VARS+0x14       ;   k_text: 4-byte search pattern

MAT_A       equ BUF_A           ; k_matrix reads its inputs from BUF_A:
MAT_B       equ BUF_A+512       ;   A = words 0..255, B = words 256..511

; Segment selectors (GDT below). Ring-3 selectors carry RPL 3.
KERNEL_CS   equ 0x08
KERNEL_DS   equ 0x10
USER_CS     equ 0x18 | 3
USER_DS     equ 0x20 | 3

; Page-table entry bits.
PG_P        equ 1 << 0          ; present
PG_W        equ 1 << 1          ; writable
PG_U        equ 1 << 2          ; user

DEBUG_PORT  equ 0xE9            ; Bochs/QEMU/Amber debug console
EXIT_PORT   equ 0x501           ; Amber: the byte written is the exit code
BOCHS_SHUTDOWN equ 0x8900       ; Bochs: write "Shutdown" to power off

%ifdef MEM_PAGES
  %if MEM_PAGES < 1 || MEM_PAGES > 8192 || (MEM_PAGES & (MEM_PAGES - 1))
    %error "MEM_PAGES must be a power of two in 1..8192"
  %endif
MEM_SIZE    equ MEM_PAGES * 4096
MEM_STRIDE  equ 4096 + 64       ; next page, next cache line
MEM_ACCESSES equ 2048           ; per iteration: one sweep of a 2048-page window
MAP_TOP     equ MEM_BASE + MEM_SIZE
%else
MAP_TOP     equ 0x100000        ; the top of the ROM
%endif
PT_COUNT    equ (MAP_TOP + 0x3FFFFF) >> 22  ; page tables needed to map up to MAP_TOP

; ===========================================================================
%ifdef BOOT
; Boot sector: the BIOS loads it at 0:7C00 (or 07C0:0000) with DL = drive.

        bits    16
        org     0x7C00
CODE_SEG    equ 0               ; real-mode CS for the code below
%define REAL(label) ((label) - $$ + 0x7C00)  ; its offset in CODE_SEG

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
        mov     dx, DEBUG_PORT
.print:
        lodsb
        test    al, al
        jz      .off
        out     dx, al
        jmp     .print
.off:
        mov     si, msg_shutdown
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
msg_disk_error: db "amber-bench: disk read error", 10, 0

        times   510-($-$$) db 0
        dw      0xAA55

payload:                                ; = 0x7E00, loaded by the code above

%else
; ROM image: mapped so that it ends at physical 1 MiB (and at 4 GiB, where
; the 386 starts); the reset vector sets CS = F000, base 0xF0000.

        bits    16
        org     0xF0000
CODE_SEG    equ 0xF000
%define REAL(label) ((label) - $$)           ; its offset in CODE_SEG

%endif
image_start:

; GDT: flat 4 GiB segments (base 0, limit 0xFFFFF pages). The Accessed bits
; are set already, so the CPU never writes them back (the ROM is read-only).
gdt:
        dq      0
        dw      0xFFFF, 0               ; 0x08: ring-0 code, 32-bit, execute/read
        db      0, 0x9B, 0xCF, 0
        dw      0xFFFF, 0               ; 0x10: ring-0 data, read/write
        db      0, 0x93, 0xCF, 0
        dw      0xFFFF, 0               ; 0x18: ring-3 code, 32-bit, execute/read
        db      0, 0xFB, 0xCF, 0
        dw      0xFFFF, 0               ; 0x20: ring-3 data, read/write
        db      0, 0xF3, 0xCF, 0
gdt_end:

gdt_descriptor:
        dw      gdt_end - gdt - 1
        dd      gdt
idt_descriptor:                         ; no vectors: an exception shuts down
        dw      0
        dd      0

; ===========================================================================
; Real mode: switch to protected mode.

start:
        cli
%ifdef BOOT
        in      al, 0x92                ; the BIOS may have left A20 off;
        or      al, 2                   ; k_mem's window is above 1 MiB
        and     al, ~1                  ; (bit 0 would reset the machine)
        out     0x92, al
%endif
        lgdt    [cs:REAL(gdt_descriptor)]
        lidt    [cs:REAL(idt_descriptor)]
        mov     eax, cr0
        or      al, 1                   ; PE
        mov     cr0, eax
        jmp     dword KERNEL_CS:pm_entry  ; loads CS: 32-bit code from here on

; ===========================================================================
; Ring 0, 32-bit: page tables, paging, then down to ring 3.

        bits    32
pm_entry:
        mov     ax, KERNEL_DS
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, KSTACK_TOP
        cld

%ifndef NO_PAGING
        ; Clear the directory and the tables: unmapped pages are not present.
        mov     edi, PAGE_DIR
        mov     ecx, (1 + PT_COUNT) * 1024
        xor     eax, eax
        rep     stosd
        ; Directory entries grant everything; the rights are in the PTEs.
        mov     edi, PAGE_DIR
        mov     eax, PAGE_TABLES | PG_U | PG_W | PG_P
        mov     ecx, PT_COUNT
.pde:
        stosd
        add     eax, 4096
        loop    .pde
        ; Table entries, one range of page_ranges at a time.
        mov     esi, page_ranges
.range:
        lodsd                           ; first byte
        mov     edx, [esi]              ; end
        mov     ebx, [esi+4]            ; PTE flags
        add     esi, 8
        and     eax, ~0xFFF
.page:
        mov     ecx, eax
        shr     ecx, 12
        lea     edi, [eax+ebx]
        mov     [PAGE_TABLES+ecx*4], edi
        add     eax, 4096
        cmp     eax, edx
        jb      .page
        cmp     esi, page_ranges_end
        jb      .range

        mov     eax, PAGE_DIR
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000         ; PG: this code is mapped one to one,
        mov     cr0, eax                ; so the next fetch finds it again
%endif

        ; IRET to ring 3: SS:ESP, EFLAGS (IOPL 3 for the ports, IF clear),
        ; CS:EIP.
        push    dword USER_DS
        push    dword STACK_TOP
        push    dword 0x3002
        push    dword USER_CS
        push    dword user_start
        iret

%ifndef NO_PAGING
; Ranges mapped one to one: first byte, end (exclusive), PTE flags.
page_ranges:
        dd      KSTACK_TOP - 4096, KSTACK_TOP, PG_W | PG_P
        dd      image_start, image_end, PG_U | PG_P     ; code, GDT, constants
        dd      DATA, STACK_TOP, PG_U | PG_W | PG_P     ; data, ring-3 stack
  %ifdef MEM_PAGES
        dd      MEM_BASE, MEM_BASE + MEM_SIZE, PG_U | PG_W | PG_P
  %endif
page_ranges_end:
%endif

; ===========================================================================
; Ring 3: the workload.

user_start:
        mov     ax, USER_DS             ; the IRET to ring 3 left DS and ES null
        mov     ds, ax
        mov     es, ax

        mov     dword [csum], 0x91C52A6B  ; arbitrary non-zero start value
        mov     dword [sort_ptr], SORTBUF
        mov     word [sort_ptr+4], USER_DS
        mov     dword [iters_left], ITERS
%ifdef MEM_PAGES
        ; k_mem's loads read what the previous iteration stored: give the
        ; first iteration zeros, whatever the BIOS left in memory.
        xor     esi, esi
        mov     ecx, MEM_ACCESSES
.clear:
        mov     dword [MEM_BASE+esi], 0
        add     esi, MEM_STRIDE
        and     esi, MEM_SIZE - 1
        loop    .clear
%endif
        cmp     dword [iters_left], 0
        je      finish

main_loop:
        ; Run every kernel once, dispatching through a table of pointers.
        xor     esi, esi
.next_kernel:
        push    esi
        call    [kernel_table+esi*4]
        pop     esi
        inc     esi
        cmp     esi, (kernel_table_end - kernel_table) / 4
        jb      .next_kernel
        dec     dword [iters_left]
        jnz     main_loop

finish:
        mov     esi, msg_checksum
        call    print_str
        mov     eax, [csum]
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
        hlt                             ; if the port did not stop the machine:
                                        ; HLT faults at CPL 3, and with no IDT
                                        ; that is a triple fault, a stop too

kernel_table:
%ifdef MEM_PAGES
        dd      k_mem
%else
        dd      k_fill, k_crc16, k_crc8, k_sort, k_sieve, k_text
        dd      k_divs, k_fib, k_matrix, k_bignum, k_hash, k_interp
%endif
kernel_table_end:

msg_checksum:   db "amber-bench checksum: ", 0
msg_shutdown:   db "Shutdown", 0

; ---------------------------------------------------------------------------
; Output helpers. Both leave DX = DEBUG_PORT.

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
        rol     eax, 4                  ; next nibble into the low bits
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

; ---------------------------------------------------------------------------
; Shared helpers.

; Folds AX into the checksum: csum = rotl32(csum, 5) + AX + 0x9E370000
; (realmode_mix's formula, which needs a 5-step loop there). Preserves every
; register.
mix:
        push    eax
        push    edx
        movzx   eax, ax
        mov     edx, [csum]
        rol     edx, 5
        add     edx, eax
        add     edx, 0x9E370000
        mov     [csum], edx
        pop     edx
        pop     eax
        ret

; Next LCG value: rng = rng * 25173 + 13849 (mod 2^16). Returns it in AX (the
; upper half of EAX is not cleared); clobbers EDX. The high byte is the
; better-distributed half.
rand:
        movzx   eax, word [rng]
        mov     edx, 25173
        mul     edx
        add     eax, 13849
        mov     [rng], ax
        ret

; ===========================================================================
; Kernels. Each runs with DS = ES = USER_DS and the direction flag clear, may
; clobber every general register but ESP, and leaves the segments as they
; were. The comments say where the code departs from realmode_mix's.

; k_fill: seed the generator from the checksum and fill BUF_A with 512 words.
k_fill:
        mov     ax, [csum]
        xor     ax, [csum+2]
        or      al, 1
        mov     [rng], ax
        mov     edi, BUF_A
        mov     ecx, 512
.loop:
        call    rand
        stosw
        loop    .loop
        ret

; k_crc16: bit-at-a-time CRC-16/CCITT (polynomial 0x1021) over BUF_A. The
; CRC register is 16 bits: its carry out is the feedback bit.
k_crc16:
        mov     esi, BUF_A
        mov     ecx, 1024
        mov     edx, 0xFFFF             ; CRC register (DX)
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
        mov     eax, edx
        call    mix
        ret

; k_crc8: build the CRC-8 table for polynomial 0x07, then run the table-driven
; CRC over BUF_A with XLAT (which indexes with EBX in 32-bit code).
k_crc8:
        mov     edi, CRC8TAB
        xor     edx, edx                ; DL = table index
.entry:
        mov     al, dl
        mov     ecx, 8
.bit:
        shl     al, 1
        jnc     .no_xor
        xor     al, 0x07
.no_xor:
        loop    .bit
        stosb
        inc     dl
        jnz     .entry

        mov     ebx, CRC8TAB
        mov     esi, BUF_A
        mov     ecx, 1024
        xor     ah, ah                  ; CRC register
.byte:
        lodsb
        xor     al, ah
        xlat                            ; AL = CRC8TAB[AL]
        mov     ah, al
        loop    .byte
        movzx   eax, ah
        call    mix
        ret

; k_sort: copy 128 words from a random place in BUF_A and insertion-sort them
; (signed, ascending); fold in a weighted sum and the count of out-of-order
; neighbours (which must be zero). The LES and the reload of ES are the
; workload's only segment loads: protected-mode descriptor loads here.
k_sort:
        movzx   esi, word [rng]
        and     esi, 0x02FE             ; even offset, 128 words fit in BUF_A
        add     esi, BUF_A
        les     edi, [sort_ptr]         ; ES:EDI = far pointer to SORTBUF
        mov     ecx, 128
        rep     movsw
        mov     ax, ds
        mov     es, ax

        mov     ebx, 1                  ; EBX = i, the element to insert
.outer:
        mov     ax, [SORTBUF+ebx*2]     ; key
        mov     edi, ebx
.inner:
        test    edi, edi
        jz      .place
        mov     dx, [SORTBUF+edi*2-2]
        cmp     dx, ax
        jle     .place
        mov     [SORTBUF+edi*2], dx     ; shift the larger element up
        dec     edi
        jmp     .inner
.place:
        mov     [SORTBUF+edi*2], ax
        inc     ebx
        cmp     ebx, 128
        jb      .outer

        ; Weighted sum: sum of a[i] * (i + 1), folding the high halves in
        ; with 16-bit end-around adds, as realmode_mix does.
        mov     esi, SORTBUF
        mov     ecx, 128
        mov     edi, 1                  ; weight
        xor     ebx, ebx
.weigh:
        lodsw
        mul     di
        add     bx, ax
        adc     bx, dx
        inc     edi
        loop    .weigh
        mov     eax, ebx
        call    mix

        ; Order check.
        mov     esi, SORTBUF
        mov     ecx, 127
        xor     edx, edx
.check:
        lodsw
        cmp     ax, [esi]
        jle     .ordered
        inc     edx
.ordered:
        loop    .check
        mov     eax, edx
        call    mix
        ret

; k_sieve: primes below N, N = 4096..8191 chosen by the generator. Counts the
; primes and sums them with LODSB (a 32-bit sum, folded in as two halves),
; and counts the composites with REPNE SCASB.
k_sieve:
        movzx   ebp, word [rng]
        and     ebp, 0x0FFF
        add     ebp, 4096               ; EBP = N

        mov     edi, SIEVE              ; everything starts as "prime"
        mov     ecx, ebp
        mov     al, 1
        rep     stosb
        mov     byte [SIEVE], 0
        mov     byte [SIEVE+1], 0

        mov     ebx, 2                  ; EBX = candidate
.outer:
        mov     eax, ebx
        mul     ebx                     ; EAX = EBX * EBX
        cmp     eax, ebp
        jae     .count
        cmp     byte [SIEVE+ebx], 0
        je      .next
        mov     edi, eax                ; cross out EBX^2, EBX^2 + EBX, ...
.mark:
        mov     byte [SIEVE+edi], 0
        add     edi, ebx
        cmp     edi, ebp
        jb      .mark
.next:
        inc     ebx
        jmp     .outer

.count:
        mov     esi, SIEVE
        mov     ecx, ebp
        xor     ebx, ebx                ; index
        xor     edx, edx                ; prime count
        xor     edi, edi                ; sum of primes
.scan:
        lodsb
        test    al, al
        jz      .composite
        inc     edx
        add     edi, ebx
.composite:
        inc     ebx
        loop    .scan
        mov     eax, edx
        call    mix
        mov     eax, edi
        call    mix
        shr     eax, 16
        call    mix

        mov     edi, SIEVE              ; composites: zero bytes, via REPNE SCASB
        mov     ecx, ebp
        xor     al, al
        xor     edx, edx
.find_zero:
        repne   scasb
        jne     .zeros_done             ; ran out without a match
        inc     edx
        jecxz   .zeros_done
        jmp     .find_zero
.zeros_done:
        mov     eax, edx
        call    mix
        ret

; k_text: make 2048 letters from {a,b,c,d}, count the occurrences of a 4-byte
; pattern taken from the text, count the 'd's, copy the text (REP MOVSD),
; change one byte and find it again with REPE CMPSW, upper-case the copy, and
; sum it.
k_text:
        mov     edi, TEXT
        mov     ecx, 2048
.gen:
        call    rand
        mov     al, ah
        and     al, 3
        add     al, 'a'
        stosb
        loop    .gen

        movzx   esi, word [rng]         ; pattern = 4 bytes at a random place
        and     esi, 0x03FF
        add     esi, TEXT
        mov     edi, pattern
        movsd

        mov     ebx, TEXT               ; naive search at every position
        xor     edx, edx
.try:
        mov     esi, pattern
        mov     edi, ebx
        mov     ecx, 4
        repe    cmpsb
        jne     .no_match
        inc     edx
.no_match:
        inc     ebx
        cmp     ebx, TEXT + 2048 - 3
        jb      .try
        mov     eax, edx
        call    mix

        mov     edi, TEXT               ; count the 'd's
        mov     ecx, 2048
        mov     al, 'd'
        xor     edx, edx
.find_d:
        repne   scasb
        jne     .d_done
        inc     edx
        jecxz   .d_done
        jmp     .find_d
.d_done:
        mov     eax, edx
        call    mix

        mov     esi, TEXT               ; copy, then flip the case of one byte
        mov     edi, TEXT2
        mov     ecx, 512
        rep     movsd
        movzx   ebx, word [rng]
        and     ebx, 0x07FF
        xor     byte [TEXT2+ebx], 0x20

        mov     esi, TEXT               ; find the differing word again
        mov     edi, TEXT2
        mov     ecx, 1024
        repe    cmpsw
        mov     eax, ecx                ; words left after the mismatch
        call    mix

        mov     esi, TEXT2              ; upper-case the copy in place
        mov     edi, esi
        mov     ecx, 2048
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

        mov     esi, TEXT2              ; 32-bit sum of the bytes
        mov     ecx, 2048
        xor     eax, eax
        xor     ebx, ebx
.sum:
        lodsb
        add     ebx, eax
        loop    .sum
        mov     eax, ebx
        call    mix
        shr     eax, 16
        call    mix
        ret

; k_divs: digit sums of 128 32-bit numbers (one 32-bit DIV by 10 per digit),
; GCDs of 64 word pairs (Euclid with DIV), and 64 signed divisions of words
; (IDIV). The 32-bit accumulator's low 16 bits are realmode_mix's BP.
k_divs:
        xor     ebp, ebp                ; accumulated result
        mov     esi, BUF_A
        mov     ecx, 128
        mov     ebx, 10
.number:
        lodsd
.digit:
        xor     edx, edx
        div     ebx
        add     ebp, edx                ; digit
        test    eax, eax
        jnz     .digit
        loop    .number

        mov     esi, BUF_A+512
        mov     ecx, 64
.gcd_pair:
        lodsw
        movzx   ebx, ax
        or      ebx, 1                  ; never divide by zero
        lodsw
        movzx   eax, ax
.euclid:
        xor     edx, edx
        div     ebx                     ; EDX = EAX mod EBX
        mov     eax, ebx
        mov     ebx, edx
        test    ebx, ebx
        jnz     .euclid
        add     ebp, eax                ; gcd
        loop    .gcd_pair

        mov     esi, BUF_A+768
        mov     ecx, 64
.signed:
        lodsw
        cwde
        cdq
        movzx   ebx, word [esi]
        and     ebx, 0x7FFF
        or      ebx, 2                  ; divisor 2..32767
        idiv    ebx
        add     ebp, eax                ; quotient
        xor     ebp, edx                ; remainder (sign of the dividend)
        loop    .signed

        mov     eax, ebp
        call    mix
        ret

; k_fib: recursive Fibonacci of 13..16 (753 to 3193 calls).
k_fib:
        movzx   eax, word [rng]
        and     eax, 3
        add     eax, 13
        push    eax
        call    fib
        call    mix
        ret

; fib(n): n is the dword on the stack (popped by the callee); returns EAX.
fib:
        push    ebp
        mov     ebp, esp
        mov     eax, [ebp+8]
        cmp     eax, 2
        jb      .done                   ; fib(0) = 0, fib(1) = 1
        dec     eax
        push    eax
        call    fib                     ; fib(n - 1)
        push    eax
        mov     eax, [ebp+8]
        sub     eax, 2
        push    eax
        call    fib                     ; fib(n - 2)
        pop     edx
        add     eax, edx
.done:
        pop     ebp
        ret     4

; k_matrix: C = A * B for 16x16 signed word matrices taken from BUF_A (low
; 16 bits of each dot product), then a rotate-and-add digest of C.
k_matrix:
        mov     ebx, MAT_A              ; EBX = &A[i][0]
        mov     edi, MATC               ; EDI = &C[i][j], in order
.row:
        xor     ecx, ecx                ; ECX = j
.column:
        lea     edx, [MAT_B+ecx*2]      ; EDX walks B[k][j] down the column
        xor     esi, esi                ; ESI = k
        xor     ebp, ebp
.dot:
        mov     ax, [ebx+esi*2]
        imul    ax, [edx]               ; A[i][k] * B[k][j], low 16 bits
        add     bp, ax
        add     edx, 32
        inc     esi
        cmp     esi, 16
        jb      .dot
        mov     [edi], bp
        add     edi, 2
        inc     ecx
        cmp     ecx, 16
        jb      .column
        add     ebx, 32
        cmp     ebx, MAT_A + 512
        jb      .row

        mov     esi, MATC
        mov     ecx, 256
        xor     edx, edx
.digest:
        lodsw
        ror     dx, 1
        add     dx, ax
        loop    .digest
        mov     eax, edx
        call    mix
        ret

; k_bignum: 128-bit Fibonacci numbers (A += B; B += A, 150 times) with ADC
; chains, then a one-bit RCL rotate of A and a 128-bit A - B with SBB, four
; dwords at a time; the digest reads A as eight words.
k_bignum:
        mov     edi, BIG_A              ; A = 0, B = (rng, 1, 0, ...) in words
        mov     ecx, 8
        xor     eax, eax
        rep     stosd
        movzx   eax, word [rng]
        or      eax, 0x10000
        mov     [BIG_B], eax

        mov     ebp, 150
.step:
        mov     esi, BIG_B
        mov     edi, BIG_A
        call    add128
        mov     esi, BIG_A
        mov     edi, BIG_B
        call    add128
        dec     ebp
        jnz     .step

        mov     edi, BIG_A              ; rotate A left by one through carry
        mov     ecx, 4
        clc
.rotate:
        rcl     dword [edi], 1
        lea     edi, [edi+4]            ; LEA keeps CF for the next RCL
        loop    .rotate

        mov     esi, BIG_B              ; A -= B
        mov     edi, BIG_A
        mov     ecx, 4
        clc
.subtract:
        lodsd
        sbb     [edi], eax
        lea     edi, [edi+4]
        loop    .subtract

        mov     esi, BIG_A              ; digest A
        mov     ecx, 8
        xor     edx, edx
.digest:
        lodsw
        xor     dx, ax
        rol     dx, 1
        loop    .digest
        mov     eax, edx
        call    mix
        ret

; [EDI] += [ESI], 128-bit.
add128:
        mov     ecx, 4
        clc
.dword:
        lodsd
        adc     [edi], eax
        lea     edi, [edi+4]
        loop    .dword
        ret

; k_hash: mixes every word of BUF_A into two 16-bit registers with
; data-dependent rotate counts (1..15) and arithmetic on the carry flag.
; With 32-bit registers to spare, the loop ends on the pointer instead of
; pushing a counter.
k_hash:
        mov     esi, BUF_A
        mov     ebx, 0x5A5A
        mov     edx, 0x1357
.word:
        lodsw
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
        shr     ax, 3
        xor     dx, ax
        cmp     esi, BUF_A + 1024
        jb      .word
        mov     eax, ebx
        call    mix
        mov     eax, edx
        call    mix
        ret

; k_interp: treats the low three bits of each byte of BUF_A as an opcode for
; a machine with two 16-bit registers (DX, DI) and runs it, dispatching with
; JMP [table+EBX*4].
k_interp:
        mov     esi, BUF_A
        mov     ecx, 1024
        mov     edx, 0x0F0F
        mov     edi, 1
.fetch:
        lodsb
        movzx   ebx, al
        and     ebx, 7
        jmp     [.ops+ebx*4]
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
        mov     eax, edx
        call    mix
        mov     eax, edi
        call    mix
        ret
        align   4
.ops:   dd      .op0, .op1, .op2, .op3, .op4, .op5, .op6, .op7

%ifdef MEM_PAGES
; k_mem: MEM_ACCESSES read-modify-writes of a dword, MEM_STRIDE bytes apart,
; wrapping around in the MEM_PAGES-page window at MEM_BASE. Every iteration
; walks the same addresses, so each load reads what the last iteration
; stored there. With 2048 pages consecutive accesses fall on consecutive
; pages and a page comes back only after 2047 others, the page 4 MiB away
; having taken its slot in a 1024-entry direct-mapped TLB in between: 97% of
; the loads miss. With a few pages they all stay in the TLB.
; The instructions are the same either way; only the addresses differ.
k_mem:
        mov     edx, [csum]
        xor     esi, esi                ; offset in the window
        mov     ecx, MEM_ACCESSES
.access:
        mov     eax, [MEM_BASE+esi]
        add     edx, eax
        mov     [MEM_BASE+esi], edx
        add     esi, MEM_STRIDE
        and     esi, MEM_SIZE - 1
        loop    .access
        mov     eax, edx
        call    mix
        shr     eax, 16
        call    mix
        ret
%endif

; ===========================================================================
%ifdef BOOT
payload_end:
PAYLOAD_SECTORS equ (payload_end - payload + 511) / 512
        times   -(PAYLOAD_SECTORS > 17) db 0    ; error: payload exceeds track 0
        times   (512 - ($-$$) % 512) % 512 db 0     ; whole sectors
image_end:
%else
        ; Pad to the reset vector at offset 0xFFF0: physical FFFF0, and
        ; FFFFFFF0 on a 386, where the image is mirrored below 4 GiB.
        times   0xFFF0-($-$$) db 0xFF
        bits    16
reset_vector:
        jmp     CODE_SEG:REAL(start)
        times   0x10000-($-$$) db 0xFF
image_end:
%endif
