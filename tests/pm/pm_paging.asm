; pm_paging: two-level 4 KiB paging (386/486: no PSE, no PAE).
;
; Checks: an alias (two linear pages, one physical page); accessed bits set in
; the PDE and PTE on access, dirty bit in the PTE on write only; #PF error
; codes (P, W/R, U/S) and CR2 for not-present pages at ring 0 and 3, for a
; not-present page table (PDE), for user access to supervisor pages (PTE or
; PDE U/S clear), user writes to read-only pages, and supervisor writes to
; read-only pages (fault with CR0.WP, allowed without); instruction fetch
; faults (EIP = CR2 = the target); after a PTE change, INVLPG and a CR3
; reload make the new mapping visible (a stale TLB entry before that is
; allowed, so it is not checked); a dword store straddling into a not-present
; page faults with CR2 = the first byte of that page and writes nothing.
;
; Linear layout: 0-4 MiB identity (setup_paging); 4-8 MiB through PT1, page
; by page below; 8-12 MiB through a PDE with U/S clear; 12-16 MiB not present.

%define TEST_NAME "pm_paging"
%include "pm.inc"

L_ALIAS         equ 0x400000            ; -> P_ALIAS (also identity-mapped)
L_FRESH         equ 0x401000            ; -> P_FRESH, accessed/dirty test
L_ABSENT        equ 0x402000            ; not present
L_SUPER         equ 0x403000            ; -> P_SUPER, supervisor only
L_RO            equ 0x404000            ; -> P_RO, user, read-only
L_TLB           equ 0x405000            ; -> P_TLB_A, then P_TLB_B
L_SPLIT         equ 0x406000            ; -> P_SPLIT; the next page is not present
L_FETCH         equ 0x408000            ; not present, jumped to
L_PDE_SUPER     equ 0x800000            ; PDE U/S clear, PTE U/S set
L_PDE_ABSENT    equ 0xC00000            ; PDE not present

P_ALIAS         equ 0x20000
P_FRESH         equ 0x21000
P_SUPER         equ 0x22000
P_RO            equ 0x23000
P_TLB_A         equ 0x24000
P_TLB_B         equ 0x25000
P_SPLIT         equ 0x26000
P_PDE_SUPER     equ 0x27000
PT2             equ 0xB000

%define PTE(lin) (PT1 + (((lin) >> 12) & 0x3FF) * 4)

test_main:
        call    setup_paging
        mov     dword [PTE(L_ALIAS)], P_ALIAS | PG_P | PG_RW | PG_US
        mov     dword [PTE(L_FRESH)], P_FRESH | PG_P | PG_RW | PG_US
        mov     dword [PTE(L_SUPER)], P_SUPER | PG_P | PG_RW
        mov     dword [PTE(L_RO)], P_RO | PG_P | PG_US
        mov     dword [PTE(L_TLB)], P_TLB_A | PG_P | PG_RW | PG_US
        mov     dword [PTE(L_SPLIT)], P_SPLIT | PG_P | PG_RW | PG_US
        mov     edi, PT2                ; 8-12 MiB: user PTEs under a supervisor PDE
        mov     ecx, 1024
        xor     eax, eax
        rep stosd
        mov     dword [PT2], P_PDE_SUPER | PG_P | PG_RW | PG_US
        mov     dword [PD_BASE + 8], PT2 | PG_P | PG_RW
        mov     eax, cr3                ; (nothing of this was cached, but be plain)
        mov     cr3, eax

; --- Alias and accessed/dirty bits ---------------------------------------------
        mov     eax, [PD_BASE + 4]
        and     eax, PG_A
        CHECK   "PDE accessed bit clear before use", eax, 0
        mov     dword [L_ALIAS + 0x40], 0x12345678
        CHECK   "alias: written at 0x400040, read at physical 0x20040", [P_ALIAS + 0x40], 0x12345678
        mov     eax, [PD_BASE + 4]
        and     eax, PG_A
        CHECK   "PDE accessed bit set", eax, PG_A
        mov     eax, [L_FRESH]
        mov     eax, [PTE(L_FRESH)]
        and     eax, PG_A | PG_D
        CHECK   "read: PTE accessed, not dirty", eax, PG_A
        mov     [L_FRESH], eax
        mov     eax, [PTE(L_FRESH)]
        and     eax, PG_A | PG_D
        CHECK   "write: PTE accessed and dirty", eax, PG_A | PG_D

; --- Not present -----------------------------------------------------------------
        CATCH   .f_np0
.i_np0: mov     eax, [L_ABSENT + 0x10]
.f_np0: CHECK_FAULT "#PF(0): ring 0 read, not present", 14, 0, .i_np0
        CHECK   "... CR2 = the address", [fault_cr2], L_ABSENT + 0x10
        CATCH   .f_np2
.i_np2: mov     [L_ABSENT + 0x20], eax
.f_np2: CHECK_FAULT "#PF(2): ring 0 write, not present", 14, 2, .i_np2
        CHECK   "... CR2 = the address", [fault_cr2], L_ABSENT + 0x20
        RING3
        CATCH   .f_np4
.i_np4: mov     eax, [L_ABSENT + 0x30]
.f_np4: CHECK_FAULT "#PF(4): ring 3 read, not present", 14, 4, .i_np4
        CHECK   "... CR2 = the address", [fault_cr2], L_ABSENT + 0x30
        RING3
        CATCH   .f_np6
