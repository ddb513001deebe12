#include "frontend/gdb/tcp_listener.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace amber::gdb {

namespace {

const char* kExpectedForm = "expected [tcp:][HOST:]PORT, e.g. tcp::1234";

[[noreturn]] void bad_address(std::string_view text, const std::string& why) {
    throw std::invalid_argument("gdb address '" + std::string(text) + "': " + why + " (" + kExpectedForm + ")");
}

uint16_t parse_port(std::string_view whole, std::string_view port) {
    if (port.empty()) bad_address(whole, "no port");
    unsigned value = 0;
    for (char c : port) {
        if (c < '0' || c > '9') bad_address(whole, "port '" + std::string(port) + "' is not a number");
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > 65535) bad_address(whole, "port " + std::string(port) + " is over 65535");
    }
    return static_cast<uint16_t>(value);
}

std::string system_error(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

std::string ListenAddress::to_string() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ListenAddress parse_listen_address(std::string_view text) {
    std::string_view rest = text;
    if (rest.starts_with("tcp:")) rest.remove_prefix(4);
    ListenAddress address;
    if (rest.starts_with('[')) {
        const size_t close = rest.find(']');
        if (close == std::string_view::npos) bad_address(text, "'[' without ']'");
        if (close == 1) bad_address(text, "empty host in brackets");
        address.host = std::string(rest.substr(1, close - 1));
        rest.remove_prefix(close + 1);
        if (!rest.starts_with(':')) bad_address(text, "no ':PORT' after the host");
        address.port = parse_port(text, rest.substr(1));
        return address;
    }
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
        address.port = parse_port(text, rest);
        return address;
    }
    const std::string_view host = rest.substr(0, colon);
    if (host.find(':') != std::string_view::npos)
        bad_address(text, "a transport other than tcp, or an IPv6 address without brackets");
    if (!host.empty()) address.host = std::string(host);
    address.port = parse_port(text, rest.substr(colon + 1));
    return address;
}

SocketChannel::~SocketChannel() { ::close(fd_); }

size_t SocketChannel::read(std::span<uint8_t> buffer) {
    for (;;) {
        const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
        if (n >= 0) return static_cast<size_t>(n);
        if (errno != EINTR) return 0;  // a reset connection ends the stream like a close
    }
}

bool SocketChannel::readable() {
    pollfd p{fd_, POLLIN, 0};
    for (;;) {
        const int n = ::poll(&p, 1, 0);
        if (n >= 0) return n > 0;  // POLLIN, POLLHUP or POLLERR: read() will not block
        if (errno != EINTR) return true;  // let read() find out what is wrong
    }
}

bool SocketChannel::write(std::span<const uint8_t> data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data = data.subspan(static_cast<size_t>(n));
    }
    return true;
}

TcpListener::TcpListener(const ListenAddress& address, std::string peer) : address_(address), peer_(std::move(peer)) {
    const std::string where = address.to_string();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(address.port);
    if (int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0)
        throw std::runtime_error("cannot listen for " + peer_ + " on " + where + ": " + ::gai_strerror(rc));
    std::string failure = "no address";
    for (addrinfo* a = found; a && fd_ < 0; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            failure = system_error("socket");
            continue;
        }
        // A debugger restarted right after the last session must not find
        // the port still taken by the old connection's TIME_WAIT.
        const int on = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
            failure = system_error("bind");
        } else if (::listen(fd, 1) != 0) {
            failure = system_error("listen");
        } else {
            fd_ = fd;
            break;
        }
        ::close(fd);
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) throw std::runtime_error("cannot listen for " + peer_ + " on " + where + ": " + failure);

    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &len);
    port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    address_.port = port_;
}

std::unique_ptr<SocketChannel> tcp_connect(const ListenAddress& address) {
    const std::string where = address.to_string();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(address.port);
    if (int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0)
        throw std::runtime_error("cannot connect to " + where + ": " + ::gai_strerror(rc));
    std::string failure = "no address";
    int connected = -1;
    for (addrinfo* a = found; a && connected < 0; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            failure = system_error("socket");
            continue;
        }
        int rc;
        do rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        while (rc != 0 && errno == EINTR);
        if (rc == 0) {
            connected = fd;
        } else {
            failure = system_error("connect");
            ::close(fd);
        }
    }
    ::freeaddrinfo(found);
    if (connected < 0) throw std::runtime_error("cannot connect to " + where + ": " + failure);
    const int on = 1;
    ::setsockopt(connected, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    return std::make_unique<SocketChannel>(connected);
}

TcpListener::~TcpListener() {
    if (fd_ >= 0) ::close(fd_);
}

bool TcpListener::connection_waiting() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
}

std::unique_ptr<SocketChannel> TcpListener::accept() {
    for (;;) {
        const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
            // Packets are small and each waits for an answer: send them at once.
            const int on = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
            return std::make_unique<SocketChannel>(fd);
        }
        if (errno != EINTR && errno != ECONNABORTED)
            throw std::runtime_error("waiting for " + peer_ + " on " + address_.to_string() + ": " + system_error("accept"));
    }
}

}  // namespace amber::gdb
