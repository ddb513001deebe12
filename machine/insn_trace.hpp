// Logs every executed instruction (CS:IP, bytes, Capstone disassembly) to
// the "cpu" logger at trace level. Installing it switches the CPU to its
// instrumented loop; without it the fast loop runs untouched.
#pragma once

namespace amber {

class Cpu;
void attach_insn_trace(Cpu& cpu);

}  // namespace amber
