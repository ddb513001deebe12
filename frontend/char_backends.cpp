#include "frontend/char_backends.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "frontend/commands.hpp"
#include "frontend/gdb/tcp_listener.hpp"
#include "frontend/stream_backend.hpp"
#include "frontend/tcp_char_backend.hpp"
#include "frontend/terminal_backend.hpp"

namespace amber::cli {

namespace {

constexpr const char* kForms = "stdio, none, file:PATH or tcp:[HOST]:PORT[,server][,nowait]";

// "tcp:[HOST]:PORT[,server][,nowait]"; nullopt when malformed.
std::optional<BackendSpec> parse_tcp_spec(const std::string& text) {
    std::vector<std::string> parts;
    size_t start = 4;  // after "tcp:"
    for (;;) {
        const size_t comma = text.find(',', start);
        parts.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    // The colon before the port is required, as in QEMU ("tcp::4555").
    if (parts[0].find(':') == std::string::npos) return std::nullopt;
    BackendSpec spec;
    spec.kind = BackendSpec::Kind::Tcp;
    try {
        const gdb::ListenAddress address = gdb::parse_listen_address(parts[0]);
        spec.host = address.host;
        spec.port = address.port;
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
    bool nowait = false;
    for (size_t i = 1; i < parts.size(); ++i) {
        if (parts[i] == "server") spec.server = true;
        else if (parts[i] == "nowait") nowait = true;
        else return std::nullopt;
    }
    if (nowait && !spec.server) return std::nullopt;  // only a server waits
    if (!spec.server && spec.port == 0) return std::nullopt;
    spec.wait = !nowait;
    return spec;
}

}  // namespace

BackendSpec parse_backend_spec(const std::string& text, const std::string& option) {
    if (text == "stdio") return {BackendSpec::Kind::Stdio, {}};
    if (text == "none") return {BackendSpec::Kind::None, {}};
    if (text.starts_with("file:") && text.size() > 5) return {BackendSpec::Kind::File, text.substr(5)};
    if (text.starts_with("tcp:")) {
        if (auto spec = parse_tcp_spec(text)) return *spec;
        throw UsageError(fmt::format("--{}: bad TCP address '{}': expected tcp:[HOST]:PORT[,server][,nowait], "
                                     "e.g. tcp::4555,server,nowait or tcp:127.0.0.1:4555",
                                     option, text));
    }
    throw UsageError(fmt::format("--{} must be {} (got '{}')", option, kForms, text));
}

std::unique_ptr<CharBackend> make_tcp_backend(const BackendSpec& spec) {
    const gdb::ListenAddress address{spec.host, spec.port};
    if (!spec.server) return std::make_unique<TcpCharBackend>(gdb::tcp_connect(address));
    auto listener = std::make_unique<gdb::TcpListener>(address, "a serial client");
    if (!spec.wait) {
        fmt::print(stderr, "amber: serial port listening on {}\n", listener->address().to_string());
        return std::make_unique<TcpCharBackend>(std::move(listener));
    }
    fmt::print(stderr, "amber: waiting for a serial connection on {}\n", listener->address().to_string());
    std::fflush(stderr);
    return std::make_unique<TcpCharBackend>(listener->accept());
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
    case BackendSpec::Kind::Tcp: return make_tcp_backend(spec);
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
    case BackendSpec::Kind::Tcp: return make_tcp_backend(spec);
    case BackendSpec::Kind::None: break;
    }
    return std::make_unique<NullCharBackend>();
}

}  // namespace amber::cli
