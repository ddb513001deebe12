// Human-readable descriptions of failing tests, for the summary table (one
// short phrase) and for --show-failures (every difference, expected vs actual).
#pragma once
#include <string>

#include "frontend/vectors/judge.hpp"
#include "frontend/vectors/test_case.hpp"
#include "frontend/vectors/verdict.hpp"

namespace amber::vectors {

// "ax, flags(AF), 2 RAM bytes" -- what differs, in a few words.
std::string summarize(const Verdict& v, bool wide);

// A multi-line report of one failing test: bytes, initial registers, then one
// line per difference. `addr_digits` is the width of a physical address.
std::string describe_failure(const std::string& file_id, const TestCase& test, const Verdict& v, bool wide,
                             unsigned addr_digits);

// Names of the FLAGS bits set in `bits`: "CF ZF OF".
std::string flag_names(uint32_t bits);

}  // namespace amber::vectors
