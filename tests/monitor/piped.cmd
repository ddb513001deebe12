regs
c
quit
