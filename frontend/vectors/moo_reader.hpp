// Reader for MOO v1.x binary test files (SingleStepTests 80286 and later):
// chunks of [4-byte id][u32 length][payload], nested inside TEST chunks.
// Unknown chunks are skipped by length, as the format requires.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "frontend/vectors/test_case.hpp"

namespace amber::vectors {

struct MooFile {
    std::string cpu_id;           // "C286", "8086", "386E"...
    uint32_t declared_tests = 0;  // from the MOO header
    std::vector<TestCase> tests;
};

// `data` is the uncompressed file; `origin` names it in error messages.
// Throws std::runtime_error on a malformed or truncated file.
MooFile parse_moo(std::string_view data, const std::string& origin);

}  // namespace amber::vectors
