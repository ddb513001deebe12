// COM2..COM4 and serial lines over TCP: the shared IRQ wire, the PC board's
// wiring of several UARTs to the PIC, and the TCP backend over loopback.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices/irq_line.hpp"
#include "devices/pic8259.hpp"
#include "devices/uart16550.hpp"
#include "frontend/gdb/tcp_listener.hpp"
#include "frontend/tcp_char_backend.hpp"
#include "machine/machine.hpp"
#include "machine/pc.hpp"

using namespace amber;

TEST_CASE("a shared IRQ line is the OR of its inputs", "[serialports]") {
    std::vector<bool> seen;
    auto shared = std::make_shared<SharedIrqLine>(IrqLine([&](bool level) { seen.push_back(level); }));
    IrqLine a = shared->input(0), b = shared->input(2);

    a.raise();
    CHECK(shared->level());
    b.raise();  // already high: no new edge
    a.lower();  // b still asks
    CHECK(shared->level());
    CHECK(seen == std::vector<bool>{true});
    b.pulse();  // a pulse under nobody else re-arms the edge
    CHECK(seen == std::vector<bool>{true, false, true});
    b.lower();
    CHECK_FALSE(shared->level());
    CHECK(seen == std::vector<bool>{true, false, true, false});
    CHECK_THROWS_AS(shared->input(SharedIrqLine::kMaxInputs), std::out_of_range);
}

namespace {

// A PC board with UARTs at the given bases, added as the frontend does.
struct PcRig {
    std::unique_ptr<Machine> m;
    Pc pc;
    explicit PcRig(std::vector<uint16_t> bases) {
        MachineConfig cfg;
        cfg.cpu = CpuModel::p6;
        cfg.layout = MachineConfig::Layout::Pc;
        cfg.extended_ram_bytes = 31u << 20;
        cfg.rom.assign(128 * 1024, 0xF4);
        m = std::make_unique<Machine>(cfg);
        for (uint16_t base : bases) m->add_device(std::make_unique<Uart16550>(m->io(), std::make_unique<BufferCharBackend>(), base));
        pc = build_pc(*m, PcConfig{});
        m->reset();
    }
    // Interrupt on "transmitter empty", which is at once true, with OUT2
    // gating the output onto the bus; or all off.
    void request(uint16_t base, bool on) {
        m->io().write(base + uart::MCR, on ? uart::MCR_OUT2 : 0, 1);
        m->io().write(base + uart::IER, on ? uart::IER_THRE : 0, 1);
    }
    bool irq(unsigned line) const { return pc.pic->irr(0) & (1u << line); }
};

}  // namespace

TEST_CASE("the PC wires COM1..COM4 to IRQ 4 and 3, shared wired-OR", "[serialports]") {
    PcRig rig({0x3F8, 0x2F8, 0x3E8, 0x2E8});
    CHECK_FALSE(rig.irq(3));
    CHECK_FALSE(rig.irq(4));

    rig.request(0x3E8, true);  // COM3
    CHECK(rig.irq(4));
    CHECK_FALSE(rig.irq(3));
    rig.request(0x3F8, true);  // COM1 on the same line
    rig.request(0x3F8, false);  // ... lowering its output must not drop COM3's
    CHECK(rig.irq(4));
    rig.request(0x3E8, false);
    CHECK_FALSE(rig.irq(4));

    rig.request(0x2F8, true);  // COM2
    CHECK(rig.irq(3));
    rig.request(0x2E8, true);  // COM4
    rig.request(0x2F8, false);
    CHECK(rig.irq(3));
    rig.request(0x2E8, false);
    CHECK_FALSE(rig.irq(3));
    CHECK_FALSE(rig.irq(4));
}

namespace {

// A plain blocking client socket connected to 127.0.0.1:port.
int connect_loopback(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
    return fd;
}

// Reads until `n` bytes came or the peer closed.
std::string receive(int fd, size_t n) {
    std::string got;
    char buf[64];
    while (got.size() < n) {
        const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
        if (r <= 0) break;
        got.append(buf, static_cast<size_t>(r));
    }
    return got;
}

// Asks until a byte (or hang-up) comes, for at most a few seconds.
CharInput read_soon(CharBackend& b) {
    for (int i = 0; i < 500; ++i) {
        CharInput in = b.read();
        if (in.kind != CharInput::Kind::Nothing) return in;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return CharInput::nothing();
}

}  // namespace

TEST_CASE("a TCP serial backend as client moves bytes both ways and hangs up on EOF", "[serialports]") {
    gdb::TcpListener peer(gdb::ListenAddress{"127.0.0.1", 0}, "test");
    cli::TcpCharBackend line(gdb::tcp_connect(gdb::ListenAddress{"127.0.0.1", peer.port()}));
    auto far = peer.accept();
    CHECK(line.connected());

    CHECK(line.read().kind == CharInput::Kind::Nothing);  // never blocks
    for (char c : std::string("hi\n")) line.write(static_cast<uint8_t>(c));
    uint8_t buf[8];
    size_t got = 0;
    while (got < 3) {
        const size_t n = far->read(std::span<uint8_t>(buf + got, sizeof buf - got));
        REQUIRE(n > 0);
        got += n;
    }
    CHECK(std::string(reinterpret_cast<char*>(buf), 3) == "hi\n");

    const uint8_t reply[] = {'o', 'k'};
    REQUIRE(far->write(reply));
    CharInput first = read_soon(line);
    REQUIRE(first.kind == CharInput::Kind::Byte);
    CHECK(first.byte == 'o');
    CharInput second = read_soon(line);
    REQUIRE(second.kind == CharInput::Kind::Byte);
    CHECK(second.byte == 'k');

    far.reset();  // the peer closes
    CHECK(read_soon(line).kind == CharInput::Kind::HangUp);
    CHECK(line.read().kind == CharInput::Kind::HangUp);  // for good
    line.write('x');  // writing to a closed peer must not raise SIGPIPE
}

TEST_CASE("a TCP serial backend as a nowait server takes a client later", "[serialports]") {
    auto listener = std::make_unique<gdb::TcpListener>(gdb::ListenAddress{"127.0.0.1", 0}, "a serial client");
    const uint16_t port = listener->port();
    cli::TcpCharBackend line(std::move(listener));
    CHECK_FALSE(line.connected());
    CHECK(line.read().kind == CharInput::Kind::Nothing);
    line.write('-');  // no client yet: dropped

    const int client = connect_loopback(port);
    REQUIRE(::send(client, "A", 1, 0) == 1);
    CharInput in = read_soon(line);
    REQUIRE(in.kind == CharInput::Kind::Byte);
    CHECK(in.byte == 'A');
    CHECK(line.connected());
    line.write('B');
    CHECK(receive(client, 1) == "B");
    ::close(client);
    CHECK(read_soon(line).kind == CharInput::Kind::HangUp);
}

TEST_CASE("connecting a TCP serial line to a closed port fails with a reason", "[serialports]") {
    uint16_t port;
    {
        gdb::TcpListener probe(gdb::ListenAddress{"127.0.0.1", 0}, "test");
        port = probe.port();
    }  // closed again: nobody listens there now
    try {
        gdb::tcp_connect(gdb::ListenAddress{"127.0.0.1", port});
        FAIL("connected to a closed port");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("cannot connect to 127.0.0.1:" + std::to_string(port)) != std::string::npos);
    }
}
