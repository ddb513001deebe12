#include "frontend/vectors/runner.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "frontend/vectors/failure_text.hpp"
#include "frontend/vectors/judge.hpp"
#include "frontend/vectors/model_differences.hpp"

namespace amber::vectors {

namespace {

unsigned hex_digits(uint32_t top) {
    unsigned d = 1;
    while (d < 8 && (top - 1) >> (4 * d)) ++d;
    return d;
}

// Appended to a failure whose expectation a model difference rewrote.
std::string adjusted_note(const Explanation& e) {
    std::string names;
    for (const ModelDifference* d : e.applied) names += (names.empty() ? "" : ", ") + std::string(d->name);
    return "judged as rewritten by: " + names;
}

void count_covered(FileResult& r, const Explanation& e) {
    ++r.covered;
    for (const ModelDifference* d : e.applied) ++r.covered_by[std::string(d->name)];
}

FileResult judge_tests(Judge& judge, const SuiteFile& file, const std::vector<TestCase>& tests,
                       std::span<const ModelDifference> differences, const RunOptions& options) {
    FileResult r;
    r.id = file.id;
    r.status = file.info.status;
    bool wide = judge.rules().wide;
    unsigned digits = hex_digits(judge.rules().reachable_top);
    for (const TestCase& recorded : tests) {
        Explanation e = explain(differences, recorded);
        if (e.skip) {
            count_covered(r, e);
            continue;
        }
        const TestCase& t = e.adjusted ? *e.adjusted : recorded;
        Verdict v = judge.run(t, file.info);
        if (v.passed()) {
            if (e.adjusted) count_covered(r, e);
            else ++r.passed;
            continue;
        }
        ++r.failed;
        std::string what = summarize(v, wide);
        if (e.adjusted) what += " (" + adjusted_note(e) + ")";
        if (!r.first_failure) r.first_failure = FirstFailure{t.index, t.name, what};
        if (r.details.size() < options.show_failures) {
            std::string text = describe_failure(file.id, t, v, wide, digits);
            if (e.adjusted) text += "  (" + adjusted_note(e) + ")\n";
            r.details.push_back(std::move(text));
        }
    }
    return r;
}

FileResult run_file(Judge& judge, const Suite& suite, const SuiteFile& file, const RunOptions& options) {
    std::vector<TestCase> tests = read_tests(suite.format, file);
    if (options.only_index)
        std::erase_if(tests, [&](const TestCase& t) { return t.index != *options.only_index; });
    if (std::string why = judge.not_applicable(file, tests); !why.empty()) {
        FileResult r;
        r.id = file.id;
        r.status = file.info.status;
        r.not_applicable = tests.size();
        r.na_reason = why;
        return r;
    }
    auto differences = options.model_differences ? model_differences(options.model, suite.format)
                                                 : std::span<const ModelDifference>{};
    FileResult r = judge_tests(judge, file, tests, differences, options);
    bool leftovers = judge.found_leftovers();
    if (judge.sweep() == 0 && !leftovers) return r;
    // Some test wrote outside the pages checked after it: replay with a
    // whole-memory check after every test, so the right test gets the blame.
    judge.set_full_scan(true);
    r = judge_tests(judge, file, tests, differences, options);
    judge.set_full_scan(false);
    judge.sweep();
    r.replayed_for_strays = true;
    return r;
}

}  // namespace

std::vector<FileResult> run_suite(const Suite& suite, const RunOptions& options) {
    std::vector<FileResult> results(suite.files.size());
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;

    auto worker = [&] {
        std::unique_ptr<Judge> judge;  // built on first use: one machine per thread
        for (;;) {
            size_t i = next++;
            if (i >= suite.files.size() || failed) return;
            try {
                if (!judge) judge = std::make_unique<Judge>(options.model, suite.format);
                results[i] = run_file(*judge, suite, suite.files[i], options);
            } catch (...) {
                std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
                failed = true;
                return;
            }
        }
    };
    unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(suite.files.size())));
    std::vector<std::thread> threads;
    for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
    return results;
}

}  // namespace amber::vectors
