; pm_vme: virtual-8086 mode extensions (CR4.VME) and protected-mode virtual
; interrupts (CR4.PVI), Pentium and later.
;
; Checks: CPUID.1:EDX.VME; CR4.VME/PVI can be set. In virtual-8086 mode with
; VME and IOPL 0: CLI/STI change VIF and leave IF alone; 16-bit PUSHF shows
; VIF as IF and IOPL as 3; 16-bit POPF loads VIF from the popped IF; POPF
; with TF set, and the 32-bit forms, still go to the monitor (#GP). With VIP
; set: STI, and POPF/IRET enabling interrupts, go to the monitor; CLI and
; POPF/IRET leaving them disabled do not. INT n whose bit is clear in the
; TSS's interrupt redirection bitmap runs the v86 task's own IVT handler
; without leaving v86 mode (pushed FLAGS: IF from VIF, IOPL 3; handler runs
; with VIF clear, IF untouched; its IRET restores VIF); a set bit sends INT n
; to the monitor (IOPL 0) or through the IDT (IOPL 3). With IOPL 3 a clear bit
; redirects too, with the real IF. Without VME everything traps as on a 386.
; PVI: at CPL 3 with IOPL 0, CLI/STI change VIF (STI with VIP: #GP(0)); POPFD
; does not; with IOPL 3 they change IF; without PVI, CLI faults.
;
; Every v86 #GP goes to a small monitor that counts it and emulates just
; enough; "in al, 0x80" (a port the I/O bitmap denies) is the probe that
; makes the monitor record the real EFLAGS.

%define TEST_NAME "pm_vme"
%include "pm.inc"
        cpu     686

CR4_VME         equ 1 << 0
CR4_PVI         equ 1 << 1
FL_VIF          equ 1 << 19
FL_VIP          equ 1 << 20
HI_VIF          equ FL_VIF >> 16   ; as seen in the high word of EFLAGS
HI_VIP          equ FL_VIP >> 16

VME_IOMAP       equ IOMAP_BASE + 32     ; I/O bitmap moved up: the redirection bitmap goes below it
REDIR_MAP       equ TSS_BASE + VME_IOMAP - 32
VEC_REDIR       equ 0x42    ; redirection bit clear: IVT handler rm_int42
VEC_IDT         equ 0x43    ; bit set: monitor (IOPL 0) or IDT handler h_int43 (IOPL 3)
VEC_SET_VIP     equ 0x44    ; bit set: the monitor sets VIP ("an interrupt is pending")
PROBE_PORT      equ 0x80    ; denied: the monitor records EFLAGS in probe_flags
V86_SS          equ 0x1000  ; v86 stack 1000:FFF0

%include "v86_monitor.inc"     ; the #GP frame (V_ERR..V_SS), v86 stack helpers

[absolute TEST_VARS]
saved_esp:      resd 1
counters:
cnt_cli:        resd 1      ; #GPs from v86, by instruction
cnt_sti:        resd 1
cnt_pushf:      resd 1
cnt_popf:       resd 1
cnt_int:        resd 1
cnt_iret:       resd 1
cnt_in:         resd 1
cnt_o32:        resd 1      ; PUSHFD/POPFD/IRETD
idt42:          resd 1      ; IDT handlers entered from v86
idt43:          resd 1
last_int_vec:   resd 1
last_err:       resd 1
probe_flags:    resd 1      ; EFLAGS at the last probe
int_flags:      resd 1      ; what rm_int42 saw: the pushed FLAGS,
int_cs:         resd 1      ;   the pushed CS,
int_pushf:      resd 1      ;   PUSHF inside the handler,
int_real:       resd 1      ;   the real EFLAGS inside the handler (probe)
counters_end:
__SECT__

; Loads EFLAGS (and IOPL) at ring 0 through IRETD, the only way to set VIF/VIP.
%macro LOAD_EFLAGS 1
        push    dword (%1) | 2
        push    dword SEL_CODE0
        push    dword %%next
        iretd
%%next:
%endmacro

test_main:
        mov     eax, 1
        cpuid
        and     edx, 1 << 1
        CHECK   "CPUID.1:EDX.VME", edx, 1 << 1
        mov     eax, cr4
        or      eax, CR4_VME | CR4_PVI
        mov     cr4, eax
        mov     eax, cr4
        and     eax, CR4_VME | CR4_PVI
        CHECK   "CR4.VME and CR4.PVI can be set", eax, CR4_VME | CR4_PVI

        ; The I/O bitmap moves up 32 bytes (only port 0xE9 allowed; ports
        ; past the TSS limit are denied); below it, the redirection bitmap.
        mov     word [TSS_BASE + TSS_IOMAP], VME_IOMAP
        mov     edi, TSS_BASE + VME_IOMAP
        mov     ecx, TSS_LIMIT + 1 - VME_IOMAP
        mov     al, 0xFF
        rep stosb
        and     byte [TSS_BASE + VME_IOMAP + 0xE9 / 8], ~(1 << (0xE9 % 8)) & 0xFF
        mov     edi, REDIR_MAP
        mov     ecx, 32
        xor     eax, eax
        rep stosb
        or      byte [REDIR_MAP + VEC_IDT / 8], 1 << (VEC_IDT % 8)
        or      byte [REDIR_MAP + VEC_SET_VIP / 8], 1 << (VEC_SET_VIP % 8)

        SET_GATE IDT(13), SEL_CODE0, v86_monitor, GATE_INT32
        SET_GATE IDT(VEC_REDIR), SEL_CODE0, h_int42, GATE_INT32 | GATE_DPL3
        SET_GATE IDT(VEC_IDT), SEL_CODE0, h_int43, GATE_INT32 | GATE_DPL3
        mov     word [VEC_REDIR * 4], R(rm_int42)       ; the v86 task's IVT at linear 0
        mov     word [VEC_REDIR * 4 + 2], 0xF000
        mov     word [VEC_IDT * 4], R(rm_wrong)
        mov     word [VEC_IDT * 4 + 2], 0xF000

; --- VME, IOPL 0 -------------------------------------------------------------
        call    clear_counters
        mov     eax, FL_IF | FL_VIF
        mov     ebx, R(v86_vme)
        call    enter_v86
        PRINT   "back in protected mode", 10
        mov     eax, [cnt_cli]
        add     eax, [cnt_sti]
        add     eax, [cnt_pushf]
        add     eax, [cnt_iret]
        add     eax, [idt42]
        add     eax, [idt43]
        CHECK   "VME, IOPL 0: CLI/STI/PUSHF/IRET not trapped, no IDT handler", eax, 0
        CHECK   "VME, IOPL 0: POPF trapped once (TF)", [cnt_popf], 1
        CHECK   "VME, IOPL 0: INT n trapped once (bit set)", [cnt_int], 1
        CHECK   "VME, IOPL 0: ...for that vector", [last_int_vec], VEC_IDT
        CHECK   "VME, IOPL 0: PUSHFD, POPFD and IRETD trapped", [cnt_o32], 3
        CHECK   "VME, IOPL 0: #GP error codes 0", [last_err], 0

; --- VME, IOPL 0, an interrupt pending (VIP) -----------------------------------
        call    clear_counters
        mov     eax, FL_IF | FL_VIP
        mov     ebx, R(v86_vip)
        call    enter_v86
        PRINT   "back in protected mode", 10
        CHECK   "VIP: CLI not trapped", [cnt_cli], 0
        CHECK   "VIP: STI trapped once", [cnt_sti], 1
        CHECK   "VIP: POPF trapped once", [cnt_popf], 1
        CHECK   "VIP: IRET trapped twice", [cnt_iret], 2
        CHECK   "VIP: #GP error codes 0", [last_err], 0

; --- VME, IOPL 3 ---------------------------------------------------------------
        call    clear_counters
        mov     eax, FL_IF | FL_IOPL3
        mov     ebx, R(v86_iopl3)
        call    enter_v86
        PRINT   "back in protected mode", 10
        CHECK   "VME, IOPL 3: INT n with a clear bit: no IDT handler", [idt42], 0
        CHECK   "VME, IOPL 3: INT n with a set bit: the IDT handler", [idt43], 1
        mov     eax, [cnt_cli]
        add     eax, [cnt_sti]
        add     eax, [cnt_pushf]
        add     eax, [cnt_popf]
        add     eax, [cnt_int]
        add     eax, [cnt_iret]
        CHECK   "VME, IOPL 3: nothing but the probes trapped", eax, 0

; --- No VME (PVI still on), IOPL 0: everything traps ----------------------------
        mov     eax, cr4
        and     eax, ~CR4_VME
        mov     cr4, eax
        call    clear_counters
        mov     eax, FL_IF | FL_VIF
        mov     ebx, R(v86_novme)
        call    enter_v86
        PRINT   "back in protected mode", 10
        CHECK   "no VME: CLI trapped", [cnt_cli], 1
        CHECK   "no VME: STI trapped", [cnt_sti], 1
        CHECK   "no VME: PUSHF trapped", [cnt_pushf], 1
        CHECK   "no VME: POPF trapped", [cnt_popf], 1
        CHECK   "no VME: INT n trapped although its bit is clear", [cnt_int], 1
        CHECK   "no VME: ...for that vector", [last_int_vec], VEC_REDIR
        CHECK   "no VME: IRET trapped", [cnt_iret], 1
        SET_GATE IDT(13), SEL_CODE0, exc_stub_13, GATE_INT32

; --- PVI: CLI/STI at CPL 3 ------------------------------------------------------
        LOAD_EFLAGS FL_IF | FL_VIF
        RING3
        cli                             ; IOPL 0, PVI: VIF, no fault
        pushfd
        pop     eax
        and     eax, FL_IF | FL_VIF | FL_VIP
        CHECK   "PVI: CLI at CPL 3 clears VIF, leaves IF", eax, FL_IF
        sti
        pushfd
        pop     eax
        and     eax, FL_IF | FL_VIF | FL_VIP
        CHECK   "PVI: STI at CPL 3 sets VIF", eax, FL_IF | FL_VIF
        pushfd                          ; POPFD is not virtualized: IF silently kept, VIF untouched
        and     dword [esp], ~(FL_IF | FL_VIF)
        popfd
        pushfd
        pop     eax
        and     eax, FL_IF | FL_VIF
        CHECK   "PVI: POPFD at CPL 3 changes neither IF nor VIF", eax, FL_IF | FL_VIF
        RING0

        LOAD_EFLAGS FL_IF | FL_VIP
        RING3
        cli                             ; clearing VIF is fine with VIP set
        CATCH   .f_sti
.i_sti: sti
.f_sti: CHECK_FAULT "PVI: STI at CPL 3 with VIP set -> #GP(0)", 13, 0, .i_sti
        pushfd
        pop     eax
        and     eax, FL_VIF | FL_VIP
        CHECK   "PVI: ...VIF still clear", eax, FL_VIP

        LOAD_EFLAGS FL_IF | FL_IOPL3 | FL_VIF
        RING3
        cli                             ; IOPL 3: the real IF
        pushfd
        pop     eax
        sti
        and     eax, FL_IF | FL_VIF
        CHECK   "PVI, IOPL 3: CLI at CPL 3 clears IF, leaves VIF", eax, FL_VIF
        RING0

        mov     eax, cr4
        and     eax, ~CR4_PVI
        mov     cr4, eax
        LOAD_EFLAGS FL_IF
        RING3
        CATCH   .f_cli
.i_cli: cli
.f_cli: CHECK_FAULT "no PVI: CLI at CPL 3, IOPL 0 -> #GP(0)", 13, 0, .i_cli
        LOAD_EFLAGS 0
        jmp     finish

clear_counters:
        mov     edi, counters
        mov     ecx, (counters_end - counters) / 4
        xor     eax, eax
        rep stosd
        ret

; enter_v86: runs v86 code at F000:BX with EFLAGS = EAX | VM (data segments
; 0, stack 1000:FFF0); returns here (ring 0) when that code executes HLT.
enter_v86:
        mov     [saved_esp], esp
        push    dword 0                 ; GS
        push    dword 0                 ; FS
        push    dword 0                 ; DS
        push    dword 0                 ; ES
        push    dword V86_SS
        push    dword 0xFFF0
        or      eax, FL_VM | 2
        push    eax
        push    dword 0xF000
        push    ebx
        iretd

; The monitor (#GP handler): counts what v86 code trapped on and emulates
; just enough; other #GPs go to the usual catcher.
v86_monitor:
        test    dword [esp + V_EFLAGS], FL_VM
        jz      exc_stub_13
        pushad
        lea     ebp, [esp + 32]
        mov     ax, SEL_DATA0
        mov     ds, ax
        mov     es, ax
        mov     eax, [ebp + V_ERR]
        or      [last_err], eax
        movzx   esi, word [ebp + V_CS]
        shl     esi, 4
        movzx   eax, word [ebp + V_EIP]
        add     esi, eax                ; linear address of the instruction
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
        je      .probe
        cmp     al, 0x66
        je      .o32
        cmp     al, 0xF4
        je      .hlt
        PRINT   "FAIL monitor: unexpected #GP from v86 at linear "
        mov     eax, esi
        call    put_hex32
        call    newline
        jmp     abort

.cli:   inc     dword [cnt_cli]
        jmp     .next1
.sti:   inc     dword [cnt_sti]         ; deliver the pending interrupt (nothing), enable
        call    .enable
        jmp     .next1
.pushf: inc     dword [cnt_pushf]
        mov     ax, [ebp + V_EFLAGS]
        call    v86_push16
        jmp     .next1
.popf:  inc     dword [cnt_popf]        ; the image is dropped; only its IF counts
        call    v86_pop16
        test    ax, FL_IF
        jz      .next1
        call    .enable
        jmp     .next1
.int:   inc     dword [cnt_int]
        movzx   eax, byte [esi + 1]
        mov     [last_int_vec], eax
        cmp     al, VEC_SET_VIP
        jne     .next2
        or      dword [ebp + V_EFLAGS], FL_VIP
        jmp     .next2
.iret:  inc     dword [cnt_iret]        ; IP, CS, and IF as VIF; VIP cleared
        call    v86_pop16
        movzx   eax, ax
        mov     [ebp + V_EIP], eax
        call    v86_pop16
        movzx   eax, ax
        mov     [ebp + V_CS], eax
        call    v86_pop16
        and     dword [ebp + V_EFLAGS], ~(FL_VIF | FL_VIP)
        test    ax, FL_IF
        jz      .resume
        or      dword [ebp + V_EFLAGS], FL_VIF
        jmp     .resume
.probe: inc     dword [cnt_in]
        mov     eax, [ebp + V_EFLAGS]
        mov     [probe_flags], eax
        jmp     .next2
.o32:   inc     dword [cnt_o32]         ; PUSHFD/POPFD/IRETD: skipped, the code fixes its stack
        jmp     .next2
.hlt:   mov     ax, SEL_DATA0           ; done: back to enter_v86's caller
        mov     fs, ax
        mov     gs, ax
        mov     esp, [saved_esp]
        ret

.next2: inc     word [ebp + V_EIP]
.next1: inc     word [ebp + V_EIP]
.resume:
        popad
        add     esp, 4                  ; the error code
        iretd

.enable:
        and     dword [ebp + V_EFLAGS], ~FL_VIP
        or      dword [ebp + V_EFLAGS], FL_VIF
        ret

        V86_STACK_HELPERS

; IDT handlers for INT n from v86 (ring 0, DS null: stores through SS).
h_int42:                                ; must never run: the bit is clear
        inc     dword [ss:idt42]
        mov     bx, 0x0BAD
        iretd
h_int43:
        inc     dword [ss:idt43]
        mov     bx, 0x4343
        iretd

; --- Virtual-8086 code (CS = F000, DS = 0) -----------------------------------
        bits    16

; Copies the probe's EFLAGS to AX (IF etc.) and DX (VIF/VIP in the high word).
%macro PROBE 0
        in      al, PROBE_PORT
        mov     ax, [probe_flags]
        mov     dx, [probe_flags + 2]
%endmacro

v86_vme:
        call    print16
        db      "in virtual-8086 mode, VME, IOPL 0", 10, 0
        pushf
        pop     ax
        mov     bx, ax
        and     ax, FL_IF
        CHECK16 "VME: PUSHF shows VIF (set) as IF", ax, FL_IF
        and     bx, FL_IOPL3
        CHECK16 "VME: PUSHF shows IOPL as 3", bx, FL_IOPL3
        cli
        pushf
        pop     ax
        and     ax, FL_IF
        CHECK16 "VME: CLI, then PUSHF shows IF clear", ax, 0
        PROBE
        and     ax, FL_IF
        and     dx, HI_VIF | HI_VIP
        CHECK16 "VME: CLI leaves the real IF set", ax, FL_IF
        CHECK16 "VME: CLI clears VIF", dx, 0
        sti
        PROBE
        and     ax, FL_IF
        and     dx, HI_VIF | HI_VIP
        CHECK16 "VME: STI, real IF still set", ax, FL_IF
        CHECK16 "VME: STI sets VIF", dx, HI_VIF
        pushf
        pop     ax
        and     ax, FL_IF
        CHECK16 "VME: STI, then PUSHF shows IF set", ax, FL_IF

        mov     ax, FL_CF               ; IF clear in the image
        push    ax
        popf
        sbb     cx, cx
        CHECK16 "VME: POPF loads CF", cx, 0xFFFF
        PROBE
        and     ax, FL_IF
        and     dx, HI_VIF | HI_VIP
        CHECK16 "VME: POPF (IF clear) keeps the real IF", ax, FL_IF
        CHECK16 "VME: POPF (IF clear) clears VIF", dx, 0
        mov     ax, FL_IF
        push    ax
        popf
        PROBE
        and     dx, HI_VIF | HI_VIP
        CHECK16 "VME: POPF (IF set) sets VIF", dx, HI_VIF
        mov     ax, FL_IF | FL_TF
        push    ax
        popf                            ; TF: to the monitor
        CHECK16 "VME: POPF setting TF goes to the monitor", [cnt_popf], 1
        o32 pushf                       ; the 32-bit forms still go to the monitor
        push    dword 0
        o32 popf
        add     sp, 4
        push    dword 0
        push    dword 0
        push    dword 0
        o32 iret
        add     sp, 12
        CHECK16 "VME: PUSHFD, POPFD and IRETD go to the monitor", [cnt_o32], 3

        ; INT n, redirection bit clear: the IVT handler, in v86 mode
        xor     bx, bx
        int     VEC_REDIR
        CHECK16 "VME: INT n (bit clear) runs the IVT handler and returns", bx, 0x4242
        CHECK16 "VME: ...pushed CS", [int_cs], 0xF000
        mov     ax, [int_flags]
        and     ax, FL_IF | FL_IOPL3
        CHECK16 "VME: ...pushed FLAGS: IF = VIF (set), IOPL 3", ax, FL_IF | FL_IOPL3
        mov     ax, [int_pushf]
        and     ax, FL_IF
        CHECK16 "VME: ...handler runs with VIF clear (PUSHF)", ax, 0
        mov     ax, [int_real]
        and     ax, FL_IF
        CHECK16 "VME: ...and the real IF untouched", ax, FL_IF
        mov     ax, [int_real + 2]
        and     ax, HI_VIF | HI_VIP | (FL_VM >> 16)
        CHECK16 "VME: ...in v86 mode with VIF clear", ax, FL_VM >> 16
        pushf
        pop     ax
        and     ax, FL_IF
        CHECK16 "VME: ...its IRET restored VIF", ax, FL_IF
        cli
        int     VEC_REDIR
        mov     ax, [int_flags]
        and     ax, FL_IF
        CHECK16 "VME: INT n with VIF clear pushes IF clear", ax, 0
        pushf
        pop     ax
        and     ax, FL_IF
        CHECK16 "VME: ...and VIF is still clear after its IRET", ax, 0
        sti
        CHECK16 "VME: redirected INT n and IRET did not trap", [cnt_int], 0

        mov     bx, 0x1111              ; INT n, bit set, IOPL 0: to the monitor
        int     VEC_IDT
        CHECK16 "VME: INT n (bit set, IOPL 0) goes to the monitor", [cnt_int], 1
        CHECK16 "VME: ...not to the IVT or IDT handler", bx, 0x1111
        hlt

v86_vip:
        call    print16
        db      "in virtual-8086 mode, VME, IOPL 0, VIP set", 10, 0
        cli                             ; no trap with VIP
        mov     ax, FL_CF               ; POPF leaving interrupts disabled: no trap
        push    ax
        popf
        CHECK16 "VIP: CLI and POPF (IF clear) do not trap", [cnt_popf], 0
        mov     ax, FL_IF
        push    ax
        popf                            ; enabling with an interrupt pending: monitor
        CHECK16 "VIP: POPF setting IF goes to the monitor", [cnt_popf], 1
        PROBE
        and     dx, HI_VIF | HI_VIP
        CHECK16 "VIP: (the monitor cleared VIP, set VIF)", dx, HI_VIF

        cli
        int     VEC_SET_VIP             ; the monitor sets VIP
        PROBE
        and     dx, HI_VIF | HI_VIP
        CHECK16 "VIP: set by the monitor, VIF clear", dx, HI_VIP
        sti
        CHECK16 "VIP: STI goes to the monitor", [cnt_sti], 1
        pushf
        pop     ax
        and     ax, FL_IF
        CHECK16 "VIP: (the monitor set VIF)", ax, FL_IF

        cli
        int     VEC_SET_VIP
        push    word FL_CF              ; IRET leaving interrupts disabled: no trap
        push    cs
        push    word R(.ret1)
        iret
.ret1:  CHECK16 "VIP: IRET (IF clear) does not trap", [cnt_iret], 0
        push    word FL_IF              ; enabling: to the monitor, which emulates it
        push    cs
        push    word R(.ret2)
        iret
.ret2:  CHECK16 "VIP: IRET setting IF goes to the monitor", [cnt_iret], 1
        push    word FL_TF              ; TF: to the monitor
        push    cs
        push    word R(.ret3)
        iret
.ret3:  CHECK16 "VIP: IRET setting TF goes to the monitor", [cnt_iret], 2
        hlt

v86_iopl3:
        call    print16
        db      "in virtual-8086 mode, VME, IOPL 3", 10, 0
        xor     bx, bx
        int     VEC_REDIR               ; bit clear: the IVT handler
        CHECK16 "VME, IOPL 3: INT n (bit clear) runs the IVT handler", bx, 0x4242
        mov     ax, [int_flags]
        and     ax, FL_IF | FL_IOPL3
        CHECK16 "VME, IOPL 3: ...pushed FLAGS: the real IF, IOPL 3", ax, FL_IF | FL_IOPL3
        mov     ax, [int_pushf]
        and     ax, FL_IF
        CHECK16 "VME, IOPL 3: ...handler runs with IF clear", ax, 0
        pushf
        pop     ax
        and     ax, FL_IF
        CHECK16 "VME, IOPL 3: ...IF set again after its IRET", ax, FL_IF
        int     VEC_IDT                 ; bit set: the IDT handler at ring 0
        CHECK16 "VME, IOPL 3: INT n (bit set) goes through the IDT", bx, 0x4343
        cli
        PROBE
        sti
        and     ax, FL_IF
        and     dx, HI_VIF | HI_VIP
        CHECK16 "VME, IOPL 3: CLI clears the real IF", ax, 0
        CHECK16 "VME, IOPL 3: ...and leaves VIF alone", dx, 0
        hlt

v86_novme:
        call    print16
        db      "in virtual-8086 mode, no VME, IOPL 0", 10, 0
        cli
        sti
        pushf
        pop     ax
        popf                            ; (the monitor pops a word)
        int     VEC_REDIR
        push    word 0
        push    cs
        push    word R(.ret)
        iret
.ret:   hlt

rm_int42:                               ; the v86 task's handler for VEC_REDIR
        push    bp
        mov     bp, sp
        mov     ax, [bp + 4]
        mov     [int_cs], ax
        mov     ax, [bp + 6]
        mov     [int_flags], ax
        pushf
        pop     ax
        mov     [int_pushf], ax
        in      al, PROBE_PORT
        mov     ax, [probe_flags]
        mov     [int_real], ax
        mov     ax, [probe_flags + 2]
        mov     [int_real + 2], ax
        pop     bp
        mov     bx, 0x4242
        iret

rm_wrong:                               ; VEC_IDT's IVT entry: must never run
        mov     bx, 0x0BAD
        iret

        ROM_END
