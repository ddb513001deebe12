// A byte stream to gdb: the TCP socket in the emulator, a scripted buffer
// in the tests.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace amber::gdb {

class ByteChannel {
public:
    virtual ~ByteChannel() = default;

    // Waits for at least one byte and returns how many were stored in
    // `buffer`; 0 means the stream ended (gdb closed it, or it broke).
    virtual size_t read(std::span<uint8_t> buffer) = 0;

    // True when read() would return at once: bytes are waiting, or the
    // stream has ended. Never blocks.
    virtual bool readable() = 0;

    // Sends all of `data`; false when the stream is gone.
    virtual bool write(std::span<const uint8_t> data) = 0;
};

}  // namespace amber::gdb
