// amber: command-line entry point. Dispatches to a subcommand; any error
// becomes one line on stderr and a non-zero exit status.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include <boost/program_options/errors.hpp>
#include <fmt/format.h>

#include "frontend/commands.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: amber <command> [options]\n"
    "\n"
    "commands:\n"
    "  run       run a virtual machine (default: Debian Linux, the default guest)\n"
    "  debug     run it under the built-in monitor: breakpoints, stepping, registers, memory\n"
    "  vectors   judge the CPU against a folder of single-instruction test vectors\n"
    "  trace     record a run's boot trace, check a run against one, or diff two\n"
    "\n"
    "'amber <command> --help' lists a command's options.\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace amber::cli;
    if (argc < 2) {
        std::fputs(kUsage.data(), stderr);
        return 2;
    }
    std::string cmd = argv[1];
    Args args(argv + 2, argv + argc);
    try {
        if (cmd == "run") return cmd_run(args);
        if (cmd == "debug") return cmd_debug(args);
        if (cmd == "vectors") return cmd_vectors(args);
        if (cmd == "trace") return cmd_trace(args);
        if (cmd == "--help" || cmd == "-h" || cmd == "help") {
            std::fputs(kUsage.data(), stdout);
            return 0;
        }
        throw UsageError(fmt::format("unknown command '{}' (try 'amber --help')", cmd));
    } catch (const UsageError& e) {
        fmt::print(stderr, "amber: {}\n", e.what());
        return 2;
    } catch (const boost::program_options::error& e) {
        fmt::print(stderr, "amber: {}\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        fmt::print(stderr, "amber: error: {}\n", e.what());
        return 1;
    }
}
