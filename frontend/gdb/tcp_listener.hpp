// Where gdb connects: a TCP port on the host, given as QEMU's -gdb takes it
// ("tcp::1234"), bound to the loopback address unless a host is named.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "frontend/gdb/channel.hpp"

namespace amber::gdb {

struct ListenAddress {
    std::string host = "127.0.0.1";  // a name or a numeric IPv4/IPv6 address
    uint16_t port = 0;               // 0: any free port (TcpListener::port() says which)

    std::string to_string() const;   // "127.0.0.1:1234", "[::1]:1234"
};

// Parses "[tcp:][HOST:]PORT", HOST possibly "[v6 address]" or empty:
// "1234", ":1234", "tcp::1234", "tcp:0.0.0.0:1234", "[::1]:1234".
// Throws std::invalid_argument with a message that names the mistake.
ListenAddress parse_listen_address(std::string_view text);

// A connected TCP socket. Writes never raise SIGPIPE; a closed peer is
// seen as the end of the stream.
class SocketChannel final : public ByteChannel {
public:
    explicit SocketChannel(int fd) : fd_(fd) {}
    ~SocketChannel() override;
    SocketChannel(const SocketChannel&) = delete;
    SocketChannel& operator=(const SocketChannel&) = delete;

    size_t read(std::span<uint8_t> buffer) override;
    bool readable() override;
    bool write(std::span<const uint8_t> data) override;

private:
    int fd_;
};

// Connects to a listening peer (a TCP client); throws std::runtime_error
// naming the address and the reason ("Connection refused").
std::unique_ptr<SocketChannel> tcp_connect(const ListenAddress& address);

class TcpListener {
public:
    // Binds and listens; throws std::runtime_error naming the address and
    // the reason ("Address already in use", an unknown host name). `peer`
    // names who is expected to connect, in those messages.
    explicit TcpListener(const ListenAddress& address, std::string peer = "gdb");
    ~TcpListener();
    TcpListener(const TcpListener&) = delete;
    TcpListener& operator=(const TcpListener&) = delete;

    uint16_t port() const { return port_; }
    const ListenAddress& address() const { return address_; }

    // True when gdb is connecting, so accept() would not wait. Never blocks:
    // a running guest can look between slices (QEMU's -gdb without -S).
    bool connection_waiting();

    // Waits for gdb to connect. Throws std::runtime_error if accepting fails.
    std::unique_ptr<SocketChannel> accept();

private:
    ListenAddress address_;
    std::string peer_;
    int fd_ = -1;
    uint16_t port_ = 0;
};

}  // namespace amber::gdb
