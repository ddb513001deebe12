#include "devices/debug_console.hpp"

#include <fmt/format.h>

namespace amber {

DebugConsole::DebugConsole(IoBus& io, std::unique_ptr<CharBackend> out, uint16_t port)
    : io_(io),
      out_(std::move(out)),
      port_(port),
      name_(port == kDefaultPort ? std::string("debugcon") : fmt::format("debugcon@{:#x}", port)) {
    if (!out_) out_ = std::make_unique<NullCharBackend>();
    io_.map(port_, 1, this);
}

DebugConsole::~DebugConsole() { io_.unmap(this); }

uint32_t DebugConsole::io_read(uint16_t, unsigned) { return kDefaultPort; }

// The bus splits wider accesses, so only ever one byte arrives here.
void DebugConsole::io_write(uint16_t, uint32_t value, unsigned) { out_->write(static_cast<uint8_t>(value)); }

}  // namespace amber
