; pm_v86: virtual-8086 mode under a small monitor.
;
; Checks: IRETD from ring 0 with VM=1 enters V86 mode (segments are
; real-mode style: base = selector*16); PUSHFD images have VM clear; with
; IOPL 3, CLI/STI run directly, POPF cannot change IOPL, and INT n goes
; through the protected-mode IDT to a ring-0 handler (frame with VM set and
; ES/DS/FS/GS pushed, those registers null in the handler) whose IRETD goes
; back to V86; IN/OUT obey the TSS I/O permission bitmap whatever IOPL (the
; debug port is allowed, port 0x80 denied -> #GP(0), emulated by the monitor);
; with IOPL 0, CLI/STI/PUSHF/POPF/INT n/IRET raise #GP(0) and the monitor
; emulates them (a virtual IF; INT reflected through the real-mode IVT).
; HLT (#GP at CPL 3) hands control back to protected mode.

%define TEST_NAME "pm_v86"
%include "pm.inc"

VEC_V86         equ 0x42        ; IDT: DPL-3 interrupt gate; IVT: rm_int42
V86_SS          equ 0x6000      ; V86 stack 6000:FFF0
V86_ES          equ 0x1234      ; segment values given to V86 code, to find them in frames
V86_FS          equ 0x2345
V86_GS          equ 0x3456
EMULATED_IN     equ 0x5A        ; what the monitor returns for IN from a denied port

%include "v86_monitor.inc"     ; the #GP frame (V_ERR..V_SS), v86 stack helpers

[absolute TEST_VARS]
saved_esp:      resd 1          ; enter_v86's stack, for the monitor's HLT
vif:            resd 1          ; the virtual IF (0 or FL_IF) kept by the monitor
cnt_cli:        resd 1          ; instructions the monitor emulated
cnt_sti:        resd 1
cnt_pushf:      resd 1
cnt_popf:       resd 1
cnt_int:        resd 1
cnt_iret:       resd 1
cnt_in:         resd 1
last_err:       resd 1          ; a non-zero #GP error code from V86, if any
hv_eflags:      resd 1          ; what the ring-0 INT handler saw (IOPL 3 phase)
hv_cs:          resd 1
hv_es:          resd 1
hv_ds:          resd 1
hv_fs:          resd 1
hv_gs:          resd 1
hv_esp:         resd 1
hv_segs_in:     resw 4          ; the handler's own DS, ES, FS, GS
__SECT__

test_main:
        SET_GATE IDT(13), SEL_CODE0, v86_monitor, GATE_INT32
        SET_GATE IDT(VEC_V86), SEL_CODE0, h_v86_int, GATE_INT32 | GATE_DPL3
        mov     word [VEC_V86 * 4], R(rm_int42)         ; the real-mode IVT entry
        mov     word [VEC_V86 * 4 + 2], 0xF000
        mov     word [0x10010], 0x8686  ; seen from V86 at 1001:0000

; --- IOPL 3 -------------------------------------------------------------------
        call    clear_counters
        mov     eax, FL_IOPL3
        mov     ebx, R(v86_iopl3)
        call    enter_v86
        PRINT   "back in protected mode", 10
        mov     eax, [hv_eflags]
        and     eax, FL_VM | FL_IOPL3
        CHECK   "IOPL 3: INT n from V86: frame EFLAGS has VM and IOPL 3", eax, FL_VM | FL_IOPL3
        CHECK   "IOPL 3: INT n from V86: frame CS", [hv_cs], 0xF000
        CHECK   "IOPL 3: INT n from V86: frame ES", [hv_es], V86_ES
        CHECK   "IOPL 3: INT n from V86: frame DS", [hv_ds], 0
        CHECK   "IOPL 3: INT n from V86: frame FS", [hv_fs], V86_FS
        CHECK   "IOPL 3: INT n from V86: frame GS", [hv_gs], V86_GS
        CHECK   "IOPL 3: INT n from V86: 9 dwords on the TSS.ESP0 stack", [hv_esp], STACK0_TOP - 36
        CHECK   "IOPL 3: INT n from V86: DS, ES null in the handler", [hv_segs_in], 0
        CHECK   "IOPL 3: INT n from V86: FS, GS null in the handler", [hv_segs_in + 4], 0
        CHECK   "IOPL 3: both INs trapped (bitmap)", [cnt_in], 2
        mov     eax, [cnt_cli]
        add     eax, [cnt_sti]
        add     eax, [cnt_pushf]
        add     eax, [cnt_popf]
        add     eax, [cnt_int]
        add     eax, [cnt_iret]
        CHECK   "IOPL 3: CLI/STI/PUSHF/POPF/INT/IRET not trapped", eax, 0

; --- IOPL 0 -------------------------------------------------------------------
        call    clear_counters
        mov     dword [vif], FL_IF
        xor     eax, eax
        mov     ebx, R(v86_iopl0)
        call    enter_v86
        PRINT   "back in protected mode", 10
        CHECK   "IOPL 0: CLI trapped", [cnt_cli], 1
        CHECK   "IOPL 0: STI trapped", [cnt_sti], 1
        CHECK   "IOPL 0: PUSHF trapped", [cnt_pushf], 2
        CHECK   "IOPL 0: POPF trapped", [cnt_popf], 1
        CHECK   "IOPL 0: INT n trapped", [cnt_int], 1
        CHECK   "IOPL 0: IRET trapped", [cnt_iret], 1
        CHECK   "IOPL 0: IN trapped", [cnt_in], 1
        CHECK   "V86 #GP error codes all 0", [last_err], 0
        SET_GATE IDT(13), SEL_CODE0, exc_stub_13, GATE_INT32
        jmp     finish

clear_counters:
        mov     edi, cnt_cli
        mov     ecx, 8
        xor     eax, eax
        rep stosd
        ret

; enter_v86: runs V86 code at F000:BX with EFLAGS = EAX | VM; returns here
; (ring 0, flat segments, IF clear) when that code executes HLT.
enter_v86:
        mov     [saved_esp], esp
        push    dword V86_GS
        push    dword V86_FS
        push    dword 0                 ; DS
        push    dword V86_ES
        push    dword V86_SS
        push    dword 0xFFF0            ; SP
        or      eax, FL_VM | 2
        push    eax
        push    dword 0xF000            ; CS
        push    ebx                     ; IP
        iretd

; The monitor: #GP handler. From V86, emulates the instruction at CS:IP;
; otherwise the usual catcher.
v86_monitor:
        test    dword [esp + V_EFLAGS], FL_VM
        jz      exc_stub_13
        pushad
        lea     ebp, [esp + 32]         ; the frame
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
        mov     eax, [ebp + V_ERR]
        or      [last_err], eax
        movzx   esi, word [ebp + V_CS]
        shl     esi, 4
        movzx   eax, word [ebp + V_EIP]
        add     esi, eax                ; ESI: linear address of the instruction
        mov     al, [esi]
        cmp     al, 0xFA
        je      .cli
        cmp     al, 0xFB
        je      .sti
        cmp     al, 0x9C
        je      .pushf
        cmp     al, 0x9D
        je      .popf
        cmp     al, 0xCD
        je      .int
        cmp     al, 0xCF
        je      .iret
        cmp     al, 0xE4
        je      .in
        cmp     al, 0xE5
        je      .in_word
        cmp     al, 0xF4
        je      .hlt
        PRINT   "FAIL monitor: unexpected #GP from V86 at linear "
        mov     eax, esi
        call    put_hex32
        call    newline
        jmp     abort

.cli:   inc     dword [cnt_cli]
        mov     dword [vif], 0
        jmp     .next1
.sti:   inc     dword [cnt_sti]
        mov     dword [vif], FL_IF
        jmp     .next1
.pushf: inc     dword [cnt_pushf]
        call    .flags_image
        call    v86_push16
        jmp     .next1
.popf:  inc     dword [cnt_popf]
        call    v86_pop16
        call    .load_flags
        jmp     .next1
.in:    inc     dword [cnt_in]
        mov     byte [ebp - 4], EMULATED_IN     ; AL in the PUSHAD image
        add     word [ebp + V_EIP], 2
        jmp     .resume
.in_word:
        inc     dword [cnt_in]
        mov     word [ebp - 4], EMULATED_IN * 0x101     ; AX
        add     word [ebp + V_EIP], 2
        jmp     .resume
.int:   inc     dword [cnt_int]         ; reflect through the IVT, like a real-mode INT
        movzx   ebx, byte [esi + 1]
        call    .flags_image
        call    v86_push16
        mov     ax, [ebp + V_CS]
        call    v86_push16
        mov     ax, [ebp + V_EIP]
        add     ax, 2
        call    v86_push16
        mov     dword [vif], 0
        movzx   eax, word [ebx * 4]
        mov     [ebp + V_EIP], eax
        movzx   eax, word [ebx * 4 + 2]
        mov     [ebp + V_CS], eax
        jmp     .resume
.iret:  inc     dword [cnt_iret]
        call    v86_pop16
        movzx   eax, ax
        mov     [ebp + V_EIP], eax
        call    v86_pop16
        mov     [ebp + V_CS], ax
        call    v86_pop16
        call    .load_flags
        jmp     .resume
.hlt:   mov     ax, SEL_DATA0           ; done: back to enter_v86's caller
        mov     fs, ax
        mov     gs, ax
        mov     esp, [saved_esp]
        ret

.next1: inc     word [ebp + V_EIP]
.resume:
        popad
        add     esp, 4                  ; the error code
        iretd

.flags_image:                           ; AX = FLAGS as V86 code should see them
        mov     ax, [ebp + V_EFLAGS]
        and     ax, ~FL_IF & 0xFFFF
        or      ax, [vif]
        ret
.load_flags:                            ; from AX: arithmetic flags, DF, and the virtual IF
        mov     cx, ax
        and     cx, FL_IF
        mov     [vif], cx
        and     ax, 0x0CD5              ; OF DF SF ZF AF PF CF
        and     word [ebp + V_EFLAGS], ~0x0CD5 & 0xFFFF
        or      [ebp + V_EFLAGS], ax
        ret

        V86_STACK_HELPERS

; INT VEC_V86 from V86 with IOPL 3: a ring-0 handler. DS/ES/FS/GS are null
; here, so it stores through SS. Sets BX = 0x4242 for the V86 code.
h_v86_int:                              ; EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS
        push    eax
        mov     eax, [esp + 4 + 8]
        mov     [ss:hv_eflags], eax
        movzx   eax, word [esp + 4 + 4]
        mov     [ss:hv_cs], eax
        movzx   eax, word [esp + 4 + 20]
        mov     [ss:hv_es], eax
        movzx   eax, word [esp + 4 + 24]
        mov     [ss:hv_ds], eax
        movzx   eax, word [esp + 4 + 28]
        mov     [ss:hv_fs], eax
        movzx   eax, word [esp + 4 + 32]
        mov     [ss:hv_gs], eax
        lea     eax, [esp + 4]
        mov     [ss:hv_esp], eax
        mov     [ss:hv_segs_in], ds
        mov     [ss:hv_segs_in + 2], es
        mov     [ss:hv_segs_in + 4], fs
        mov     [ss:hv_segs_in + 6], gs
        pop     eax
        mov     bx, 0x4242
        iretd

; --- Virtual-8086 code (CS = F000) -------------------------------------------
        bits    16

v86_iopl3:
        call    print16
        db      "in virtual-8086 mode, IOPL 3", 10, 0
        mov     ax, cs
        CHECK16 "V86: CS = F000", ax, 0xF000
        mov     ax, 0x1001
        mov     es, ax
        mov     ax, [es:0]
        CHECK16 "V86: ES = 1001 reads linear 0x10010", ax, 0x8686
        mov     ax, V86_ES
        mov     es, ax
        pushfd
        pop     eax
        shr     eax, 16
        CHECK16 "V86: PUSHFD image has VM (and RF) clear", ax, 0

        cli                             ; IOPL 3: these run, no trap
        pushf
        pop     ax
        and     ax, FL_IF
        CHECK16 "IOPL 3: CLI clears IF", ax, 0
        sti
        pushf
        pop     ax
        and     ax, FL_IF
        CHECK16 "IOPL 3: STI sets IF", ax, FL_IF
        cli
        pushf
        pop     ax
        and     ax, ~FL_IOPL3 & 0xFFFF
        push    ax
        popf
        pushf
        pop     ax
        and     ax, FL_IOPL3
        CHECK16 "IOPL 3: POPF cannot change IOPL", ax, FL_IOPL3

        ; I/O: print16 writes port 0xE9, allowed by the bitmap (an OUT trap
        ; would stop the monitor). Port 0x80 is denied, and so is a word at
        ; 0xE9, as port 0xEA is denied.
        in      al, 0x80
        xor     ah, ah
        CHECK16 "IOPL 3: IN from a denied port, emulated by the monitor", ax, EMULATED_IN
        in      ax, 0xE9
        CHECK16 "IOPL 3: IN word at 0xE9 (0xEA denied), emulated", ax, EMULATED_IN * 0x101
        xor     bx, bx
        int     VEC_V86                 ; through the IDT to h_v86_int, at ring 0
        CHECK16 "IOPL 3: INT n through the IDT to ring 0 and back", bx, 0x4242
        mov     ax, es
        CHECK16 "IOPL 3: IRETD to V86 restores ES", ax, V86_ES
        mov     ax, fs
        CHECK16 "IOPL 3: IRETD to V86 restores FS", ax, V86_FS
        hlt                             ; back to protected mode

v86_iopl0:
        call    print16
        db      "in virtual-8086 mode, IOPL 0", 10, 0
        cli                             ; every one of these traps to the monitor
        pushf
        pop     ax
        and     ax, FL_IF
        CHECK16 "IOPL 0: CLI and PUSHF emulated: virtual IF clear", ax, 0
        sti
        pushf
        pop     ax
        and     ax, FL_IF
        CHECK16 "IOPL 0: STI and PUSHF emulated: virtual IF set", ax, FL_IF
        mov     ax, FL_CF
        push    ax
        popf
        sbb     ax, ax
        CHECK16 "IOPL 0: POPF emulated: CF loaded", ax, 0xFFFF
        xor     bx, bx
        int     VEC_V86                 ; reflected to rm_int42 through the IVT
        CHECK16 "IOPL 0: INT n reflected through the IVT (and IRET emulated)", bx, 0x4242
        in      al, 0x80
        xor     ah, ah
        CHECK16 "IOPL 0: IN from a denied port, emulated", ax, EMULATED_IN
        hlt

rm_int42:                               ; the real-mode handler, reached through the IVT
        mov     bx, 0x4242
        iret

        ROM_END
