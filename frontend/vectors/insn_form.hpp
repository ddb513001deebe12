// The shape of one 16-bit real-mode instruction, read from a vector's bytes:
// prefixes, opcode, ModRM memory operand. Just enough decoding for the runner
// to tell which 286/386 difference a test touches (model_differences.hpp);
// the test itself is run by the CPU's own decoder.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "frontend/vectors/test_case.hpp"

namespace amber::vectors {

struct InsnForm {
    unsigned prefix_count = 0;
    bool lock = false;                       // F0, or F1 (the 286 reads it as LOCK too)
    bool rep = false;                        // F2 or F3
    std::optional<Field> segment_override;   // the last of 26/2E/36/3E wins
    uint8_t opcode = 0;                      // first byte after the prefixes
    std::optional<uint8_t> modrm;
    int32_t displacement = 0;                // of the ModRM memory operand
    unsigned length = 0;                     // instruction bytes, the HLT after it excluded

    unsigned reg() const { return modrm ? (*modrm >> 3) & 7 : 0; }
    bool has_memory_operand() const { return modrm && (*modrm >> 6) != 3; }
};

// `bytes` is a MOO test's BYTS: the instruction, then the HLT that ends the
// test (true of every 80286 vector), which is not counted in `length`.
InsnForm decode_form(const std::vector<uint8_t>& bytes);

// The ModRM memory operand: its offset, computed from the registers before
// the instruction, and the segment it is read through.
uint16_t operand_offset(const InsnForm& f, const RegFile& regs);
Field operand_segment(const InsnForm& f);
// Bytes the operand access covers: 4 for far pointers and BOUND, 0 for LEA.
unsigned operand_bytes(const InsnForm& f);

// MOVS CMPS STOS LODS SCAS INS OUTS (either width).
bool is_string_op(uint8_t opcode);
bool string_uses_si(uint8_t opcode);
bool string_uses_di(uint8_t opcode);
// The words an instruction reads or writes on the stack: at offsets
// base + first + 2*i (i < words) within SS, where base is SP, or BP for LEAVE.
struct StackWords {
    Field base;
    int first;
    unsigned words;
};
// Empty for instructions that do not use the stack (and for ENTER, whose
// accesses depend on its nesting level).
std::optional<StackWords> stack_words(const InsnForm& f);

}  // namespace amber::vectors
