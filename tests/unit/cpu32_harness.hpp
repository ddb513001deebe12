// A bare machine in flat 32-bit protected mode for single-instruction tests
// of the 386/486 instruction set: code at 0x200000, data around 0x300000,
// the stack below 0x380000. No interrupt table, so a fault leaves the state
// as it was and step() reports it.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "machine/machine.hpp"

namespace amber::test {

struct Flat32 {
    static constexpr uint32_t kCode = 0x200000, kData = 0x300000, kStack = 0x380000;

    Machine m;

    explicit Flat32(CpuModel model = CpuModel::i486, unsigned cpl = 3)
        : m(MachineConfig{model, 640 * 1024, 4u << 20, {}, 1'000'000}) {
        Cpu& c = m.cpu();
        c.cr0 = 1;
        const uint16_t rpl = static_cast<uint16_t>(cpl);
        const uint16_t dpl = static_cast<uint16_t>(cpl << 5);
        c.set_segment_cache(CS, Segment{uint16_t(0x08 | rpl), 0, 0xFFFFFFFFu, uint16_t(0x9B | dpl | Segment::kBig)});
        c.set_segment_cache(SS, Segment{uint16_t(0x10 | rpl), 0, 0xFFFFFFFFu, uint16_t(0x93 | dpl | Segment::kBig)});
        for (unsigned sr : {ES, DS, FS, GS})
            c.set_segment_cache(sr, Segment{uint16_t(0x10 | rpl), 0, 0xFFFFFFFFu, uint16_t(0x93 | dpl)});
        c.idtr.base = 0;
        c.idtr.limit = 0;
        c.r[ESP] = kStack;
        c.flags.set(0x202);
        c.eip = kCode;
    }
    Cpu& cpu() { return m.cpu(); }

    // Places `code` at EIP and executes that one instruction.
    std::optional<CpuFault> exec(const std::vector<uint8_t>& code) {
        m.memory().write_block(cpu().eip, code);
        return cpu().step();
    }
    // exec() at kCode again, for a sequence of single instructions. A fault
    // before shut the CPU down (its delivery failed): start it again.
    std::optional<CpuFault> exec_fresh(const std::vector<uint8_t>& code) {
        cpu().eip = kCode;
        cpu().halted = cpu().shutdown = false;
        cpu().pending = 0;
        return exec(code);
    }
    uint32_t read32(uint32_t addr) { return m.memory().read<uint32_t>(addr); }
    uint16_t read16(uint32_t addr) { return m.memory().read<uint16_t>(addr); }
    void write32(uint32_t addr, uint32_t v) { m.memory().write<uint32_t>(addr, v); }
    void write16(uint32_t addr, uint16_t v) { m.memory().write<uint16_t>(addr, v); }
    bool cf() { return m.cpu().flags.cf(); }
    bool zf() { return m.cpu().flags.zf(); }
    bool of() { return m.cpu().flags.of(); }
};

}  // namespace amber::test
