#include "cpu/disasm.hpp"

#include <stdexcept>

#include <capstone/capstone.h>

namespace amber {

Disassembler::Disassembler() {
    csh h16, h32;
    if (cs_open(CS_ARCH_X86, CS_MODE_16, &h16) != CS_ERR_OK || cs_open(CS_ARCH_X86, CS_MODE_32, &h32) != CS_ERR_OK)
        throw std::runtime_error("capstone: cannot open an x86 disassembler");
    h16_ = h16;
    h32_ = h32;
}

Disassembler::~Disassembler() {
    csh h = h16_;
    cs_close(&h);
    h = h32_;
    cs_close(&h);
}

Disassembler::Line Disassembler::one(std::span<const uint8_t> bytes, uint32_t address, bool code32) const {
    cs_insn* insn = nullptr;
    size_t n = cs_disasm(code32 ? h32_ : h16_, bytes.data(), bytes.size(), address, 1, &insn);
    Line line;
    if (n == 0) {
        line.text = "(bad)";
        return line;
    }
    line.length = insn[0].size;
    line.text = insn[0].mnemonic;
    if (insn[0].op_str[0]) {
        line.text += ' ';
        line.text += insn[0].op_str;
    }
    cs_free(insn, n);
    return line;
}

}  // namespace amber
