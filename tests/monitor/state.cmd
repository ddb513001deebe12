# The state at reset, and the commands that only look.
regs
sregs
cregs
fpu
sse
u
u16 f000:f000 3
u32 ff100 2
x f000:fff0 10
xp ffff0 10
x cs:eip 5
idt 10
walk 1000
help
help s
quit
gdt
