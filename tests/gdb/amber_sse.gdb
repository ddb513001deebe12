# gdb against amber on a Pentium III (tests/monitor/sse_rom.asm): xmm0-7 and
# mxcsr exist; read them once the guest loaded XMM1 and MXCSR, write XMM2 and
# MXCSR, and find the guest's stores of them in memory.
hbreak *0xFF140
continue
p/x $xmm1.uint128
p/x $xmm1.v4_int32
p/x $mxcsr
p $mxcsr
info registers xmm1
set $xmm2.v4_int32 = {0x11111111, 0x22222222, 0x33333333, 0x44444444}
set $mxcsr = 0x1f80
delete
hbreak *0xFF180
continue
x/4xw 0x600
x/1xw 0x610
delete
continue
