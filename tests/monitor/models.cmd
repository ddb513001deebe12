# The 8086 and the 80286: 16-bit registers, fewer system registers.
regs
sregs
cregs
s
u cs:ip 3
