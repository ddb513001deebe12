; pm_rings: privilege levels.
;
; Checks: ring 0 -> ring 3 by IRET and by RETF (data segment registers whose
; DPL is below the new CPL are nulled, others kept); ring 3 -> ring 0 through
; a call gate with two parameters copied and the stack switched to
; TSS.SS0:ESP0, back with RETF 8 (which also pops the caller's parameters);
; a conforming segment keeps CPL 3; privileged instructions and DPL/RPL
; violations raise #GP with the right error code; ARPL, LAR, LSL, VERR, VERW.

%define TEST_NAME "pm_rings"
%include "pm.inc"

SEL_GATE        equ SEL_FREE            ; 0x48 call gate, DPL 3 -> gate_target (ring 0), 2 dwords
SEL_CONF        equ SEL_FREE + 0x08     ; 0x50 conforming readable code, DPL 0, flat
SEL_XONLY       equ SEL_FREE + 0x10     ; 0x58 execute-only code, DPL 0
SEL_SMALL       equ SEL_FREE + 0x18     ; 0x60 data, DPL 3, limit 0x1234, byte granular, B=1
SEL_BEYOND      equ GDT_LIMIT + 1       ; first selector past the GDT limit

[absolute TEST_VARS]
g_cs:           resd 1                  ; what gate_target saw
g_esp:          resd 1
g_ret_cs:       resd 1
g_param_lo:     resd 1                  ; [esp+8]: the parameter pushed last
g_param_hi:     resd 1                  ; [esp+12]: the parameter pushed first
g_old_esp:      resd 1
g_old_ss:       resd 1
__SECT__

; ZF -> EBX (0 or 1)
%macro GET_ZF 0
        setz    bl
        movzx   ebx, bl
%endmacro

test_main:
        SET_GATE GDT(SEL_GATE), SEL_CODE0, gate_target, GATE_CALL32 | GATE_DPL3, 2
        DESC_SET GDT(SEL_CONF), 0, 0xFFFFF, 0x9E, FL_4G32       ; code, conforming, readable
        DESC_SET GDT(SEL_XONLY), 0, 0xFFFFF, 0x98, FL_4G32      ; code, execute-only
        DESC_SET GDT(SEL_SMALL), 0, 0x1234, 0xF3, FL_32         ; (accessed bit preset for LAR)

; --- IRET to ring 3 ---------------------------------------------------------
        mov     ax, SEL_DATA3           ; FS: DPL 3, survives; DS/ES/GS: DPL 0, nulled
        mov     fs, ax
        mov     eax, esp
        push    dword SEL_DATA3         ; SS
        push    eax                     ; ESP
        pushfd
        push    dword SEL_CODE3
        push    dword .iret3
        iretd
.iret3: call    read_segs
        RING0
        call    check_segs_iret
        CHECK   "IRET to ring 3: ESP", edi, esp

; --- RETF to ring 3 ---------------------------------------------------------
        mov     ax, SEL_DATA0
        mov     fs, ax                  ; now FS is nulled, GS keeps a DPL-3 selector
        mov     ax, SEL_DATA3
        mov     gs, ax
        mov     eax, esp
        push    dword SEL_DATA3
        push    eax
        push    dword SEL_CODE3
        push    dword .retf3
        retf
.retf3: call    read_segs
        RING0
        movzx   eax, cx
        CHECK   "RETF to ring 3: CS", eax, SEL_CODE3
        movzx   eax, dx
        CHECK   "RETF to ring 3: SS", eax, SEL_DATA3
        movzx   eax, word [TEST_VARS + 0x40]
        CHECK   "RETF to ring 3: DS (DPL 0) nulled", eax, 0
        movzx   eax, word [TEST_VARS + 0x48]
        CHECK   "RETF to ring 3: FS (DPL 0) nulled", eax, 0
        movzx   eax, word [TEST_VARS + 0x4C]
        CHECK   "RETF to ring 3: GS (DPL 3) kept", eax, SEL_DATA3

; --- Call gate from ring 3 --------------------------------------------------
        RING3
        mov     esi, esp
        push    dword 0x11111111        ; first parameter
        push    dword 0x22222222        ; second parameter
        call    (SEL_GATE | 3):0        ; the offset is ignored: the gate has it
        mov     edi, esp
        xor     ecx, ecx
        mov     cx, es                  ; gate_target loaded a DPL-0 selector into ES
        xor     edx, edx
        mov     dx, ds
        RING0
        CHECK   "call gate: CPL 0 in the target", [g_cs], SEL_CODE0
        CHECK   "call gate: stack from TSS.ESP0", [g_esp], STACK0_TOP - 24
        CHECK   "call gate: caller's CS pushed", [g_ret_cs], SEL_CODE3
        CHECK   "call gate: last parameter at [ESP+8]", [g_param_lo], 0x22222222
        CHECK   "call gate: first parameter at [ESP+12]", [g_param_hi], 0x11111111
        lea     eax, [esi - 8]
        CHECK   "call gate: caller's ESP pushed", [g_old_esp], eax
        CHECK   "call gate: caller's SS pushed", [g_old_ss], SEL_DATA3
        CHECK   "RETF 8 to ring 3: parameters popped", edi, esi
        CHECK   "RETF to ring 3: ES (DPL 0) nulled", ecx, 0
        CHECK   "RETF to ring 3: DS (DPL 3) kept", edx, SEL_DATA3

; --- Conforming code keeps CPL; non-conforming DPL 0 code is out of reach -----
        RING3
        call    SEL_CONF:conforming
        RING0
        CHECK   "far call to conforming DPL-0 code: CS gets RPL 3", eax, SEL_CONF | 3
        RING3
        CATCH   .f_call
.i_call: call   SEL_CODE0:conforming
.f_call: CHECK_FAULT "ring 3: far call to DPL-0 code -> #GP(sel)", 13, SEL_CODE0, .i_call

; --- Privileged instructions and data segment checks at ring 3 --------------
        RING3
        CATCH   .f_cli
.i_cli: cli
.f_cli: CHECK_FAULT "ring 3, IOPL 0: CLI -> #GP(0)", 13, 0, .i_cli
        RING3
        CATCH   .f_hlt
.i_hlt: hlt
.f_hlt: CHECK_FAULT "ring 3: HLT -> #GP(0)", 13, 0, .i_hlt
        RING3
        CATCH   .f_cr0
.i_cr0: mov     eax, cr0
.f_cr0: CHECK_FAULT "ring 3: MOV EAX,CR0 -> #GP(0)", 13, 0, .i_cr0
        RING3
        CATCH   .f_lgdt
.i_lgdt: lgdt   [gdtr_value]
.f_lgdt: CHECK_FAULT "ring 3: LGDT -> #GP(0)", 13, 0, .i_lgdt
        RING3
        CATCH   .f_in
.i_in:  in      al, 0x80                ; denied by the TSS I/O bitmap (CPL > IOPL)
.f_in:  CHECK_FAULT "ring 3: IN from a port denied by the I/O bitmap -> #GP(0)", 13, 0, .i_in
        RING3
        mov     ax, SEL_DATA0
        CATCH   .f_ds
.i_ds:  mov     ds, ax
.f_ds:  CHECK_FAULT "ring 3: MOV DS, DPL-0 data -> #GP(sel)", 13, SEL_DATA0, .i_ds
        RING3
        mov     ax, SEL_DATA0
        CATCH   .f_ss
.i_ss:  mov     ss, ax
.f_ss:  CHECK_FAULT "ring 3: MOV SS, DPL-0 data -> #GP(sel)", 13, SEL_DATA0, .i_ss

; --- RPL at ring 0 ----------------------------------------------------------
        mov     ax, SEL_DATA0 | 3       ; RPL 3 > DPL 0
        CATCH   .f_rpl
.i_rpl: mov     ds, ax
.f_rpl: CHECK_FAULT "ring 0: MOV DS, DPL-0 data with RPL 3 -> #GP(sel, RPL bits clear)", 13, SEL_DATA0, .i_rpl
        mov     ax, SEL_DATA3 & ~3      ; SS needs RPL = DPL = CPL
        CATCH   .f_ss3
.i_ss3: mov     ss, ax
.f_ss3: CHECK_FAULT "ring 0: MOV SS, DPL-3 data -> #GP(sel)", 13, SEL_DATA3 & ~3, .i_ss3
        mov     ax, SEL_XONLY
        CATCH   .f_xo
.i_xo:  mov     es, ax
.f_xo:  CHECK_FAULT "MOV ES, execute-only code -> #GP(sel)", 13, SEL_XONLY, .i_xo
        mov     ax, SEL_CONF            ; readable code in a data segment register: fine
        mov     es, ax
        mov     eax, [es:gdtr_value + 2]
        CHECK   "readable code in ES: read through it", eax, GDT_BASE
        mov     ax, SEL_DATA0
        mov     es, ax

; --- ARPL -------------------------------------------------------------------
        mov     ax, 0x10
        mov     cx, 0x2B
        arpl    ax, cx
        GET_ZF
        CHECK   "ARPL raises RPL: ZF", ebx, 1
        movzx   eax, ax
        CHECK   "ARPL raises RPL: value", eax, 0x13
        mov     ax, 0x33
        mov     cx, 0x08
        arpl    ax, cx
        GET_ZF
        CHECK   "ARPL keeps a higher RPL: ZF", ebx, 0
        movzx   eax, ax
        CHECK   "ARPL keeps a higher RPL: value", eax, 0x33

; --- LAR / LSL / VERR / VERW at ring 0 --------------------------------------
        mov     cx, SEL_SMALL
        lar     eax, cx
        GET_ZF
        CHECK   "LAR data: ZF", ebx, 1
        and     eax, 0x00F0FF00         ; bits 16-19 are undefined
        CHECK   "LAR data: access rights", eax, 0x0040F300
        mov     cx, SEL_TSS
        lar     eax, cx
        GET_ZF
        CHECK   "LAR busy TSS: ZF", ebx, 1
        and     eax, 0x00F0FF00
        CHECK   "LAR busy TSS: access rights", eax, 0x00008B00
        mov     cx, SEL_GATE
        lar     eax, cx
        GET_ZF
        CHECK   "LAR call gate: ZF", ebx, 1
        and     eax, 0x0000FF00         ; (bits 16-31 of a gate hold the offset)
        CHECK   "LAR call gate: access rights", eax, 0x0000EC00
        mov     eax, 0x5555
        xor     cx, cx
        lar     eax, cx
        GET_ZF
        CHECK   "LAR null selector: ZF", ebx, 0
        CHECK   "LAR null selector: destination unchanged", eax, 0x5555
        mov     cx, SEL_BEYOND
        lar     eax, cx
        GET_ZF
        CHECK   "LAR selector past the GDT limit: ZF", ebx, 0

        mov     cx, SEL_SMALL
        lsl     eax, cx
        GET_ZF
        CHECK   "LSL byte-granular: ZF", ebx, 1
        CHECK   "LSL byte-granular: limit", eax, 0x1234
        mov     cx, SEL_DATA0
        lsl     eax, cx
        CHECK   "LSL page-granular: limit scaled", eax, 0xFFFFFFFF
        mov     cx, SEL_TSS
        lsl     eax, cx
        GET_ZF
        CHECK   "LSL TSS: ZF", ebx, 1
        CHECK   "LSL TSS: limit", eax, TSS_LIMIT
        mov     cx, SEL_GATE
        lsl     eax, cx
        GET_ZF
        CHECK   "LSL call gate: ZF clear (gates have no limit)", ebx, 0

        mov     cx, SEL_CODE0
        verr    cx
        GET_ZF
        CHECK   "VERR readable code", ebx, 1
        verw    cx
        GET_ZF
        CHECK   "VERW code", ebx, 0
        mov     cx, SEL_DATA0
        verw    cx
        GET_ZF
        CHECK   "VERW writable data", ebx, 1
        mov     cx, SEL_XONLY
        verr    cx
        GET_ZF
        CHECK   "VERR execute-only code", ebx, 0
        mov     cx, SEL_TSS
        verr    cx
        GET_ZF
        CHECK   "VERR TSS", ebx, 0
        xor     cx, cx
        verr    cx
        GET_ZF
        CHECK   "VERR null selector", ebx, 0

; --- The same at ring 3: DPL against CPL ------------------------------------
        RING3
        mov     cx, SEL_DATA0
        lar     eax, cx
        GET_ZF
        CHECK   "ring 3: LAR DPL-0 data: ZF", ebx, 0
        mov     cx, SEL_CONF
        lar     eax, cx
        GET_ZF
        CHECK   "ring 3: LAR conforming DPL-0 code: ZF", ebx, 1
        mov     cx, SEL_DATA0
        lsl     eax, cx
        GET_ZF
        CHECK   "ring 3: LSL DPL-0 data: ZF", ebx, 0
        mov     cx, SEL_SMALL
        lsl     eax, cx
        GET_ZF
        CHECK   "ring 3: LSL DPL-3 data: ZF", ebx, 1
        mov     cx, SEL_DATA0
        verr    cx
        GET_ZF
        CHECK   "ring 3: VERR DPL-0 data", ebx, 0
        mov     cx, SEL_DATA3
        verw    cx
        GET_ZF
        CHECK   "ring 3: VERW DPL-3 data", ebx, 1
        mov     cx, SEL_CONF
        verr    cx
        GET_ZF
        CHECK   "ring 3: VERR conforming DPL-0 code", ebx, 1
        mov     cx, SEL_DATA3 & ~3      ; RPL 0 is fine: max(CPL, RPL) = 3 = DPL
        verw    cx
        GET_ZF
        CHECK   "ring 3: VERW DPL-3 data with RPL 0", ebx, 1
        RING0
        jmp     finish

; Segment registers at ring 3 -> TEST_VARS+0x40.. (through SS: DS may be null);
; also CX = CS, DX = SS, EDI = ESP.
read_segs:
        mov     [ss:TEST_VARS + 0x40], ds
        mov     [ss:TEST_VARS + 0x44], es
        mov     [ss:TEST_VARS + 0x48], fs
        mov     [ss:TEST_VARS + 0x4C], gs
        mov     cx, cs
        mov     dx, ss
        lea     edi, [esp + 4]          ; the caller's ESP
        ret

check_segs_iret:
        movzx   eax, cx
        CHECK   "IRET to ring 3: CS", eax, SEL_CODE3
        movzx   eax, dx
        CHECK   "IRET to ring 3: SS", eax, SEL_DATA3
        movzx   eax, word [TEST_VARS + 0x40]
        CHECK   "IRET to ring 3: DS (DPL 0) nulled", eax, 0
        movzx   eax, word [TEST_VARS + 0x44]
        CHECK   "IRET to ring 3: ES (DPL 0) nulled", eax, 0
        movzx   eax, word [TEST_VARS + 0x48]
        CHECK   "IRET to ring 3: FS (DPL 3) kept", eax, SEL_DATA3
        movzx   eax, word [TEST_VARS + 0x4C]
        CHECK   "IRET to ring 3: GS (DPL 0) nulled", eax, 0
        ret

; Reached from ring 3 through SEL_GATE: records what the CPU built, loads a
; DPL-0 selector into ES (to be nulled by the return), returns popping 2 parameters.
gate_target:
        push    eax
        xor     eax, eax
        mov     ax, cs
        mov     [ss:g_cs], eax
        lea     eax, [esp + 4]
        mov     [ss:g_esp], eax
        mov     eax, [esp + 8]
        and     eax, 0xFFFF
        mov     [ss:g_ret_cs], eax
        mov     eax, [esp + 12]
        mov     [ss:g_param_lo], eax
        mov     eax, [esp + 16]
        mov     [ss:g_param_hi], eax
        mov     eax, [esp + 20]
        mov     [ss:g_old_esp], eax
        mov     eax, [esp + 24]
        and     eax, 0xFFFF
        mov     [ss:g_old_ss], eax
        mov     ax, SEL_DATA0
        mov     es, ax
        pop     eax
        retf    8

; Conforming code: reports CS in EAX.
conforming:
        xor     eax, eax
        mov     ax, cs
        retf

        ROM_END
