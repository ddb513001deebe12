// amber vectors: judges the CPU against a folder of hardware-recorded
// single-instruction test vectors, prints a per-file table (or JSON), and
// optionally checks or writes regression thresholds.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cpu/model.hpp"
#include "frontend/commands.hpp"
#include "frontend/vectors/baseline.hpp"
#include "frontend/vectors/glob.hpp"
#include "frontend/vectors/model_differences.hpp"
#include "frontend/vectors/report.hpp"
#include "frontend/vectors/runner.hpp"
#include "frontend/vectors/suite.hpp"

namespace amber::cli {

namespace {

namespace po = boost::program_options;
namespace vx = amber::vectors;

constexpr const char* kUsage =
    "usage: amber vectors DIR [--cpu MODEL] [options]\n"
    "\n"
    "Runs every test vector in DIR (SingleStepTests 8086 JSON, 80286 MOO, or native32\n"
    "JSON; detected from the folder) on the emulated CPU and compares the result\n"
    "with the recording. Exit status: 0 if every test passed (with --baseline: if\n"
    "no file passes fewer tests than the baseline), 1 otherwise.\n"
    "\n"
    "80286 vectors judged on a 386 or 486 take the documented 286/386 differences\n"
    "into account (frontend/vectors/model_differences.cpp): tests they explain are\n"
    "reported per difference, apart from passes and failures.\n";

po::options_description describe_options() {
    po::options_description d("options for 'amber vectors'");
    d.add_options()
        ("help,h", "show this help")
        ("dir", po::value<std::string>(), "folder of test vectors (also the first positional argument)")
        ("cpu", po::value<std::string>(), "CPU model: 8086, 80286, 386, 486 (default: the suite's own CPU)")
        ("filter", po::value<std::string>(), "only files whose name matches: wildcards, comma-separated (F6.*,D4)")
        ("index", po::value<uint32_t>(), "only the test with this index in each file")
        ("json", po::bool_switch(), "print the results as JSON on stdout (failure details go to stderr)")
        ("show-failures", po::value<size_t>(), "print details of up to N failing tests per file")
        ("verbose,v", po::bool_switch(), "same as --show-failures 3")
        ("failing", po::bool_switch(), "table rows only for files with failures")
        ("no-model-differences", po::bool_switch(),
         "judge every test exactly as recorded, without the listed differences between the recording's "
         "CPU and MODEL (80286 vectors on a 386)")
        ("baseline", po::value<std::string>(), "fail if any file passes fewer tests than this baseline says")
        ("write-baseline", po::value<std::string>(), "write the results as a new baseline file")
        ("jobs,j", po::value<unsigned>(), "worker threads (default: one per core)");
    return d;
}

std::string command_hint(const std::string& dir, const std::string& cpu) {
    return fmt::format("amber vectors {} --cpu {} --write-baseline <this file>", dir, cpu);
}

}  // namespace

int cmd_vectors(const Args& args) {
    po::options_description desc = describe_options();
    po::positional_options_description positional;
    positional.add("dir", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << kUsage << '\n' << desc;
        return 0;
    }
    if (!vm.count("dir")) throw UsageError("vectors: no folder given (usage: amber vectors DIR --cpu MODEL)");
    std::string dir = vm["dir"].as<std::string>();

    std::vector<std::string> filters;
    if (vm.count("filter")) filters = vx::split_patterns(vm["filter"].as<std::string>());
    vx::Suite suite = vx::open_suite(dir, filters);

    std::string cpu_name = vm.count("cpu") ? vm["cpu"].as<std::string>() : suite.default_cpu;
    auto model = parse_cpu_model(cpu_name);
    if (!model) throw UsageError(fmt::format("vectors: unknown CPU model '{}' (try 8086, 80286, 386, 486)", cpu_name));

    vx::RunOptions options;
    options.model = *model;
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    options.jobs = vm.count("jobs") ? std::max(1u, vm["jobs"].as<unsigned>()) : cores;
    options.show_failures = vm.count("show-failures") ? vm["show-failures"].as<size_t>() : vm["verbose"].as<bool>() ? 3 : 0;
    if (vm.count("index")) options.only_index = vm["index"].as<uint32_t>();
    options.model_differences = !vm["no-model-differences"].as<bool>();

    // Read the baseline first: a missing one should not cost a whole run.
    std::optional<vx::Baseline> baseline;
    if (vm.count("baseline")) baseline = vx::read_baseline(vm["baseline"].as<std::string>());

    auto start = std::chrono::steady_clock::now();
    vx::SuiteReport report;
    report.dir = dir;
    report.format = std::string(vx::format_name(suite.format));
    report.cpu = std::string(traits_of(*model).name);
    if (options.model_differences) report.differences = vx::model_differences(*model, suite.format);
    report.files = vx::run_suite(suite, options);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    bool json = vm["json"].as<bool>();
    std::FILE* text_out = json ? stderr : stdout;
    for (const vx::FileResult& f : report.files)
        for (const std::string& d : f.details) fmt::print(text_out, "{}\n", d);
    if (json) {
        fmt::print("{}\n", vx::to_json(report).dump(2));
    } else {
        vx::print_table(stdout, report, vm["failing"].as<bool>());
    }
    std::fflush(stdout);  // keep the table ahead of the messages below
    vx::Tally all = vx::overall(report);
    fmt::print(stderr, "{} tests in {} files judged in {:.2f} s ({} thread{})\n",
               all.total + all.not_applicable + all.covered, report.files.size(), report.seconds, options.jobs,
               options.jobs == 1 ? "" : "s");

    if (vm.count("write-baseline")) {
        std::string path = vm["write-baseline"].as<std::string>();
        vx::write_baseline(path, report, command_hint(dir, report.cpu));
        fmt::print(stderr, "baseline written to {}\n", path);
    }
    if (baseline) {
        bool complete = filters.empty() && !options.only_index;
        vx::BaselineCheck check = vx::check_against(*baseline, report, complete);
        for (const std::string& n : check.notes) fmt::print(stderr, "baseline: {}\n", n);
        for (const std::string& r : check.regressions) fmt::print(stderr, "REGRESSION: {}\n", r);
        if (!check.regressions.empty()) return 1;
        fmt::print(stderr, "baseline: no regressions ({}/{} passed)\n", all.passed, all.total);
        return 0;
    }
    if (vm.count("write-baseline")) return 0;
    return all.passed == all.total ? 0 : 1;
}

}  // namespace amber::cli
