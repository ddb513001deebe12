#include "machine/log.hpp"

#include <map>
#include <stdexcept>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace amber::log {

namespace {
struct Registry {
    spdlog::level::level_enum default_level = spdlog::level::warn;
    std::map<std::string, spdlog::level::level_enum> levels;
};
Registry& registry() {
    static Registry r;  // logging configuration is process-wide by nature
    return r;
}
spdlog::level::level_enum parse_level(const std::string& s) {
    auto lvl = spdlog::level::from_str(s);
    if (lvl == spdlog::level::off && s != "off") throw std::invalid_argument("unknown log level '" + s + "'");
    return lvl;
}
}  // namespace

std::shared_ptr<spdlog::logger> get(const std::string& component) {
    if (auto l = spdlog::get(component)) return l;
    auto l = spdlog::stderr_color_mt(component);
    auto it = registry().levels.find(component);
    l->set_level(it != registry().levels.end() ? it->second : registry().default_level);
    l->set_pattern("[%n %l] %v");
    return l;
}

void configure(const std::string& spec) {
    size_t pos = 0;
    while (pos <= spec.size() && !spec.empty()) {
        size_t comma = spec.find(',', pos);
        std::string item = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        size_t eq = item.find('=');
        if (eq == std::string::npos) {
            registry().default_level = parse_level(item);
        } else {
            if (eq == 0) throw std::invalid_argument("log spec '" + item + "' has no component name");
            registry().levels[item.substr(0, eq)] = parse_level(item.substr(eq + 1));
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) {
        auto it = registry().levels.find(l->name());
        l->set_level(it != registry().levels.end() ? it->second : registry().default_level);
    });
}

}  // namespace amber::log
