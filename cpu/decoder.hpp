// Turns instruction bytes into an Insn using the opcode table. The byte
// source is a template parameter: the code cache decodes from a host pointer
// with a known number of bytes available (and stops a block where an
// instruction would run past them); the uncached path fetches through the
// CPU's memory path and may fault.
#pragma once
#include <cstdint>

#include "cpu/insn.hpp"
#include "cpu/opcode_table.hpp"

namespace amber {

// Bytes from host memory; next() fails when the window is exhausted.
struct SpanSource {
    const uint8_t* p;
    uint32_t avail;
    uint32_t used = 0;
    bool next(uint8_t& b) {
        if (used >= avail) return false;
        b = p[used++];
        return true;
    }
};

enum class DecodeStatus { Ok, OutOfBytes };

namespace detail {
// The instructions a LOCK prefix may precede (with a memory destination);
// from the 386 on, LOCK before anything else raises #UD.
inline bool lockable(uint16_t op, uint8_t reg) {
    if (op < 0x38 && (op & 7) < 2) return true;  // ADD OR ADC SBB AND SUB XOR Eb/Ev,G
    switch (op) {
    case 0x80: case 0x81: case 0x82: case 0x83: return reg != 7;  // not CMP
    case 0x86: case 0x87: return true;                            // XCHG
    case 0xF6: case 0xF7: return reg == 2 || reg == 3;            // NOT, NEG
    case 0xFE: case 0xFF: return reg <= 1;                        // INC, DEC
    case 0x1AB: case 0x1B3: case 0x1BB: return true;              // BTS, BTR, BTC
    case 0x1BA: return reg >= 5;                                  // BTS/BTR/BTC imm
    case 0x1B0: case 0x1B1: case 0x1C0: case 0x1C1: return true;  // CMPXCHG, XADD
    case 0x1C7: return reg == 1;                                  // CMPXCHG8B
    default: return false;
    }
}
// 16-bit ModRM memory forms: rm -> base, index; BP-based forms default to SS.
constexpr uint8_t kBase16[8] = {EBX, EBX, EBP, EBP, ESI, EDI, EBP, EBX};
constexpr uint8_t kIndex16[8] = {ESI, EDI, ESI, EDI, kNoReg, kNoReg, kNoReg, kNoReg};
}  // namespace detail

template <typename Src>
DecodeStatus decode(const OpTable& table, const ModelTraits& model, bool code32, Src& src, Insn& out) {
    using namespace insn_flag;
    out = Insn{};
    bool o32 = code32, a32 = code32;
    uint8_t b;
    int seg_override = -1;
    uint16_t flags = 0;
    const bool is386 = model.model >= CpuModel::i386;
    unsigned length = 0;

    // Prefixes.
    for (;;) {
        if (!src.next(b)) return DecodeStatus::OutOfBytes;
        ++length;
        switch (b) {
        case 0x26: seg_override = ES; continue;
        case 0x2E: seg_override = CS; continue;
        case 0x36: seg_override = SS; continue;
        case 0x3E: seg_override = DS; continue;
        case 0x64: if (is386) { seg_override = FS; continue; } break;
        case 0x65: if (is386) { seg_override = GS; continue; } break;
        case 0x66: if (is386) { o32 = !code32; continue; } break;
        case 0x67: if (is386) { a32 = !code32; continue; } break;
        case 0xF0: flags |= kLock; continue;
        case 0xF1: if (!is386) { flags |= kLock; continue; } break;  // LOCK alias before the 386
        case 0xF2: flags = (flags & ~kRep) | kRepne; continue;
        case 0xF3: flags = (flags & ~kRepne) | kRep; continue;
        default: break;
        }
        break;
    }
    uint16_t op = b;
    if (b == 0x0F && model.model != CpuModel::i8086) {
        if (!src.next(b)) return DecodeStatus::OutOfBytes;
        ++length;
        op = 0x100 | b;
    }
    out.op = op;
    if (o32) flags |= kO32;
    if (a32) flags |= kA32;

    const OpInfo* info = &table.ops[op];
    if (info->form.modrm) {
        if (!src.next(b)) return DecodeStatus::OutOfBytes;
        ++length;
        out.modrm = b;
        out.reg = (b >> 3) & 7;
        out.rm = b & 7;
        if (info->flags & op_flag::kGroup) info = &table.groups[op][out.reg];
        const uint8_t mod = b >> 6;
        uint8_t default_seg = DS;
        if (mod != 3) {
            flags |= kMem;
            unsigned disp_bytes = 0;
            if (!a32) {
                if (mod == 0 && out.rm == 6) {
                    disp_bytes = 2;
                } else {
                    out.base = detail::kBase16[out.rm];
                    out.index = detail::kIndex16[out.rm];
                    if (out.base == EBP) default_seg = SS;
                    disp_bytes = mod == 1 ? 1 : mod == 2 ? 2 : 0;
                }
            } else {
                uint8_t base = out.rm;
                if (out.rm == 4) {  // SIB
                    uint8_t sib;
                    if (!src.next(sib)) return DecodeStatus::OutOfBytes;
                    ++length;
                    out.scale = sib >> 6;
                    uint8_t index = (sib >> 3) & 7;
                    out.index = index == 4 ? uint8_t(kNoReg) : index;
                    base = sib & 7;
                    if (base == 5 && mod == 0) {
                        base = kNoReg;
                        disp_bytes = 4;
                    }
                } else if (mod == 0 && out.rm == 5) {
                    base = kNoReg;
                    disp_bytes = 4;
                }
                out.base = base;
                if (base == ESP || base == EBP) default_seg = SS;
                if (mod == 1) disp_bytes = 1;
                else if (mod == 2) disp_bytes = 4;
            }
            uint32_t d = 0;
            for (unsigned k = 0; k < disp_bytes; ++k) {
                if (!src.next(b)) return DecodeStatus::OutOfBytes;
                ++length;
                d |= uint32_t(b) << (8 * k);
            }
            if (disp_bytes == 1) d = static_cast<uint32_t>(static_cast<int8_t>(d));
            out.disp = d;
        }
        out.seg = seg_override >= 0 ? static_cast<uint8_t>(seg_override) : default_seg;
    } else {
        out.seg = seg_override >= 0 ? static_cast<uint8_t>(seg_override) : uint8_t(DS);
        out.reg = op & 7;  // register encoded in the opcode (40+r, 50+r, B0+r...)
    }
    if (seg_override >= 0) flags |= kSegOverride;

    auto read_le = [&](unsigned n, uint32_t& v) {
        v = 0;
        for (unsigned k = 0; k < n; ++k) {
            if (!src.next(b)) return false;
            ++length;
            v |= uint32_t(b) << (8 * k);
        }
        return true;
    };
    uint32_t v = 0;
    const unsigned zsize = o32 ? 4 : 2;
    switch (info->form.imm) {
    case Imm::None: break;
    case Imm::Ib: if (!read_le(1, out.imm)) return DecodeStatus::OutOfBytes; break;
    case Imm::Ibs:
    case Imm::Jb:
        if (!read_le(1, v)) return DecodeStatus::OutOfBytes;
        out.imm = static_cast<uint32_t>(static_cast<int8_t>(v));
        break;
    case Imm::Iw: if (!read_le(2, out.imm)) return DecodeStatus::OutOfBytes; break;
    case Imm::Iz:
    case Imm::Jz: if (!read_le(zsize, out.imm)) return DecodeStatus::OutOfBytes; break;
    case Imm::Ap:
        if (!read_le(zsize, out.imm) || !read_le(2, v)) return DecodeStatus::OutOfBytes;
        out.imm2 = static_cast<uint16_t>(v);
        break;
    case Imm::Ob:
        if (!read_le(a32 ? 4 : 2, out.disp)) return DecodeStatus::OutOfBytes;
        flags |= kMem;
        break;
    case Imm::IwIb:
        if (!read_le(2, out.imm) || !read_le(1, v)) return DecodeStatus::OutOfBytes;
        out.imm2 = static_cast<uint16_t>(v);
        break;
    }

    out.len = static_cast<uint8_t>(length > 255 ? 255 : length);
    out.flags = flags;
    if (!info->name || (is386 && (flags & kLock) && !((flags & kMem) && detail::lockable(op, out.reg)))) {
        out.fn = table.invalid;
        out.flags |= kEndsBlock;
    } else {
        out.fn = o32 ? info->h32 : info->h16;
        if ((info->flags & op_flag::kEndsBlock) || ((info->flags & op_flag::kString) && (flags & (kRep | kRepne))))
            out.flags |= kEndsBlock;
    }
    if (model.max_insn_length && length > model.max_insn_length) {
        out.fn = table.too_long;
        out.flags |= kEndsBlock;
    }
    return DecodeStatus::Ok;
}

}  // namespace amber
