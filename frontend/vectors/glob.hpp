// Shell-style wildcard matching for --filter: '*' any run, '?' one character,
// case-insensitive (opcode names are hex).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace amber::vectors {

bool glob_match(std::string_view pattern, std::string_view text);
// A comma-separated list of patterns; empty matches everything.
bool matches_any(const std::vector<std::string>& patterns, std::string_view text);
std::vector<std::string> split_patterns(std::string_view list);

}  // namespace amber::vectors
