# --max-ticks bounds every run.
c
s
until tick #60
regs
