; pm_smc: self-modifying code, in RAM.
;
; Checks that code modified by stores runs as modified: an instruction a few
; bytes ahead in the same page, rewritten on every pass of a loop (a stale
; decode would repeat an old value); code in a distant page, patched and
; rewritten and called again; code written through another linear alias of its
; physical page; code replaced by REP MOVSB, from the caller and from the
; block just before the target.
;
; Each store to code is followed by a jump (or a call) before the modified
; bytes run: the 486 needs that to flush its prefetch queue (Intel SDM
; vol. 3, "Self-modifying code"), so running them without one is not tested.

%define TEST_NAME "pm_smc"
%include "pm.inc"

CODE_LOOP       equ 0x30000             ; smc_loop, copied here
CODE_FAR        equ 0x38000             ; code built byte by byte
CODE_ALIAS      equ 0x39000             ; also linear L_ALIAS
CODE_COPY       equ 0x3A000             ; replaced wholesale by REP MOVSB
CODE_SELF       equ 0x3B000             ; self_copy, copied here
L_ALIAS         equ 0x400000

%define IN_LOOP(label) (CODE_LOOP + (label) - smc_loop)
%define IN_SELF(label) (CODE_SELF + (label) - self_copy)

test_main:
; --- The instruction ahead, rewritten on every pass -----------------------------
        mov     esi, smc_loop
        mov     edi, CODE_LOOP
        mov     ecx, smc_loop.end - smc_loop
        rep movsb
        call    CODE_LOOP
        CHECK   "same page: immediate rewritten on each of 10 passes (sum 10..1)", ebx, 55
        call    CODE_LOOP
        CHECK   "same page: and again, from the start", ebx, 55

; --- A distant page: patched, then rewritten ---------------------------------------
        mov     byte [CODE_FAR], 0xB8   ; mov eax, 1
        mov     dword [CODE_FAR + 1], 1
        mov     byte [CODE_FAR + 5], 0xC3       ; ret
        call    CODE_FAR
        CHECK   "distant page: first version", eax, 1
        mov     byte [CODE_FAR + 1], 2  ; patch one byte of the immediate
        call    CODE_FAR
        CHECK   "distant page: immediate patched", eax, 2
        mov     dword [CODE_FAR], 0x48C031 ; xor eax, eax / dec eax / ret (0xC3 below)
        mov     byte [CODE_FAR + 3], 0xC3
        call    CODE_FAR
        CHECK   "distant page: instructions replaced", eax, 0xFFFFFFFF

; --- Through an alias: the same physical page at two linear addresses ----------------
        call    setup_paging
        mov     dword [PT1], CODE_ALIAS | PG_P | PG_RW | PG_US
        mov     byte [CODE_ALIAS], 0xB8 ; mov eax, 0x100 / ret
        mov     dword [CODE_ALIAS + 1], 0x100
        mov     byte [CODE_ALIAS + 5], 0xC3
        call    CODE_ALIAS
        CHECK   "alias: first version", eax, 0x100
        mov     dword [L_ALIAS + 1], 0x200      ; written through the alias...
        call    CODE_ALIAS                      ; ...run through the identity mapping
        CHECK   "alias: written at the alias, run at the identity address", eax, 0x200
        call    L_ALIAS
        CHECK   "alias: run at the alias", eax, 0x200
        mov     dword [CODE_ALIAS + 1], 0x300   ; written at the identity address...
        call    L_ALIAS                         ; ...run through the alias
        CHECK   "alias: written at the identity address, run at the alias", eax, 0x300

; --- REP MOVSB over code ------------------------------------------------------------
        mov     esi, ret_one
        mov     edi, CODE_COPY
        mov     ecx, ret_one.end - ret_one
        rep movsb
        call    CODE_COPY
        CHECK   "REP MOVSB: first code", eax, 1
        mov     esi, ret_two
        mov     edi, CODE_COPY
        mov     ecx, ret_two.end - ret_two
        rep movsb
        call    CODE_COPY
        CHECK   "REP MOVSB: replaced code", eax, 0x22222222

        mov     esi, self_copy          ; code whose REP MOVSB rewrites what follows it
        mov     edi, CODE_SELF
        mov     ecx, self_copy.end - self_copy
        rep movsb
        mov     esi, mov_a
        call    CODE_SELF
        CHECK   "REP MOVSB rewriting the next instructions: first", eax, 0xAAAA0001
        mov     esi, mov_b
        call    CODE_SELF
        CHECK   "REP MOVSB rewriting the next instructions: second", eax, 0xBBBB0002
        mov     esi, mov_a
        call    CODE_SELF
        CHECK   "REP MOVSB rewriting the next instructions: first again", eax, 0xAAAA0001
        jmp     finish

; Runs at CODE_LOOP: adds 10, 9, ..., 1 into EBX, each taken from the
; immediate of an instruction the loop rewrites just before running it.
smc_loop:
        xor     ebx, ebx
        mov     ecx, 10
.pass:  mov     [IN_LOOP(.patch) + 1], ecx
        jmp     .patch
.patch: mov     eax, 0x0BADC0DE
        add     ebx, eax
        loop    .pass
        ret
.end:

; Runs at CODE_SELF: copies the 5-byte MOV EAX, imm32 at ESI over .target, then runs it.
self_copy:
        mov     edi, IN_SELF(.target)
        mov     ecx, 5
        rep movsb
        jmp     .target
.target: mov    eax, 0x0BADC0DE
        ret
.end:

ret_one:
        mov     eax, 1
        ret
.end:
ret_two:
        nop
        mov     eax, 0x22222222
        ret
.end:
mov_a:  mov     eax, 0xAAAA0001
mov_b:  mov     eax, 0xBBBB0002

        ROM_END
