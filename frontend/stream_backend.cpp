#include "frontend/stream_backend.hpp"

#include <cerrno>

#include <unistd.h>

namespace amber::cli {

StreamCharBackend::StreamCharBackend(int in_fd, std::FILE* out, bool owns_out, bool lf_to_crlf)
    : in_fd_(in_fd), out_(out), owns_out_(owns_out), flush_lines_(out && isatty(fileno(out))), lf_to_crlf_(lf_to_crlf) {}

StreamCharBackend::~StreamCharBackend() {
    if (!out_) return;
    if (owns_out_) std::fclose(out_);
    else std::fflush(out_);
}

void StreamCharBackend::write(uint8_t byte) {
    if (!out_) return;
    if (byte == '\n' && lf_to_crlf_) std::fputc('\r', out_);
    std::fputc(byte, out_);
    if (byte == '\n' && flush_lines_) std::fflush(out_);
}

CharInput StreamCharBackend::read() {
    if (pos_ < len_) return CharInput::of(buf_[pos_++]);
    if (in_fd_ < 0 || at_eof_) return CharInput::hang_up();
    // Whoever feeds us may be waiting for our last output (a prompt).
    if (out_) std::fflush(out_);
    ssize_t n;
    do {
        n = ::read(in_fd_, buf_.data(), buf_.size());
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {  // end of input, or an error we cannot recover from
        at_eof_ = true;
        return CharInput::hang_up();
    }
    len_ = static_cast<size_t>(n);
    pos_ = 1;
    return CharInput::of(buf_[0]);
}

}  // namespace amber::cli
