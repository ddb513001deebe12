// The results of a suite run as a text table or as JSON.
#pragma once
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "frontend/vectors/runner.hpp"

namespace amber::vectors {

struct SuiteReport {
    std::string dir;
    std::string format;
    std::string cpu;
    std::vector<FileResult> files;
    double seconds = 0;
};

struct Tally {
    size_t passed = 0;
    size_t total = 0;           // judged tests
    size_t not_applicable = 0;  // tests not judged on this model
};

Tally overall(const SuiteReport& r);
// Keyed by metadata status (normal, alias, undocumented, undefined, fpu, prefix...).
std::map<std::string, Tally> by_status(const SuiteReport& r);

// One row per file (or only files with failures), then totals per status.
void print_table(std::FILE* out, const SuiteReport& r, bool failing_only);
// {"passed", "total", "not_applicable", "files": {id: {...}}, "statuses": {...}}
nlohmann::json to_json(const SuiteReport& r);

std::string percent(size_t passed, size_t total);

}  // namespace amber::vectors
