#include "frontend/char_backends.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <unistd.h>

#include "frontend/commands.hpp"
#include "frontend/stream_backend.hpp"
#include "frontend/terminal_backend.hpp"

namespace amber::cli {

BackendSpec parse_backend_spec(const std::string& text, const std::string& option) {
    if (text == "stdio") return {BackendSpec::Kind::Stdio, {}};
    if (text == "none") return {BackendSpec::Kind::None, {}};
    if (text.starts_with("file:") && text.size() > 5) return {BackendSpec::Kind::File, text.substr(5)};
    throw UsageError(fmt::format("--{} must be stdio, none or file:PATH (got '{}')", option, text));
}

namespace {
std::FILE* open_output(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error(fmt::format("cannot open '{}' for writing: {}", path, std::strerror(errno)));
    return f;
}
}  // namespace

std::unique_ptr<CharBackend> make_serial_backend(const BackendSpec& spec, std::function<void()> on_quit,
                                                 std::function<void()> on_monitor) {
    switch (spec.kind) {
    case BackendSpec::Kind::Stdio:
        if (isatty(STDIN_FILENO))
            return std::make_unique<TerminalCharBackend>(STDIN_FILENO, std::move(on_quit), std::move(on_monitor));
        return std::make_unique<StreamCharBackend>(STDIN_FILENO, stdout, false);
    case BackendSpec::Kind::File: return std::make_unique<StreamCharBackend>(-1, open_output(spec.path), true);
    case BackendSpec::Kind::None: break;
    }
    return std::make_unique<NullCharBackend>();
}

std::unique_ptr<CharBackend> make_output_backend(const BackendSpec& spec) {
    switch (spec.kind) {
    case BackendSpec::Kind::Stdio:
        // The serial console may have put the terminal in raw mode.
        return std::make_unique<StreamCharBackend>(-1, stdout, false, isatty(STDOUT_FILENO));
    case BackendSpec::Kind::File: return std::make_unique<StreamCharBackend>(-1, open_output(spec.path), true);
    case BackendSpec::Kind::None: break;
    }
    return std::make_unique<NullCharBackend>();
}

}  // namespace amber::cli
