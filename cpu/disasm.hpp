// Capstone disassembly for logs, traces and (later) the debugger. It only
// names instructions for people; Amber's own decoder executes them.
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace amber {

class Disassembler {
public:
    Disassembler();
    ~Disassembler();
    Disassembler(const Disassembler&) = delete;
    Disassembler& operator=(const Disassembler&) = delete;

    struct Line {
        unsigned length = 0;  // 0 when the bytes do not decode
        std::string text;
    };
    // Disassembles the first instruction in `bytes` as 16- or 32-bit code.
    Line one(std::span<const uint8_t> bytes, uint32_t address, bool code32) const;

private:
    size_t h16_ = 0, h32_ = 0;  // capstone handles
};

}  // namespace amber
