// The outcome of one test: every way the emulator's final state differs from
// the recording. Empty means pass.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "frontend/vectors/test_case.hpp"

namespace amber::vectors {

struct Difference {
    enum class Kind : uint8_t {
        Register,     // field: expected/actual under mask
        SegmentBase,  // field: the selector matches but the hidden base does not
        Memory,       // addr: a listed byte has the wrong value
        Stray,        // addr: a byte the hardware did not write is nonzero
        Run,          // note: the run itself went wrong (no HLT, exception...)
        Fpu,          // note: an x87 register, tag or status word differs
        Sse,          // note: an XMM register or MXCSR differs
    };
    Kind kind;
    Field field = Field::EAX;
    uint32_t addr = 0;
    uint32_t expected = 0;
    uint32_t actual = 0;
    uint32_t mask = 0xFFFFFFFF;
    std::string note;
};

struct Verdict {
    std::vector<Difference> diffs;
    size_t strays_not_listed = 0;  // stray bytes beyond those listed in diffs

    bool passed() const { return diffs.empty(); }
};

}  // namespace amber::vectors
