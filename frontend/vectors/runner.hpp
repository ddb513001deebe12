// Runs the files of a suite through Judges, on several threads (one machine
// per thread, reused from file to file), and collects per-file results.
#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cpu/model.hpp"
#include "frontend/vectors/suite.hpp"

namespace amber::vectors {

struct RunOptions {
    CpuModel model = CpuModel::i8086;
    unsigned jobs = 1;
    size_t show_failures = 0;             // detailed reports kept per file
    std::optional<uint32_t> only_index;   // run only the test with this index
    bool model_differences = true;        // apply model_differences.hpp (80286 vectors on a 386)
};

struct FirstFailure {
    uint32_t index = 0;
    std::string name;
    std::string what;  // summarize(): which registers / bytes differ
};

struct FileResult {
    std::string id;
    std::string status;               // from metadata.json
    size_t passed = 0;
    size_t failed = 0;
    size_t not_applicable = 0;        // tests not judged (see na_reason)
    std::string na_reason;
    // Tests a listed model difference accounts for (model_differences.hpp):
    // left out, or passed against the expectation rewritten for this model.
    // Counted apart from passed and failed; a rewritten test that still fails
    // is a failure.
    size_t covered = 0;
    std::map<std::string, size_t> covered_by;  // per difference; a test can count under several
    std::optional<FirstFailure> first_failure;
    std::vector<std::string> details;  // describe_failure() texts, at most show_failures
    bool replayed_for_strays = false;  // a stray write was found and attributed by a replay

    size_t total() const { return passed + failed; }
};

// Results in suite order. Rethrows the first error (unreadable file, bad test)
// after the other threads have stopped.
std::vector<FileResult> run_suite(const Suite& suite, const RunOptions& options);

}  // namespace amber::vectors
