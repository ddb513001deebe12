# In protected mode with paging: descriptor tables, segment and control
# registers, page walks, memory through paging and through an LDT selector.
b phys ff243
c
gdt
gdt 28
gdt 30
ldt
ldt 4
idt
idt 30
sregs
cregs
walk 400010
walk 401000
walk 800000
walk cs:eip
x 400010 10
s
x 400010 10
xp 5010 4
x 4:10 4
u 8:ff240 4
x ss:esp 8
