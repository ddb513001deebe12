# Mistakes give one line each and the session goes on (exit status 1 at the end).
frobnicate
s zz
s 1 2
x
x 123456789
x g:10
b
b lin
b phys xyz
watch rw
watch 10 0
watch ffffffff 2
catch int 100
catch io 60-50
catch mode now
delete 99
delete x
info regs
until tick 0
ldt
help nothing
xp 0 10001
u 0 zz
until ff243
x 401000
x 0:0
gdt 40
idt 100
regs
