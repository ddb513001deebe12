# gdb against amber itself (run_amber_session.sh starts `amber run -S` on
# tests/monitor/monitor_rom.asm and connects): the guest is stopped at the
# reset vector until gdb continues.
info registers eip
# The x87 as FNINIT leaves it; a value written to st0 makes R0 valid.
info registers fctrl fstat ftag
set $st0 = 2.5
info registers st0
p/x $ftag
# A breakpoint in 32-bit protected mode with paging on: outer at 0xFF200.
hbreak *0xFF200
continue
info registers eip cs
delete
# One instruction further: push ebp.
stepi
info registers eip
x/3xb 0xFF240
# A write watchpoint on the remapped page: inner stores 0xCAFEBABE there.
watch *(int*)0x400010
continue
x/1xw 0x400010
delete
# Run to the end: the guest exits with status 0.
continue
