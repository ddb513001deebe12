#include "frontend/vectors/baseline.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace amber::vectors {

Baseline read_baseline(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in)
        throw std::runtime_error(fmt::format("cannot read baseline '{}' (create it with --write-baseline)", file.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_baseline(ss.str(), file.string());
}

Baseline parse_baseline(const std::string& text, const std::string& origin) {
    Baseline b;
    std::istringstream in(text);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream words(line);
        std::string first;
        if (!(words >> first)) continue;
        if (first == "cpu") {
            words >> b.cpu;
            continue;
        }
        BaselineEntry e;
        std::string extra;
        bool counts = static_cast<bool>(words >> e.passed >> e.total);
        if (counts && !(words >> e.covered)) {
            e.covered = 0;  // the optional column is absent
            words.clear();
        }
        if (!counts || (words >> extra) || e.passed > e.total)
            throw std::runtime_error(fmt::format("{}:{}: expected '<file> <passed> <total> [<covered>]'", origin, number));
        b.files[first] = e;
    }
    return b;
}

std::string format_baseline(const SuiteReport& report, const std::string& command_hint) {
    Tally all = overall(report);
    bool with_covered = all.covered > 0;
    std::string out = fmt::format("# amber vectors baseline: the fewest tests each file may pass.\n"
                                  "# Regenerate with: {}\n"
                                  "# {}: {}/{} passed ({})\n",
                                  command_hint, report.format, all.passed, all.total, percent(all.passed, all.total));
    if (with_covered)
        out += fmt::format("# {} more covered by model differences, apart from passed and total\n", all.covered);
    out += fmt::format("cpu {}\n# file passed total{}\n", report.cpu, with_covered ? " covered" : "");
    for (const FileResult& f : report.files) {
        out += fmt::format("{} {} {}", f.id, f.passed, f.total());
        out += with_covered ? fmt::format(" {}\n", f.covered) : "\n";
    }
    return out;
}

void write_baseline(const std::filesystem::path& file, const SuiteReport& report, const std::string& command_hint) {
    std::ofstream out(file);
    if (!out) throw std::runtime_error(fmt::format("cannot write baseline '{}'", file.string()));
    out << format_baseline(report, command_hint);
    if (!out.flush()) throw std::runtime_error(fmt::format("cannot write baseline '{}'", file.string()));
}

BaselineCheck check_against(const Baseline& base, const SuiteReport& report, bool complete_run) {
    BaselineCheck c;
    if (!base.cpu.empty() && base.cpu != report.cpu)
        c.regressions.push_back(fmt::format("the baseline is for cpu {}, this run is for {}", base.cpu, report.cpu));
    size_t now_sum = 0, base_sum = 0, improved = 0;
    std::map<std::string, const FileResult*> seen;
    for (const FileResult& f : report.files) {
        seen[f.id] = &f;
        auto it = base.files.find(f.id);
        if (it == base.files.end()) {
            if (f.total()) c.notes.push_back(fmt::format("{}: not in the baseline ({}/{} passed)", f.id, f.passed, f.total()));
            continue;
        }
        const BaselineEntry& b = it->second;
        now_sum += f.passed + f.covered;
        base_sum += b.passed + b.covered;
        if (f.passed < b.passed)
            c.regressions.push_back(
                fmt::format("{}: {} of {} tests pass, the baseline has {}", f.id, f.passed, f.total(), b.passed));
        else if (f.passed + f.covered < b.passed + b.covered)
            c.regressions.push_back(fmt::format("{}: {} tests covered by model differences, the baseline has {}",
                                                f.id, f.covered, b.covered));
        else if (f.passed > b.passed)
            ++improved;
    }
    if (complete_run)
        for (const auto& [id, b] : base.files)
            if (!seen.count(id) && b.passed + b.covered > 0)
                c.regressions.push_back(fmt::format("{}: in the baseline ({} passed) but missing from the run", id, b.passed));
    if (now_sum < base_sum)
        c.regressions.push_back(fmt::format("overall: {} tests pass or are covered, the baseline has {}", now_sum, base_sum));
    if (improved)
        c.notes.push_back(fmt::format("{} file{} now pass more tests than the baseline: consider --write-baseline",
                                      improved, improved == 1 ? "" : "s"));
    return c;
}

}  // namespace amber::vectors
