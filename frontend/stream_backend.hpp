// A character backend over plain host streams: input from a file
// descriptor (a pipe, a file, a terminal left in cooked mode), output to a
// FILE. Reads block, and only happen when the guest polls an empty
// receiver, so a scripted session replays to the same instruction counts
// every time. End of input is a hang-up.
#pragma once
#include <array>
#include <cstdint>
#include <cstdio>

#include "devices/char_backend.hpp"

namespace amber::cli {

class StreamCharBackend final : public CharBackend {
public:
    // in_fd < 0: no input at all. out may be null (output is dropped);
    // owns_out: fclose it when done. lf_to_crlf: send LF as CR LF, for text
    // that may land on a terminal in raw mode (which no longer adds the CR).
    StreamCharBackend(int in_fd, std::FILE* out, bool owns_out, bool lf_to_crlf = false);
    ~StreamCharBackend() override;
    StreamCharBackend(const StreamCharBackend&) = delete;
    StreamCharBackend& operator=(const StreamCharBackend&) = delete;

    void write(uint8_t byte) override;
    CharInput read() override;

private:
    int in_fd_;
    std::FILE* out_;
    bool owns_out_;
    bool flush_lines_;  // output goes to a terminal: show each line at once
    bool lf_to_crlf_;
    bool at_eof_ = false;
    std::array<uint8_t, 4096> buf_{};
    size_t pos_ = 0, len_ = 0;
};

}  // namespace amber::cli
