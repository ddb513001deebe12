// The GDB stub's TCP side: a listener on a loopback port, a client
// standing in for gdb, and the packet connection over the socket.
#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend/gdb/connection.hpp"
#include "frontend/gdb/rsp.hpp"
#include "frontend/gdb/tcp_listener.hpp"

using namespace amber::gdb;

namespace {

// A plain blocking client socket connected to 127.0.0.1:port.
class Client {
public:
    explicit Client(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        REQUIRE(fd_ >= 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        // The listener's backlog completes the connection before accept().
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
    }
    ~Client() { close(); }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    void send(const std::string& bytes) {
        REQUIRE(::send(fd_, bytes.data(), bytes.size(), 0) == ssize_t(bytes.size()));
    }
    std::string receive(size_t count) {
        std::string got;
        while (got.size() < count) {
            char buf[256];
            const ssize_t n = ::recv(fd_, buf, std::min(sizeof buf, count - got.size()), 0);
            REQUIRE(n > 0);
            got.append(buf, size_t(n));
        }
        return got;
    }

private:
    int fd_;
};

// Polls until `ready` holds or a second has passed.
template <typename F>
bool eventually(F ready) {
    for (int i = 0; i < 1000; ++i) {
        if (ready()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

}  // namespace

TEST_CASE("gdb socket: packets both ways over a loopback connection", "[gdb]") {
    TcpListener listener(parse_listen_address("tcp::0"));
    REQUIRE(listener.port() != 0);
    CHECK(listener.address().to_string() == "127.0.0.1:" + std::to_string(listener.port()));
    CHECK_FALSE(listener.connection_waiting());
    Client gdb(listener.port());
    CHECK(eventually([&] { return listener.connection_waiting(); }));
    auto channel = listener.accept();
    RspConnection connection(*channel);

    gdb.send(frame_packet("qC") + "+");  // the '+' acknowledges the reply to come
    auto packet = connection.receive();
    REQUIRE(packet);
    CHECK(packet->payload == "qC");
    REQUIRE(connection.send("QC1"));
    const std::string reply = frame_packet("QC1");
    CHECK(gdb.receive(1 + reply.size()) == "+" + reply);
}

TEST_CASE("gdb socket: Ctrl-C is seen without blocking, and so is a closed connection", "[gdb]") {
    TcpListener listener(parse_listen_address("127.0.0.1:0"));
    Client gdb(listener.port());
    auto channel = listener.accept();
    RspConnection connection(*channel);

    CHECK_FALSE(connection.interrupt_requested());  // nothing sent: returns at once
    gdb.send("\x03");
    CHECK(eventually([&] { return connection.interrupt_requested(); }));
    CHECK_FALSE(connection.closed());

    gdb.close();
    CHECK(eventually([&] { return connection.interrupt_requested(); }));
    CHECK(connection.closed());
    CHECK_FALSE(connection.receive());
    CHECK_FALSE(connection.send("OK"));
}

TEST_CASE("gdb socket: a port already taken is a clear error", "[gdb]") {
    TcpListener first(parse_listen_address("tcp::0"));
    ListenAddress same;
    same.port = first.port();
    try {
        TcpListener second(same);
        FAIL("the second listener should not bind");
    } catch (const std::runtime_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("cannot listen for gdb on 127.0.0.1:" + std::to_string(first.port())));
        CHECK_THAT(e.what(), Catch::Contains("in use"));
    }
}
