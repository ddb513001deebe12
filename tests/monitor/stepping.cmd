# step, step N, next over a 16-bit call, a 32-bit call and an INT, until
# an address and a tick.
s
s 3
until f000:f00e
n
s
until tick #30
regs
until ff198
n
s
until ff251
n
n
n
until tick #898
c
