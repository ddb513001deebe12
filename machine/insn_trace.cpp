#include "machine/insn_trace.hpp"

#include <array>
#include <memory>

#include <fmt/format.h>

#include "cpu/cpu.hpp"
#include "cpu/disasm.hpp"
#include "machine/log.hpp"

namespace amber {

void attach_insn_trace(Cpu& cpu) {
    auto logger = log::get("cpu");
    auto disasm = std::make_shared<Disassembler>();
    cpu.set_insn_hook([logger, disasm](Cpu& c) {
        std::array<uint8_t, 15> bytes{};
        uint32_t lin = c.seg[CS].base + c.eip;
        for (unsigned k = 0; k < bytes.size(); ++k) {
            auto phys = c.translate(lin + k);  // an unmapped page reads as zeros here
            bytes[k] = phys ? c.memory().read8(*phys) : 0;
        }
        Disassembler::Line line = disasm->one(bytes, c.eip, c.code32());
        std::string hex;
        for (unsigned k = 0; k < std::max(line.length, 1u); ++k) hex += fmt::format("{:02X}", bytes[k]);
        logger->trace("{:>10} {:04X}:{:0{}X}  {:<20} {}", c.ticks, c.seg[CS].selector, c.eip, c.code32() ? 8 : 4, hex,
                      line.text);
    });
}

}  // namespace amber
