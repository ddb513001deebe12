// Parsers for the arguments of gdb's requests, one per packet shape. Each
// takes the text after the command letters and returns nothing when it is
// malformed (the stub then answers with an error).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "frontend/gdb/target.hpp"

namespace amber::gdb {

// The one thread the stub shows gdb (qfThreadInfo, qC, stop replies).
constexpr unsigned kThreadId = 1;

struct MemoryRange {
    uint32_t address = 0;
    uint32_t length = 0;
};

// "ADDR,LENGTH" ('m').
std::optional<MemoryRange> parse_memory_range(std::string_view args);

// "ADDR,LENGTH:DATA" ('M' with hex DATA, 'X' with escaped binary DATA).
struct MemoryWrite {
    MemoryRange range;
    std::string_view data;  // as it came: still hex or escaped
};
std::optional<MemoryWrite> parse_memory_write(std::string_view args);

// "TYPE,ADDR,KIND[;conditions]" ('Z' and 'z'). The type is kept as a
// number: types past 4 are well-formed but unknown (an empty reply).
struct BreakpointRequest {
    unsigned type = 0;
    uint32_t address = 0;
    uint32_t length = 0;
};
std::optional<BreakpointRequest> parse_breakpoint(std::string_view args);

// 'c [ADDR]', 's [ADDR]', 'C SIG[;ADDR]', 'S SIG[;ADDR]'. Signals are not
// delivered to a bare machine, so SIG is read and ignored.
struct ResumeRequest {
    ResumeMode mode = ResumeMode::Continue;
    std::optional<uint32_t> address;  // resume here instead of at EIP
};
std::optional<ResumeRequest> parse_resume(char command, std::string_view args);

// "vCont;ACTION[:THREAD];..." given the text after "vCont": the first
// action for our thread (or for all threads) among c, C, s and S.
std::optional<ResumeMode> parse_vcont(std::string_view args);

// "qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH" given the text after "qXfer:".
struct XferRead {
    std::string_view object;
    std::string_view annex;
    uint32_t offset = 0;
    uint32_t length = 0;
};
std::optional<XferRead> parse_xfer_read(std::string_view args);

// A thread id as 'H', 'T' and vCont write it, in hex; -1 means all.
// True if it names ours (or all, or "any" = 0).
bool names_our_thread(std::string_view id);

}  // namespace amber::gdb
