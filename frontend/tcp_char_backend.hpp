// A serial port's line carried over TCP (QEMU's -serial tcp:...): what the
// guest writes goes to the socket, and bytes from the socket are the port's
// input. Amber is either the client (it connects at start-up) or the server
// (it listens; a client may connect before the guest starts or, with
// `nowait`, at any time while it runs).
//
// Input timing depends on the network, so a run fed over TCP is not
// reproducible the way one fed from a file is: reads never block, and give
// "nothing yet" when no byte has arrived.
#pragma once
#include <array>
#include <cstdint>
#include <memory>

#include "devices/char_backend.hpp"
#include "frontend/gdb/tcp_listener.hpp"

namespace amber::cli {

class TcpCharBackend final : public CharBackend {
public:
    // Over an open connection.
    explicit TcpCharBackend(std::unique_ptr<gdb::SocketChannel> channel) : channel_(std::move(channel)) {}
    // Listening: the first client to connect becomes the peer. Until then
    // output is dropped and there is no carrier.
    explicit TcpCharBackend(std::unique_ptr<gdb::TcpListener> listener) : listener_(std::move(listener)) {}

    void write(uint8_t byte) override;
    CharInput read() override;
    bool connected() const override { return channel_ != nullptr; }

private:
    void accept_if_waiting();

    std::unique_ptr<gdb::TcpListener> listener_;  // null once a client is in, or when Amber is the client
    std::unique_ptr<gdb::SocketChannel> channel_;
    bool ended_ = false;  // the peer closed the connection
    std::array<uint8_t, 4096> buf_{};
    size_t pos_ = 0, len_ = 0;
};

}  // namespace amber::cli
