// gdb_fake_server PORT_FILE: offers the fake target to one gdb connection
// on a free loopback port, which it writes to PORT_FILE once it listens.
// It prints "guest running" once a run has lasted long enough to be polled
// for Ctrl-C (the stops before the test's last `continue` all come sooner),
// and at the end how the session ended and what the target saw, for
// run_session.sh to check.
//
// The guest program, at 0x1000 (see fake_target.hpp for the instructions):
//   1000 inc eax / 1001 inc eax / 1002 nop / 1003 mov [2000],eax
//   1008 inc ecx / 1009 jmp 1000
// and four recognisable words at 0x3000 for gdb to read.
#include <cstdio>
#include <exception>
#include <string>

#include <unistd.h>

#include "frontend/gdb/stub.hpp"
#include "frontend/gdb/tcp_listener.hpp"
#include "tests/gdb/fake_target.hpp"

using namespace amber::gdb;

namespace {

const char* describe(SessionEnd end) {
    switch (end) {
    case SessionEnd::Detached:
        return "detached";
    case SessionEnd::Killed:
        return "killed";
    case SessionEnd::Disconnected:
        return "disconnected";
    }
    return "?";
}

testing::FakeTarget make_target() {
    testing::FakeTarget t;
    t.load(0x1000, {0x40, 0x40, 0x90, 0xA3, 0x00, 0x20, 0x00, 0x00, 0x41, 0xEB, 0xF5});
    t.load(0x3000, {0xef, 0xbe, 0xad, 0xde, 0x78, 0x56, 0x34, 0x12, 0x0d, 0xf0, 0xfe, 0xca, 0xde, 0xc0, 0xad, 0x0b});
    t.reg(Reg::Eip) = 0x1000;
    t.reg(Reg::Esp) = 0x8000;
    t.reg(Reg::Ebp) = 0x8000;
    t.reg(Reg::Eflags) = 0x202;
    return t;
}

// Written under another name and renamed, so the reader never sees half a number.
void publish_port(const std::string& path, uint16_t port) {
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f) throw std::runtime_error("cannot write " + tmp);
    std::fprintf(f, "%u\n", port);
    std::fclose(f);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s PORT_FILE\n", argv[0]);
        return 2;
    }
    alarm(60);  // never outlive a test that went wrong
    try {
        testing::FakeTarget target = make_target();
        bool told = false;
        target.on_poll = [&told] {
            if (told) return;
            std::printf("guest running\n");
            std::fflush(stdout);
            told = true;
        };
        TcpListener listener(parse_listen_address("tcp:127.0.0.1:0"));
        publish_port(argv[1], listener.port());
        auto channel = listener.accept();
        const SessionEnd end = GdbStub(target, *channel).serve();
        std::printf("session ended: %s\n", describe(end));
        std::printf("breakpoints left: %zu\n", target.points.size());
        std::printf("detached: %s\n", target.detached ? "yes" : "no");
        std::printf("word at 0x3010: 0x%08x\n", target.load32(0x3010));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gdb_fake_server: %s\n", e.what());
        return 1;
    }
}
