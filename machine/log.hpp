// Per-component logging: log::get("cpu")->debug("vector {:02X}", v).
// Levels come from --log, e.g. "cpu=debug,pit=trace" or "debug" for all.
// A message is formatted here with fmt and handed to log.cpp, which writes
// it through spdlog: a file that logs never instantiates spdlog's templates,
// which cost about three seconds of compile time per file.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace spdlog {
class logger;
}

namespace amber::log {

enum class Level { trace, debug, info, warn, error, off };

class Logger {
public:
    explicit Logger(std::shared_ptr<spdlog::logger> sink, Level level);
    ~Logger();

    bool should_log(Level level) const { return level >= level_.load(std::memory_order_relaxed); }
    void set_level(Level level) { level_.store(level, std::memory_order_relaxed); }

    template <typename... Args>
    void log(Level level, fmt::format_string<Args...> format, Args&&... args) {
        if (should_log(level)) write(level, fmt::format(format, std::forward<Args>(args)...));
    }
    template <typename... Args>
    void trace(fmt::format_string<Args...> format, Args&&... args) {
        log(Level::trace, format, std::forward<Args>(args)...);
    }
    template <typename... Args>
    void debug(fmt::format_string<Args...> format, Args&&... args) {
        log(Level::debug, format, std::forward<Args>(args)...);
    }
    template <typename... Args>
    void info(fmt::format_string<Args...> format, Args&&... args) {
        log(Level::info, format, std::forward<Args>(args)...);
    }
    template <typename... Args>
    void warn(fmt::format_string<Args...> format, Args&&... args) {
        log(Level::warn, format, std::forward<Args>(args)...);
    }
    template <typename... Args>
    void error(fmt::format_string<Args...> format, Args&&... args) {
        log(Level::error, format, std::forward<Args>(args)...);
    }

    void write(Level level, std::string_view message);

private:
    std::shared_ptr<spdlog::logger> sink_;
    std::atomic<Level> level_;
};

// The component's logger, created on first use; it lives as long as the process.
Logger* get(const std::string& component);
// Throws std::invalid_argument on a malformed spec or unknown level.
void configure(const std::string& spec);

}  // namespace amber::log
