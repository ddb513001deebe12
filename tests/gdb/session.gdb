# The gdb side of the gdb_session test (run_session.sh connects first).
# The guest loops at 0x1000: inc eax, inc eax, nop, mov [0x2000],eax,
# inc ecx, jmp 0x1000.

# Registers and memory as the target holds them.
info registers eip eflags
x/4xw 0x3000

# Changing a register ('P') and memory ('X').
set $ebx = 0x1234
p/x $ebx
set {int}0x3010 = 0x55aa
x/1xw 0x3010

# A software breakpoint (Z0), then one instruction further (vCont;s).
break *0x1008
continue
info registers eax ecx
stepi
info registers eip
x/i $pc
delete

# A hardware breakpoint (Z1).
hbreak *0x1002
continue
info registers eip
delete

# A write watchpoint (Z2) catches the store at 0x1003; EIP is past it.
watch *(int *)0x2000
continue
info registers eip
delete

# Ctrl-C: run_session.sh sends gdb SIGINT once it has printed this line,
# and gdb passes it on to the stub as 0x03.
echo ready for the interrupt\n
continue
info registers eip
detach
