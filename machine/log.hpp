// Per-component logging through spdlog: log::get("cpu")->debug(...).
// Levels come from --log, e.g. "cpu=debug,pit=trace" or "debug" for all.
#pragma once
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace amber::log {

std::shared_ptr<spdlog::logger> get(const std::string& component);
// Throws std::invalid_argument on a malformed spec or unknown level.
void configure(const std::string& spec);

}  // namespace amber::log
