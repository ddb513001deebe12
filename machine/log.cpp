#include "machine/log.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace amber::log {

namespace {
// Logging configuration is process-wide by nature: one registry, behind a lock
// because VMs run on several threads.
struct Registry {
    std::mutex lock;
    Level default_level = Level::warn;
    std::map<std::string, Level> levels;
    std::map<std::string, std::unique_ptr<Logger>> loggers;

    Level level_of(const std::string& component) const {
        auto it = levels.find(component);
        return it != levels.end() ? it->second : default_level;
    }
};
Registry& registry() {
    static Registry r;
    return r;
}

constexpr std::pair<std::string_view, Level> kLevelNames[] = {
    {"trace", Level::trace}, {"debug", Level::debug}, {"info", Level::info},
    {"warn", Level::warn},   {"warning", Level::warn}, {"error", Level::error},
    {"err", Level::error},   {"critical", Level::error}, {"off", Level::off},
};
Level parse_level(const std::string& s) {
    for (auto& [name, level] : kLevelNames)
        if (s == name) return level;
    throw std::invalid_argument("unknown log level '" + s + "'");
}

spdlog::level::level_enum to_spdlog(Level level) {
    switch (level) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::off: break;
    }
    return spdlog::level::off;
}
}  // namespace

Logger::Logger(std::shared_ptr<spdlog::logger> sink, Level level) : sink_(std::move(sink)), level_(level) {}
Logger::~Logger() = default;

void Logger::write(Level level, std::string_view message) { sink_->log(to_spdlog(level), message); }

Logger* get(const std::string& component) {
    Registry& r = registry();
    std::lock_guard guard(r.lock);
    auto& logger = r.loggers[component];
    if (!logger) {
        auto sink = spdlog::stderr_color_mt(component);
        sink->set_level(spdlog::level::trace);  // Logger filters
        sink->set_pattern("[%n %l] %v");
        logger = std::make_unique<Logger>(std::move(sink), r.level_of(component));
    }
    return logger.get();
}

void configure(const std::string& spec) {
    Registry& r = registry();
    std::lock_guard guard(r.lock);
    size_t pos = 0;
    while (pos <= spec.size() && !spec.empty()) {
        size_t comma = spec.find(',', pos);
        std::string item = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        size_t eq = item.find('=');
        if (eq == std::string::npos) {
            r.default_level = parse_level(item);
        } else {
            if (eq == 0) throw std::invalid_argument("log spec '" + item + "' has no component name");
            r.levels[item.substr(0, eq)] = parse_level(item.substr(eq + 1));
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    for (auto& [component, logger] : r.loggers) logger->set_level(r.level_of(component));
}

}  // namespace amber::log
