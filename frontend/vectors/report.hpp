// The results of a suite run as a text table or as JSON.
#pragma once
#include <cstdio>
#include <map>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "frontend/vectors/model_differences.hpp"
#include "frontend/vectors/runner.hpp"

namespace amber::vectors {

struct SuiteReport {
    std::string dir;
    std::string format;
    std::string cpu;
    std::vector<FileResult> files;
    std::span<const ModelDifference> differences;  // the list the run applied, if any
    double seconds = 0;
};

struct Tally {
    size_t passed = 0;
    size_t total = 0;           // judged tests
    size_t not_applicable = 0;  // tests not judged on this model
    size_t covered = 0;         // tests a listed model difference accounts for
};

Tally overall(const SuiteReport& r);
// Keyed by metadata status (normal, alias, undocumented, undefined, fpu, prefix...).
std::map<std::string, Tally> by_status(const SuiteReport& r);

// Tests each listed difference covered, in list order (a test can count under several).
std::vector<std::pair<const ModelDifference*, size_t>> covered_by_difference(const SuiteReport& r);

// One row per file (or only files with failures), then totals per status,
// then the model differences applied and how many tests each covered.
void print_table(std::FILE* out, const SuiteReport& r, bool failing_only);
// {"passed", "total", "not_applicable", "covered", "files": {id: {...}}, "statuses": {...},
//  "model_differences": [...]}
nlohmann::json to_json(const SuiteReport& r);

std::string percent(size_t passed, size_t total);

}  // namespace amber::vectors
