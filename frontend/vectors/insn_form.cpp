#include "frontend/vectors/insn_form.hpp"

namespace amber::vectors {

namespace {

constexpr uint8_t kHlt = 0xF4;

// One-byte opcodes of the 286 map that are followed by a ModRM byte.
bool has_modrm(uint8_t op) {
    if (op < 0x40) return (op & 7) < 4;  // the eight ALU groups: r/m,r  r,r/m (byte and word)
    switch (op) {
    case 0x62: case 0x63: case 0x69: case 0x6B:
    case 0xC0: case 0xC1: case 0xC4: case 0xC5: case 0xC6: case 0xC7:
    case 0xF6: case 0xF7: case 0xFE: case 0xFF:
        return true;
    default:
        return (op >= 0x80 && op <= 0x8F) || (op >= 0xD0 && op <= 0xD3) || (op >= 0xD8 && op <= 0xDF);
    }
}

bool uses_bp_base(uint8_t modrm) {
    unsigned mod = modrm >> 6, rm = modrm & 7;
    return rm == 2 || rm == 3 || (rm == 6 && mod != 0);
}

}  // namespace

InsnForm decode_form(const std::vector<uint8_t>& bytes) {
    InsnForm f;
    size_t n = bytes.size();
    f.length = static_cast<unsigned>(n > 0 && bytes[n - 1] == kHlt ? n - 1 : n);
    size_t i = 0;
    for (; i < f.length; ++i) {
        uint8_t b = bytes[i];
        if (b == 0x26) f.segment_override = Field::ES;
        else if (b == 0x2E) f.segment_override = Field::CS;
        else if (b == 0x36) f.segment_override = Field::SS;
        else if (b == 0x3E) f.segment_override = Field::DS;
        else if (b == 0xF0 || b == 0xF1) f.lock = true;
        else if (b == 0xF2 || b == 0xF3) f.rep = true;
        else break;
    }
    f.prefix_count = static_cast<unsigned>(i);
    if (i >= f.length) return f;
    f.opcode = bytes[i++];
    if (!has_modrm(f.opcode) || i >= f.length) return f;
    uint8_t modrm = bytes[i++];
    f.modrm = modrm;
    unsigned mod = modrm >> 6, rm = modrm & 7;
    auto byte_at = [&](size_t k) -> uint8_t { return k < n ? bytes[k] : 0; };
    if (mod == 1) f.displacement = static_cast<int8_t>(byte_at(i));
    else if (mod == 2) f.displacement = static_cast<int16_t>(byte_at(i) | byte_at(i + 1) << 8);
    else if (mod == 0 && rm == 6) f.displacement = byte_at(i) | byte_at(i + 1) << 8;  // [disp16], no base
    return f;
}

uint16_t operand_offset(const InsnForm& f, const RegFile& r) {
    if (!f.modrm) return 0;
    unsigned mod = *f.modrm >> 6, rm = *f.modrm & 7;
    uint32_t bx = r.get(Field::EBX), bp = r.get(Field::EBP), si = r.get(Field::ESI), di = r.get(Field::EDI);
    uint32_t base = 0;
    switch (rm) {
    case 0: base = bx + si; break;
    case 1: base = bx + di; break;
    case 2: base = bp + si; break;
    case 3: base = bp + di; break;
    case 4: base = si; break;
    case 5: base = di; break;
    case 6: base = mod == 0 ? 0 : bp; break;
    case 7: base = bx; break;
    }
    return static_cast<uint16_t>(base + static_cast<uint32_t>(f.displacement));
}

Field operand_segment(const InsnForm& f) {
    if (f.segment_override) return *f.segment_override;
    return f.modrm && uses_bp_base(*f.modrm) ? Field::SS : Field::DS;
}

unsigned operand_bytes(const InsnForm& f) {
    switch (f.opcode) {
    case 0x8D: return 0;                       // LEA computes the offset only
    case 0x62: case 0xC4: case 0xC5: return 4;  // BOUND, LES, LDS
    case 0x8C: case 0x8E: return 2;             // segment registers are words
    case 0xFF: return f.reg() == 3 || f.reg() == 5 ? 4 : 2;  // far CALL/JMP read a pointer
    default: return (f.opcode & 1) ? 2 : 1;     // the w bit of the classic encodings
    }
}

bool is_string_op(uint8_t op) { return (op >= 0xA4 && op <= 0xA7) || (op >= 0xAA && op <= 0xAF) || (op >= 0x6C && op <= 0x6F); }

bool string_uses_si(uint8_t op) {
    return (op >= 0xA4 && op <= 0xA7) || op == 0xAC || op == 0xAD || op == 0x6E || op == 0x6F;
}

bool string_uses_di(uint8_t op) {
    return (op >= 0xA4 && op <= 0xA7) || op == 0xAA || op == 0xAB || op == 0xAE || op == 0xAF || op == 0x6C || op == 0x6D;
}

std::optional<StackWords> stack_words(const InsnForm& f) {
    auto pops = [](unsigned words) { return StackWords{Field::ESP, 0, words}; };
    auto pushes = [](unsigned words) { return StackWords{Field::ESP, -2 * int(words), words}; };
    uint8_t op = f.opcode;
    if (op >= 0x50 && op <= 0x57) return pushes(1);
    if (op >= 0x58 && op <= 0x5F) return pops(1);
    switch (op) {
    case 0x06: case 0x0E: case 0x16: case 0x1E: case 0x68: case 0x6A: case 0x9C: case 0xE8: return pushes(1);
    case 0x07: case 0x17: case 0x1F: case 0x8F: case 0x9D: case 0xC2: case 0xC3: return pops(1);
    case 0x60: return pushes(8);                          // PUSHA
    case 0x61: return pops(8);                            // POPA
    case 0x9A: return pushes(2);                          // CALL far
    case 0xCA: case 0xCB: return pops(2);                 // RETF
    case 0xCF: return pops(3);                            // IRET
    case 0xCC: case 0xCD: case 0xCE: return pushes(3);    // INT: FLAGS, CS, IP
    case 0xC9: return StackWords{Field::EBP, 0, 1};       // LEAVE: SP = BP, then POP BP
    case 0xFF:
        if (f.reg() == 2 || f.reg() == 6) return pushes(1);  // CALL near, PUSH
        if (f.reg() == 3) return pushes(2);                  // CALL far
        return std::nullopt;
    default: return std::nullopt;
    }
}

}  // namespace amber::vectors
