#include "frontend/vectors/glob.hpp"

#include <cctype>

namespace amber::vectors {

namespace {
bool same_char(char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}
}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
    // Iterative matcher: on a mismatch, retry from the last '*' consuming one more character.
    size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && same_char(pattern[p], text[t])))) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

bool matches_any(const std::vector<std::string>& patterns, std::string_view text) {
    if (patterns.empty()) return true;
    for (const auto& p : patterns)
        if (glob_match(p, text)) return true;
    return false;
}

std::vector<std::string> split_patterns(std::string_view list) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = list.find(',', start);
        if (comma == std::string_view::npos) comma = list.size();
        if (comma > start) out.emplace_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

}  // namespace amber::vectors