.i_np6: mov     [L_ABSENT + 0x40], eax
.f_np6: CHECK_FAULT "#PF(6): ring 3 write, not present", 14, 6, .i_np6
        CHECK   "... CR2 = the address", [fault_cr2], L_ABSENT + 0x40
        CATCH   .f_pde
.i_pde: mov     eax, [L_PDE_ABSENT + 0x50]
.f_pde: CHECK_FAULT "#PF(0): PDE not present", 14, 0, .i_pde
        CHECK   "... CR2 = the address", [fault_cr2], L_PDE_ABSENT + 0x50

; --- Protection ------------------------------------------------------------------
        mov     eax, [L_SUPER]          ; ring 0: fine
        RING3
        CATCH   .f_us
.i_us:  mov     eax, [L_SUPER + 0x60]
.f_us:  CHECK_FAULT "#PF(5): ring 3 read of a supervisor page", 14, 5, .i_us
        CHECK   "... CR2 = the address", [fault_cr2], L_SUPER + 0x60
        RING3
        CATCH   .f_pdeus
.i_pdeus: mov   eax, [L_PDE_SUPER + 0x70]
.f_pdeus: CHECK_FAULT "#PF(5): ring 3 read, user PTE under a supervisor PDE", 14, 5, .i_pdeus
        CHECK   "... CR2 = the address", [fault_cr2], L_PDE_SUPER + 0x70
        RING3
        CATCH   .f_ro3r
        mov     eax, [L_RO]
.f_ro3r: CHECK_FAULT "ring 3 read of a user read-only page: fine", NO_FAULT, ANY, ANY
        RING3
        CATCH   .f_ro3
.i_ro3: mov     [L_RO + 0x80], eax
.f_ro3: CHECK_FAULT "#PF(7): ring 3 write to a read-only page", 14, 7, .i_ro3
        CHECK   "... CR2 = the address", [fault_cr2], L_RO + 0x80

        mov     dword [P_RO + 0x94], 0
        mov     eax, cr0                ; supervisor writes: WP decides
        and     eax, ~CR0_WP
        mov     cr0, eax
        CATCH   .f_wp0
        mov     dword [L_RO + 0x90], 0xA5A5A5A5
.f_wp0: CHECK_FAULT "ring 0 write to a read-only page, CR0.WP clear: fine", NO_FAULT, ANY, ANY
        CHECK   "... and written", [P_RO + 0x90], 0xA5A5A5A5
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        CATCH   .f_wp1
.i_wp1: mov     dword [L_RO + 0x94], 0x5A5A5A5A
.f_wp1: CHECK_FAULT "#PF(3): ring 0 write to a read-only page, CR0.WP set", 14, 3, .i_wp1
        CHECK   "... CR2 = the address", [fault_cr2], L_RO + 0x94
        CHECK   "... and not written", [P_RO + 0x94], 0
        mov     eax, cr0
        and     eax, ~CR0_WP
        mov     cr0, eax

; --- Instruction fetch -----------------------------------------------------------
        mov     eax, L_FETCH
        CATCH   .f_fetch
        jmp     eax
.f_fetch: CHECK_FAULT "#PF(0): fetch from a not-present page, EIP = target", 14, 0, L_FETCH
        CHECK   "... CR2 = the address", [fault_cr2], L_FETCH
        RING3
        mov     eax, L_SUPER + 0x100
        CATCH   .f_fetch3
        jmp     eax
.f_fetch3: CHECK_FAULT "#PF(5): ring 3 fetch from a supervisor page", 14, 5, L_SUPER + 0x100
        CHECK   "... CR2 = the address", [fault_cr2], L_SUPER + 0x100

; --- TLB: the new mapping after INVLPG and after a CR3 reload ---------------------
        mov     dword [P_TLB_A], 'AAAA'
        mov     dword [P_TLB_B], 'BBBB'
        mov     eax, [L_TLB]            ; cached now, probably
        CHECK   "TLB: first mapping", eax, 'AAAA'
        mov     dword [PTE(L_TLB)], P_TLB_B | PG_P | PG_RW | PG_US
        invlpg  [L_TLB]
        CHECK   "TLB: INVLPG, then the new mapping", [L_TLB], 'BBBB'
        mov     dword [PTE(L_TLB)], P_TLB_A | PG_P | PG_RW | PG_US
        mov     eax, cr3
        mov     cr3, eax
        CHECK   "TLB: CR3 reload, then the new mapping", [L_TLB], 'AAAA'

; --- A store straddling into a not-present page -------------------------------------
        mov     dword [P_SPLIT + 0xFFC], 0x11111111
        mov     eax, 0xAABBCCDD
        CATCH   .f_split
.i_split: mov   [L_SPLIT + 0xFFE], eax  ; bytes 0x406FFE-0x407001
.f_split: CHECK_FAULT "#PF(2): dword store into the next, not-present page", 14, 2, .i_split
        CHECK   "CR2 = first byte of the second page", [fault_cr2], L_SPLIT + 0x1000
        CHECK   "nothing written to the first page", [P_SPLIT + 0xFFC], 0x11111111
        CATCH   .f_split_r
.i_split_r: mov eax, [L_SPLIT + 0xFFD]
.f_split_r: CHECK_FAULT "#PF(0): dword read into the next, not-present page", 14, 0, .i_split_r
        CHECK   "CR2 = first byte of the second page", [fault_cr2], L_SPLIT + 0x1000
        jmp     finish

        ROM_END
