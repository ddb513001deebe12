// Reader for JSON test files: the SingleStepTests 8086 layout (one test per
// line) and the native32 layout (one line), both a JSON array of tests with
// "name", "bytes", "initial"/"final" {"regs", "ram"}. Parsed with a SAX
// handler straight into TestCase: no document tree, about twice as fast.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "frontend/vectors/test_case.hpp"

namespace amber::vectors {

// `text` is the uncompressed file; `origin` names it in error messages.
// Throws std::runtime_error on malformed JSON or an unknown register name.
std::vector<TestCase> parse_json_tests(std::string_view text, const std::string& origin);

}  // namespace amber::vectors
