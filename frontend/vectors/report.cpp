#include "frontend/vectors/report.hpp"

#include <fmt/format.h>

namespace amber::vectors {

namespace {
constexpr size_t kMaxNote = 100;  // keeps a table row on one line; --json has it all
}  // namespace

std::string percent(size_t passed, size_t total) {
    if (total == 0) return "-";
    if (passed == total) return "100%";
    // Never round a failing suite up to 100%.
    return fmt::format("{:.2f}%", std::min(99.99, 100.0 * double(passed) / double(total)));
}

namespace {

void add(Tally& t, const FileResult& f) {
    t.passed += f.passed;
    t.total += f.total();
    t.not_applicable += f.not_applicable;
    t.covered += f.covered;
}

// "  (12 n/a, 34 covered by model differences)", or nothing.
std::string set_aside(const Tally& t) {
    std::string out;
    if (t.not_applicable) out += fmt::format("{} n/a", t.not_applicable);
    if (t.covered) out += fmt::format("{}{} covered by model differences", out.empty() ? "" : ", ", t.covered);
    return out.empty() ? out : "  (" + out + ")";
}

}  // namespace

Tally overall(const SuiteReport& r) {
    Tally t;
    for (const FileResult& f : r.files) add(t, f);
    return t;
}

std::map<std::string, Tally> by_status(const SuiteReport& r) {
    std::map<std::string, Tally> m;
    for (const FileResult& f : r.files) add(m[f.status], f);
    return m;
}

std::vector<std::pair<const ModelDifference*, size_t>> covered_by_difference(const SuiteReport& r) {
    std::vector<std::pair<const ModelDifference*, size_t>> out;
    for (const ModelDifference& d : r.differences) {
        size_t tests = 0;
        for (const FileResult& f : r.files)
            if (auto it = f.covered_by.find(std::string(d.name)); it != f.covered_by.end()) tests += it->second;
        out.emplace_back(&d, tests);
    }
    return out;
}

void print_table(std::FILE* out, const SuiteReport& r, bool failing_only) {
    fmt::print(out, "{:<10} {:<13} {:>13}  {}\n", "file", "status", "passed/total", "first failure");
    size_t hidden = 0;
    for (const FileResult& f : r.files) {
        if (failing_only && f.failed == 0) {
            ++hidden;
            continue;
        }
        std::string counts = f.not_applicable && f.total() == 0 ? "n/a" : fmt::format("{}/{}", f.passed, f.total());
        std::string note;
        if (f.first_failure)
            note = fmt::format("#{} {}: {}", f.first_failure->index, f.first_failure->name, f.first_failure->what);
        if (note.size() > kMaxNote) note = note.substr(0, kMaxNote - 3) + "...";
        else if (!f.na_reason.empty())
            note = f.na_reason;
        else if (note.empty() && f.covered)
            note = fmt::format("{} covered by model differences", f.covered);
        if (f.replayed_for_strays) note += " (stray writes: replayed to attribute them)";
        fmt::print(out, "{:<10} {:<13} {:>13}  {}\n", f.id, f.status, counts, note);
    }
    if (hidden) fmt::print(out, "({} files passing every test not shown)\n", hidden);

    fmt::print(out, "\n{:<24} {:>15} {:>8}\n", "status", "passed/total", "");
    for (const auto& [status, t] : by_status(r))
        fmt::print(out, "{:<24} {:>15} {:>8}{}\n", status, fmt::format("{}/{}", t.passed, t.total),
                   percent(t.passed, t.total), set_aside(t));
    Tally all = overall(r);
    fmt::print(out, "{:<24} {:>15} {:>8}{}\n", fmt::format("TOTAL ({})", r.cpu),
               fmt::format("{}/{}", all.passed, all.total), percent(all.passed, all.total), set_aside(all));

    if (r.differences.empty()) return;
    fmt::print(out, "\n{:<24} {:>8}  {}\n", "model difference", "covered", "judged as");
    for (const auto& [d, tests] : covered_by_difference(r))
        fmt::print(out, "{:<24} {:>8}  {}\n{:<34}why: {}\n", d->name, tests, d->judged, "", d->why);
    fmt::print(out, "passed {}, covered by differences {}, failed {}, total {}\n", all.passed, all.covered,
               all.total - all.passed, all.total + all.covered);
}

nlohmann::json to_json(const SuiteReport& r) {
    using nlohmann::json;
    Tally all = overall(r);
    json j = {{"dir", r.dir},           {"format", r.format}, {"cpu", r.cpu},
              {"passed", all.passed},   {"total", all.total}, {"not_applicable", all.not_applicable},
              {"covered", all.covered},
              {"seconds", r.seconds}};
    json files = json::object();
    for (const FileResult& f : r.files) {
        json e = {{"status", f.status}, {"passed", f.passed}, {"total", f.total()}};
        if (f.not_applicable) e["not_applicable"] = {{"tests", f.not_applicable}, {"reason", f.na_reason}};
        if (f.first_failure)
            e["first_failure"] = {
                {"index", f.first_failure->index}, {"name", f.first_failure->name}, {"differs", f.first_failure->what}};
        if (f.replayed_for_strays) e["replayed_for_strays"] = true;
        if (f.covered) e["covered"] = {{"tests", f.covered}, {"by", f.covered_by}};
        files[f.id] = std::move(e);
    }
    j["files"] = std::move(files);
    json statuses = json::object();
    for (const auto& [status, t] : by_status(r))
        statuses[status] = {
            {"passed", t.passed}, {"total", t.total}, {"not_applicable", t.not_applicable}, {"covered", t.covered}};
    j["statuses"] = std::move(statuses);
    json differences = json::array();
    for (const auto& [d, tests] : covered_by_difference(r))
        differences.push_back({{"name", d->name},
                               {"covered", tests},
                               {"treatment", d->treatment == Treatment::Skip ? "skip" : "adjust"},
                               {"judged", d->judged},
                               {"why", d->why}});
    j["model_differences"] = std::move(differences);
    return j;
}

}  // namespace amber::vectors
