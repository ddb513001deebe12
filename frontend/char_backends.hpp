// Choosing what a guest's character devices talk to, from the command line:
//   stdio      this process's stdin/stdout (raw terminal with Ctrl-A escapes
//              when stdin is a terminal; blocking, deterministic reads when
//              it is a pipe or a file)
//   none       nothing attached (output dropped, no carrier)
//   file:PATH  output written to PATH (created or truncated); no input
//   tcp:[HOST]:PORT[,server][,nowait]
//              a TCP connection (QEMU's form): Amber connects to HOST:PORT,
//              or with `server` listens there (HOST default 127.0.0.1) and
//              waits for a client before the guest starts, unless `nowait`
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "devices/char_backend.hpp"

namespace amber::cli {

struct BackendSpec {
    enum class Kind { Stdio, None, File, Tcp };
    Kind kind = Kind::None;
    std::string path;  // for File
    // For Tcp:
    std::string host = "127.0.0.1";
    uint16_t port = 0;  // a server may take 0: any free port (it says which on stderr)
    bool server = false;
    bool wait = true;   // a server waits for its client before the guest starts
};

// Throws UsageError naming `option` when the text is not one of the forms.
BackendSpec parse_backend_spec(const std::string& text, const std::string& option);

// A full-duplex backend for a serial port. on_quit: the user asked to quit
// from the terminal (Ctrl-A x); on_monitor: ... for the monitor (Ctrl-A c).
std::unique_ptr<CharBackend> make_serial_backend(const BackendSpec& spec, std::function<void()> on_quit,
                                                 std::function<void()> on_monitor = {});

// A TCP backend (spec.kind == Tcp). A server without `nowait` blocks until a
// client connects. Throws std::runtime_error with a one-line reason when it
// cannot listen or connect.
std::unique_ptr<CharBackend> make_tcp_backend(const BackendSpec& spec);

// An output-only backend (the debug console).
std::unique_ptr<CharBackend> make_output_backend(const BackendSpec& spec);

}  // namespace amber::cli
