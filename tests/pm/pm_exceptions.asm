; pm_exceptions: one or more ways to raise each exception, checking the
; vector, the error code where there is one, and the pushed EIP: the
; faulting instruction for faults, the next instruction for traps.
;
;   #DE  DIV by zero, quotient overflow               fault
;   #DB  TF single step (DR6.BS); DR0 instruction breakpoint (fault, DR6.B0,
;        RF lets the instruction run); DR1 data write breakpoint (trap, DR6.B1)
;   #BP  INT3                                         trap
;   #OF  INTO with OF set (none with OF clear)        trap
;   #BR  BOUND out of range (none in range)           fault
;   #UD  UD2, MOV CS, LOCK NOP                        fault
;   #NM  ESC with CR0.TS or CR0.EM; WAIT with TS and MP (not with MP clear)
;   #DF  #GP whose gate is not present (#NP while delivering #GP) -> #DF(0)
;   #TS  IRET with NT to a back link that is not a busy TSS -> #TS(link)
;   #NP  not-present data segment in DS, not-present code by far JMP -> #NP(sel)
;   #SS  not-present SS -> #SS(sel); [EBP] past the SS limit -> #SS(0)
;   #GP  FS limit, null FS, write to code, write to read-only data, selector
;        past the GDT limit, null SS, far JMP past the new CS limit
;   #PF  not-present page read/write (CR2, error code 0/2)
;   #AC  misaligned access at ring 3 with CR0.AM and EFLAGS.AC -> #AC(0)
;
; Also the RF bit in the pushed EFLAGS: 1 for fault-class exceptions except
; instruction breakpoints, otherwise the current RF (0 here), as the SDM says
; for all IA-32 processors (vol. 3, "Instruction-Breakpoint Exception
; Condition").

%define TEST_NAME "pm_exceptions"
%include "pm.inc"

SEL_DS_SMALL    equ SEL_FREE            ; data, base 0, limit 0xFFF
SEL_RO          equ SEL_FREE + 0x08     ; read-only data, flat
SEL_ABSENT      equ SEL_FREE + 0x10     ; writable data, not present
SEL_ABSENT_CODE equ SEL_FREE + 0x18     ; code, not present
SEL_SS_SMALL    equ SEL_FREE + 0x20     ; stack, base 0, limit 0x7FFFF (byte granular, 32-bit)
SEL_TSS2        equ SEL_FREE + 0x28     ; an available (not busy) TSS

PF_PAGE         equ 0x3F0000            ; an identity-mapped page made not present

DR7_GE_LE       equ 0x300               ; exact breakpoints (386/486 want them)

[absolute TEST_VARS]
bounds:         resd 2
db_count:       resd 1                  ; h_db: calls,
db_eip:         resd 1                  ;   the pushed EIP,
db_dr6:         resd 1                  ;   DR6,
db_eflags:      resd 1                  ;   and the pushed EFLAGS (first call)
__SECT__

test_main:
        DESC_SET GDT(SEL_DS_SMALL), 0, 0xFFF, ACC_DATA, FL_32
        DESC_SET GDT(SEL_RO), 0, 0xFFFFF, 0x90, FL_4G32
        DESC_SET GDT(SEL_ABSENT), 0, 0xFFFFF, ACC_DATA & 0x7F, FL_4G32
        DESC_SET GDT(SEL_ABSENT_CODE), 0, 0xFFFFF, ACC_CODE & 0x7F, FL_4G32
        DESC_SET GDT(SEL_SS_SMALL), 0, 0x7FFFF, ACC_DATA, FL_32
        DESC_SET GDT(SEL_TSS2), SCRATCH, 0x67, ACC_TSS, FL_16

; --- #DE ------------------------------------------------------------------------
        xor     edx, edx
        mov     eax, 1
        xor     ecx, ecx
        CATCH   .f_de
.i_de:  div     ecx
.f_de:  CHECK_FAULT "#DE: DIV by zero (fault)", 0, 0, .i_de
        mov     eax, [fault_eflags]
        and     eax, FL_RF
        CHECK   "#DE: pushed EFLAGS has RF set (a fault)", eax, FL_RF
        mov     edx, 2
        xor     eax, eax
        mov     ecx, 1
        CATCH   .f_de2
.i_de2: div     ecx                     ; quotient 2^33 does not fit
.f_de2: CHECK_FAULT "#DE: DIV quotient overflow", 0, 0, .i_de2

; --- #DB ------------------------------------------------------------------------
        xor     eax, eax
        mov     dr6, eax
        CATCH   .f_tf
        pushfd
        or      dword [esp], FL_TF
        popfd                           ; TF is seen from the next instruction on:
        nop                             ; this one runs, then the trap
.tf2:   nop
.f_tf:  CHECK_FAULT "#DB: TF single step traps after the instruction after POPF", 1, 0, .tf2
        mov     eax, dr6
        and     eax, 0xE00F
        CHECK   "#DB: TF single step: DR6 = BS", eax, 0x4000

        SET_GATE IDT(1), SEL_CODE0, h_db, GATE_INT32
        xor     eax, eax
        mov     dr6, eax
        mov     [db_count], eax
        mov     eax, .bp_insn
        mov     dr0, eax
        mov     eax, DR7_GE_LE | 1      ; L0, execute, length 1
        xor     ecx, ecx
        mov     dr7, eax
        nop
.bp_insn:
        inc     ecx                     ; #DB before it runs; then RF lets it run once
        xor     eax, eax
        mov     dr7, eax
        mov     dr0, eax
        CHECK   "#DB: DR0 instruction breakpoint taken once (RF)", [db_count], 1
        CHECK   "#DB: DR0 instruction breakpoint is a fault (EIP of the instruction)", [db_eip], .bp_insn
        mov     eax, [db_dr6]
        and     eax, 0xE00F
        CHECK   "#DB: DR0 instruction breakpoint: DR6 = B0", eax, 1
        CHECK   "#DB: the instruction ran after the handler", ecx, 1
        mov     eax, [db_eflags]
        and     eax, FL_RF
        CHECK   "#DB: instruction breakpoint: pushed EFLAGS has RF clear", eax, 0
        SET_GATE IDT(1), SEL_CODE0, exc_stub_1, GATE_INT32

        xor     eax, eax
        mov     dr6, eax
        mov     eax, SCRATCH + 0x100
        mov     dr1, eax
        mov     eax, DR7_GE_LE | (1 << 2) | (0xD << 20)         ; L1, write, length 4
        mov     dr7, eax
        CATCH   .f_rd
        mov     eax, [SCRATCH + 0x100]  ; a read: no match
.f_rd:  CHECK_FAULT "#DB: DR1 write breakpoint ignores a read", NO_FAULT, ANY, ANY
        CATCH   .f_wr
        mov     [SCRATCH + 0x102], ax   ; inside the 4 watched bytes
.wr2:   nop
.f_wr:  xor     eax, eax
        mov     dr7, eax
        CHECK_FAULT "#DB: DR1 write breakpoint is a trap (EIP after the write)", 1, 0, .wr2
        mov     eax, dr6
        and     eax, 0xE00F
        CHECK   "#DB: DR1 write breakpoint: DR6 = B1", eax, 2

; --- #BP, #OF, #BR ----------------------------------------------------------------
        CATCH   .f_bp
        int3
.bp2:   nop
.f_bp:  CHECK_FAULT "#BP: INT3 (trap)", 3, 0, .bp2
        mov     eax, [fault_eflags]
        and     eax, FL_RF
        CHECK   "#BP: pushed EFLAGS has RF clear (a trap)", eax, 0
        mov     al, 0x7F
        add     al, 1                   ; OF = 1
        CATCH   .f_of
        into
.of2:   nop
.f_of:  CHECK_FAULT "#OF: INTO with OF set (trap)", 4, 0, .of2
        xor     eax, eax                ; OF = 0
        CATCH   .f_of0
        into
.f_of0: CHECK_FAULT "INTO with OF clear: nothing", NO_FAULT, ANY, ANY
        mov     dword [bounds], 10
        mov     dword [bounds + 4], 20
        mov     eax, 20
        CATCH   .f_br0
        bound   eax, [bounds]
.f_br0: CHECK_FAULT "BOUND in range: nothing", NO_FAULT, ANY, ANY
        mov     eax, 21
        CATCH   .f_br
.i_br:  bound   eax, [bounds]
.f_br:  CHECK_FAULT "#BR: BOUND out of range (fault)", 5, 0, .i_br

; --- #UD ------------------------------------------------------------------------------
        CATCH   .f_ud
.i_ud:  ud2
.f_ud:  CHECK_FAULT "#UD: UD2", 6, 0, .i_ud
        CATCH   .f_ud2
.i_ud2: db      0x8E, 0xC8              ; mov cs, ax
.f_ud2: CHECK_FAULT "#UD: MOV CS, AX", 6, 0, .i_ud2
        CATCH   .f_ud3
.i_ud3: db      0xF0, 0x90              ; lock nop
.f_ud3: CHECK_FAULT "#UD: LOCK NOP", 6, 0, .i_ud3

; --- #NM ------------------------------------------------------------------------------
        mov     eax, cr0
        or      eax, CR0_TS
        mov     cr0, eax
        CATCH   .f_nm
.i_nm:  fnop
.f_nm:  CHECK_FAULT "#NM: ESC with CR0.TS", 7, 0, .i_nm
        CATCH   .f_nm_w0
        wait                            ; TS but not MP: WAIT does not fault
.f_nm_w0: CHECK_FAULT "WAIT with TS, MP clear: nothing", NO_FAULT, ANY, ANY
        mov     eax, cr0
        or      eax, CR0_MP
        mov     cr0, eax
        CATCH   .f_nm_w
.i_nm_w: wait
.f_nm_w: CHECK_FAULT "#NM: WAIT with CR0.TS and CR0.MP", 7, 0, .i_nm_w
        mov     eax, cr0
        and     eax, ~(CR0_TS | CR0_MP)
        or      eax, CR0_EM
        mov     cr0, eax
        CATCH   .f_nm_em
.i_nm_em: fnop
.f_nm_em: CHECK_FAULT "#NM: ESC with CR0.EM", 7, 0, .i_nm_em
        mov     eax, cr0
        and     eax, ~CR0_EM
        mov     cr0, eax

; --- #DF ------------------------------------------------------------------------------
        and     byte [IDT(13) + 5], 0x7F        ; the #GP gate: not present
        mov     ax, 0xFFF8                      ; past the GDT limit: #GP...
        CATCH   .f_df
        mov     ds, ax                  ; ...#NP delivering it: #DF
.f_df:  or      byte [IDT(13) + 5], 0x80
        CHECK_FAULT "#DF(0): #GP through a not-present gate", 8, 0, ANY

; --- #TS ------------------------------------------------------------------------------
        mov     word [TSS_BASE + TSS_LINK], SEL_DATA0
        pushfd
        or      dword [esp], FL_NT
        popfd
        CATCH   .f_ts
.i_ts:  iretd                           ; NT: a task return to the back link
.f_ts:  CHECK_FAULT "#TS(link): IRET with NT, back link not a TSS", 10, SEL_DATA0, .i_ts
        mov     word [TSS_BASE + TSS_LINK], SEL_TSS2
        pushfd
        or      dword [esp], FL_NT
        popfd
        CATCH   .f_ts2
.i_ts2: iretd
.f_ts2: CHECK_FAULT "#TS(link): IRET with NT, back link TSS not busy", 10, SEL_TSS2, .i_ts2
        mov     word [TSS_BASE + TSS_LINK], 0

; --- #NP ------------------------------------------------------------------------------
        mov     ax, SEL_ABSENT
        CATCH   .f_np
.i_np:  mov     ds, ax
.f_np:  CHECK_FAULT "#NP(sel): not-present data segment into DS", 11, SEL_ABSENT, .i_np
        CATCH   .f_np2
.i_np2: jmp     SEL_ABSENT_CODE:0
.f_np2: CHECK_FAULT "#NP(sel): far JMP to a not-present code segment", 11, SEL_ABSENT_CODE, .i_np2

; --- #SS ------------------------------------------------------------------------------
        mov     ax, SEL_ABSENT
        CATCH   .f_ss
.i_ss:  mov     ss, ax
.f_ss:  CHECK_FAULT "#SS(sel): not-present segment into SS", 12, SEL_ABSENT, .i_ss
        mov     ax, SEL_SS_SMALL        ; ESP stays inside the limit, EBP does not
        mov     ss, ax
        mov     ebp, 0x90000
        CATCH   .f_ss_ds
        mov     eax, [ds:ebp]           ; through DS: fine
.f_ss_ds: CHECK_FAULT "[DS:EBP] past the SS limit: nothing", NO_FAULT, ANY, ANY
        mov     ax, SEL_SS_SMALL
        mov     ss, ax
        CATCH   .f_ss2
.i_ss2: mov     eax, [ebp]              ; EBP addresses through SS
.f_ss2: CHECK_FAULT "#SS(0): [EBP] past the SS limit", 12, 0, .i_ss2

; --- #GP ------------------------------------------------------------------------------
        mov     ax, SEL_DS_SMALL        ; (FS, not DS: CATCH needs a flat DS)
        mov     fs, ax
        mov     eax, [fs:0xFFC]         ; the last dword inside the limit
        CATCH   .f_gp1
.i_gp1: mov     eax, [fs:0xFFD]
.f_gp1: CHECK_FAULT "#GP(0): dword read crossing the FS limit", 13, 0, .i_gp1
        xor     eax, eax
        mov     fs, ax                  ; a null selector can be loaded...
        CATCH   .f_gp2
.i_gp2: mov     eax, [fs:0x1000]        ; ...but not used
.f_gp2: CHECK_FAULT "#GP(0): access through a null FS", 13, 0, .i_gp2
        CATCH   .f_gp3
.i_gp3: mov     [cs:SCRATCH], eax
.f_gp3: CHECK_FAULT "#GP(0): write through CS", 13, 0, .i_gp3
        mov     ax, SEL_RO
        mov     es, ax
        mov     eax, [es:SCRATCH]
        CATCH   .f_gp4
.i_gp4: mov     [es:SCRATCH], eax
.f_gp4: CHECK_FAULT "#GP(0): write to read-only data", 13, 0, .i_gp4
        mov     eax, [fault_eflags]
        and     eax, FL_RF
        CHECK   "#GP: pushed EFLAGS has RF set (a fault)", eax, FL_RF
        mov     ax, 0xFFF8
        CATCH   .f_gp5
.i_gp5: mov     es, ax
.f_gp5: CHECK_FAULT "#GP(sel): selector past the GDT limit", 13, 0xFFF8, .i_gp5
        xor     eax, eax
        CATCH   .f_gp6
.i_gp6: mov     ss, ax
.f_gp6: CHECK_FAULT "#GP(0): null selector into SS", 13, 0, .i_gp6
        CATCH   .f_gp7
.i_gp7: jmp     SEL_ROM32:0x10000       ; the ROM32 limit is 0xFFFF
.f_gp7: CHECK_FAULT "#GP(0): far JMP past the new CS limit", 13, 0, .i_gp7
        xor     eax, eax
        mov     ax, cs
        CHECK   "... and CS unchanged", eax, SEL_CODE0

; --- #PF ------------------------------------------------------------------------------
        call    setup_paging
        mov     dword [PT0 + (PF_PAGE >> 12) * 4], 0    ; not present (never used before)
        CATCH   .f_pf
.i_pf:  mov     eax, [PF_PAGE + 0x10]
.f_pf:  CHECK_FAULT "#PF(0): read of a not-present page", 14, 0, .i_pf
        CHECK   "#PF: CR2 = the address", [fault_cr2], PF_PAGE + 0x10
        CATCH   .f_pf2
.i_pf2: mov     [PF_PAGE + 0x24], eax
.f_pf2: CHECK_FAULT "#PF(2): write to a not-present page", 14, 2, .i_pf2
        CHECK   "#PF: CR2 = the address", [fault_cr2], PF_PAGE + 0x24

; --- #AC ------------------------------------------------------------------------------
        mov     eax, cr0
        or      eax, CR0_AM
        mov     cr0, eax
        pushfd
        or      dword [esp], FL_AC
        popfd
        mov     eax, [SCRATCH + 1]      ; ring 0: no alignment check
        RING3
        CATCH   .f_ac0
        mov     eax, [SCRATCH + 4]      ; aligned
        mov     ax, [SCRATCH + 2]
.f_ac0: CHECK_FAULT "ring 3, AM and AC: aligned accesses: nothing", NO_FAULT, ANY, ANY
        CATCH   .f_ac
.i_ac:  mov     eax, [SCRATCH + 2]
.f_ac:  CHECK_FAULT "#AC(0): misaligned dword at ring 3 with CR0.AM and EFLAGS.AC", 17, 0, .i_ac
        pushfd
        and     dword [esp], ~FL_AC     ; (the catcher left AC as it was)
        popfd
        RING3
        CATCH   .f_ac2
        mov     eax, [SCRATCH + 2]
.f_ac2: CHECK_FAULT "ring 3, AM but AC clear: nothing", NO_FAULT, ANY, ANY
        RING0
        mov     eax, cr0
        and     eax, ~CR0_AM
        mov     cr0, eax
        pushfd
        or      dword [esp], FL_AC
        popfd
        RING3
        CATCH   .f_ac3
        mov     eax, [SCRATCH + 2]
.f_ac3: CHECK_FAULT "ring 3, AC but AM clear: nothing", NO_FAULT, ANY, ANY
        RING0
        pushfd
        and     dword [esp], ~FL_AC
        popfd
        jmp     finish

; #DB handler for the instruction breakpoint: records, sets RF in the
; returning EFLAGS so the instruction can run. Gives up on DR7 if called again
; and again (RF not honoured).
h_db:                                   ; EIP, CS, EFLAGS
        push    eax
        inc     dword [ss:db_count]
        mov     eax, [esp + 4]
        mov     [ss:db_eip], eax
        mov     eax, dr6
        mov     [ss:db_dr6], eax
        cmp     dword [ss:db_count], 1
        jne     .rf
        mov     eax, [esp + 12]
        mov     [ss:db_eflags], eax
.rf:    or      dword [esp + 12], FL_RF
        cmp     dword [ss:db_count], 5
        jb      .ret
        xor     eax, eax
        mov     dr7, eax
.ret:   pop     eax
        iretd

        ROM_END
