// Choosing what a guest's character devices talk to, from the command line:
//   stdio      this process's stdin/stdout (raw terminal with Ctrl-A escapes
//              when stdin is a terminal; blocking, deterministic reads when
//              it is a pipe or a file)
//   none       nothing attached (output dropped, no carrier)
//   file:PATH  output written to PATH (created or truncated); no input
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "devices/char_backend.hpp"

namespace amber::cli {

struct BackendSpec {
    enum class Kind { Stdio, None, File };
    Kind kind = Kind::None;
    std::string path;  // for File
};

// Throws UsageError naming `option` when the text is not one of the forms.
BackendSpec parse_backend_spec(const std::string& text, const std::string& option);

// A full-duplex backend for a serial port. on_quit: the user asked to quit
// from the terminal (Ctrl-A x); on_monitor: ... for the monitor (Ctrl-A c).
std::unique_ptr<CharBackend> make_serial_backend(const BackendSpec& spec, std::function<void()> on_quit,
                                                 std::function<void()> on_monitor = {});

// An output-only backend (the debug console).
std::unique_ptr<CharBackend> make_output_backend(const BackendSpec& spec);

}  // namespace amber::cli
