// Regression thresholds: a committed text file with the number of tests each
// file passed. A run that passes fewer tests in any file fails.
//
// Format (one file per line, '#' starts a comment):
//   cpu 8086
//   00 500 500        <- file id, tests passed, tests judged
//   CF 64 64 436      <- ...and tests covered by model differences, if any
// Tests a model difference covers are fixed by the test data, so fewer of
// them (at the same pass count) means some now fail: also a regression.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "frontend/vectors/report.hpp"

namespace amber::vectors {

struct BaselineEntry {
    size_t passed = 0;
    size_t total = 0;
    size_t covered = 0;  // by model differences (model_differences.hpp)
};

struct Baseline {
    std::string cpu;
    std::map<std::string, BaselineEntry> files;
};

// Throws std::runtime_error on a missing or malformed file.
Baseline read_baseline(const std::filesystem::path& file);
Baseline parse_baseline(const std::string& text, const std::string& origin);
void write_baseline(const std::filesystem::path& file, const SuiteReport& report, const std::string& command_hint);
std::string format_baseline(const SuiteReport& report, const std::string& command_hint);

struct BaselineCheck {
    std::vector<std::string> regressions;  // non-empty: the run is worse
    std::vector<std::string> notes;        // improvements and the like
};

// `complete_run` is false when a filter or --index limited the run, so files
// absent from it are not regressions.
BaselineCheck check_against(const Baseline& base, const SuiteReport& report, bool complete_run);

}  // namespace amber::vectors
