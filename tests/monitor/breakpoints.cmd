# Breakpoints of the three kinds (CS:EIP, linear, physical), the call chain
# in 16- and 32-bit code, info break and delete.
b f000:f083
b lin ff200
b phys ff243
info break
c
bt
x ss:sp 4
c
c
bt
info break
delete 2
info break
delete all
info break
c
