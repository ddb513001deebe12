// A pre-decoded instruction: everything the handler needs, so executing it
// from the code cache never looks at instruction bytes again.
#pragma once
#include <cstdint>

namespace amber {

class Cpu;
struct Insn;
using Handler = void (*)(Cpu&, const Insn&);

enum SegReg : uint8_t { ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5 };
enum Reg : uint8_t { EAX = 0, ECX, EDX, EBX, ESP, EBP, ESI, EDI, kNoReg = 8 };

namespace insn_flag {
constexpr uint16_t kMem = 1 << 0;         // ModRM names memory (mod != 3)
constexpr uint16_t kRep = 1 << 1;         // F3 prefix
constexpr uint16_t kRepne = 1 << 2;       // F2 prefix
constexpr uint16_t kLock = 1 << 3;        // F0 prefix
constexpr uint16_t kO32 = 1 << 4;         // 32-bit operand size
constexpr uint16_t kA32 = 1 << 5;         // 32-bit address size
constexpr uint16_t kSegOverride = 1 << 6; // a segment prefix was given
constexpr uint16_t kEndsBlock = 1 << 7;   // control transfer or state change
}  // namespace insn_flag

struct Insn {
    Handler fn = nullptr;
    uint32_t disp = 0;   // displacement of the memory operand (or moffs)
    uint32_t imm = 0;    // first immediate (sign-extended where the encoding says so)
    uint16_t imm2 = 0;   // second immediate: far segment, ENTER nesting level
    uint16_t op = 0;     // opcode: 0x00-0xFF, 0x100-0x1FF for 0F xx
    uint16_t flags = 0;  // insn_flag bits
    uint8_t len = 0;     // bytes including prefixes
    uint8_t modrm = 0;
    uint8_t reg = 0;     // ModRM reg field (or register encoded in the opcode)
    uint8_t rm = 0;      // ModRM rm field (register number when not memory)
    uint8_t base = kNoReg, index = kNoReg, scale = 0;  // effective address parts
    uint8_t seg = DS;    // segment of the memory operand, after overrides

    bool is_mem() const { return flags & insn_flag::kMem; }
    bool o32() const { return flags & insn_flag::kO32; }
    bool a32() const { return flags & insn_flag::kA32; }
};

}  // namespace amber
