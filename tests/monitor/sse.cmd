# The SSE registers (sse_rom.asm on a Pentium III): at reset, then once the
# guest has loaded XMM1 and MXCSR.
sse
until ff140
xmm
help sse
quit
