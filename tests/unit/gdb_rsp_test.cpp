// The GDB stub's building blocks on their own: hex, packet framing,
// binary escaping, request parsing, and the listen address.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "frontend/gdb/hex.hpp"
#include "frontend/gdb/requests.hpp"
#include "frontend/gdb/rsp.hpp"
#include "frontend/gdb/tcp_listener.hpp"

using namespace amber::gdb;

namespace {

std::vector<FrameEvent> decode_all(std::string_view bytes, size_t max_payload = kMaxPayload) {
    PacketDecoder decoder(max_payload);
    std::vector<FrameEvent> events;
    for (char c : bytes) {
        if (auto e = decoder.feed(static_cast<uint8_t>(c))) events.push_back(std::move(*e));
    }
    return events;
}

std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("gdb hex: bytes, little-endian words and numbers", "[gdb]") {
    CHECK(to_hex(bytes_of("\x01\xab\xff")) == "01abff");
    CHECK(to_hex_le(0x12345678) == "78563412");
    CHECK(from_hex("01aBfF") == std::vector<uint8_t>{0x01, 0xab, 0xff});
    CHECK(from_hex("") == std::vector<uint8_t>{});
    CHECK_FALSE(from_hex("abc"));  // odd length
    CHECK_FALSE(from_hex("zz"));
    CHECK(parse_hex_number("1f00") == 0x1f00u);
    CHECK(parse_hex_number("FFFFFFFFFFFFFFFF") == ~uint64_t(0));
    CHECK(parse_hex_number("000000000000000000001") == 1u);  // leading zeros are not digits of value
    CHECK_FALSE(parse_hex_number("10000000000000000"));      // 65 bits
    CHECK_FALSE(parse_hex_number(""));
    CHECK_FALSE(parse_hex_number("-1"));
    CHECK_FALSE(parse_hex_number("0x10"));
    CHECK(parse_hex_u32("ffffffff") == 0xFFFFFFFFu);
    CHECK_FALSE(parse_hex_u32("100000000"));
}

TEST_CASE("gdb framing: a packet's checksum is the sum of its payload", "[gdb]") {
    CHECK(frame_packet("g") == "$g#67");
    CHECK(frame_packet("") == "$#00");
    CHECK(frame_packet("OK") == "$OK#9a");
}

TEST_CASE("gdb framing: packets, acks and Ctrl-C come out as events", "[gdb]") {
    auto events = decode_all("+$g#67-\x03$m0,4#fd");
    REQUIRE(events.size() == 5);
    CHECK(events[0].kind == FrameEvent::Kind::Ack);
    CHECK(events[1].kind == FrameEvent::Kind::Packet);
    CHECK(events[1].payload == "g");
    CHECK(events[1].checksum_ok);
    CHECK(events[2].kind == FrameEvent::Kind::Nak);
    CHECK(events[3].kind == FrameEvent::Kind::Interrupt);
    CHECK(events[4].payload == "m0,4");
    CHECK(events[4].checksum_ok);
}

TEST_CASE("gdb framing: bad checksums are reported, noise is dropped", "[gdb]") {
    SECTION("wrong sum") {
        auto events = decode_all("$g#68");
        REQUIRE(events.size() == 1);
        CHECK_FALSE(events[0].checksum_ok);
    }
    SECTION("checksum digits that are not hex") {
        auto events = decode_all("$g#zz$g#6z");
        REQUIRE(events.size() == 2);
        CHECK_FALSE(events[0].checksum_ok);
        CHECK_FALSE(events[1].checksum_ok);
    }
    SECTION("upper-case checksum digits are fine") {
        auto events = decode_all("$OK#9A");
        REQUIRE(events.size() == 1);
        CHECK(events[0].checksum_ok);
    }
    SECTION("bytes between packets belong to nothing") {
        auto events = decode_all("hello\r\n#00 $g#67 world");
        REQUIRE(events.size() == 1);
        CHECK(events[0].payload == "g");
    }
    SECTION("a '$' inside a packet starts over") {
        auto events = decode_all("$m0,4$g#67");
        REQUIRE(events.size() == 1);
        CHECK(events[0].payload == "g");
        CHECK(events[0].checksum_ok);
    }
    SECTION("Ctrl-C inside a packet is payload, not an interrupt") {
        auto events = decode_all("$\x03#03");
        REQUIRE(events.size() == 1);
        CHECK(events[0].kind == FrameEvent::Kind::Packet);
        CHECK(events[0].checksum_ok);
    }
}

TEST_CASE("gdb framing: an overlong packet keeps its start and is flagged", "[gdb]") {
    const std::string payload(100, 'a');
    auto events = decode_all(frame_packet(payload), 16);
    REQUIRE(events.size() == 1);
    CHECK(events[0].too_long);
    CHECK(events[0].payload.size() == 16);
    CHECK(events[0].checksum_ok);  // the sum still covers every byte
    auto fine = decode_all(frame_packet(std::string(16, 'a')), 16);
    REQUIRE(fine.size() == 1);
    CHECK_FALSE(fine[0].too_long);
}

TEST_CASE("gdb binary escaping round-trips every byte", "[gdb]") {
    std::vector<uint8_t> all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<uint8_t>(i));
    const std::string escaped = escape_binary(all);
    CHECK(escaped.size() == 256 + 4);  // '#', '$', '}' and '*' take two bytes
    for (char c : escaped) {
        // The escape character itself only appears as an escape.
        CHECK(c != '#');
        CHECK(c != '$');
        CHECK(c != '*');
    }
    CHECK(unescape_binary(escaped) == all);
    CHECK(escape_binary(std::string_view("a#b")) == "a}\x03" "b");
    CHECK_FALSE(unescape_binary("abc}"));  // ends inside an escape
}

TEST_CASE("gdb requests: memory ranges and writes", "[gdb]") {
    auto range = parse_memory_range("1000,40");
    REQUIRE(range);
    CHECK(range->address == 0x1000);
    CHECK(range->length == 0x40);
    CHECK_FALSE(parse_memory_range("1000"));
    CHECK_FALSE(parse_memory_range(",4"));
    CHECK_FALSE(parse_memory_range("1000,"));
    CHECK_FALSE(parse_memory_range("100000000,4"));  // past 32 bits
    CHECK_FALSE(parse_memory_range("10x0,4"));

    auto write = parse_memory_write("2000,2:abcd");
    REQUIRE(write);
    CHECK(write->range.address == 0x2000);
    CHECK(write->range.length == 2);
    CHECK(write->data == "abcd");
    auto binary = parse_memory_write("2000,1::");  // the data byte is ':'
    REQUIRE(binary);
    CHECK(binary->data == ":");
    CHECK_FALSE(parse_memory_write("2000,2"));
}

TEST_CASE("gdb requests: breakpoints", "[gdb]") {
    auto b = parse_breakpoint("2,2000,4");
    REQUIRE(b);
    CHECK(b->type == 2);
    CHECK(b->address == 0x2000);
    CHECK(b->length == 4);
    auto with_condition = parse_breakpoint("0,1008,1;X3,220101");
    REQUIRE(with_condition);
    CHECK(with_condition->address == 0x1008);
    CHECK(parse_breakpoint("7,1,1"));  // unknown type: well-formed, the stub says unsupported
    CHECK_FALSE(parse_breakpoint("0,1008"));
    CHECK_FALSE(parse_breakpoint("0,,1"));
    CHECK_FALSE(parse_breakpoint(""));
}

TEST_CASE("gdb requests: continue and step, with or without an address", "[gdb]") {
    auto c = parse_resume('c', "");
    REQUIRE(c);
    CHECK(c->mode == ResumeMode::Continue);
    CHECK_FALSE(c->address);
    auto s = parse_resume('s', "1004");
    REQUIRE(s);
    CHECK(s->mode == ResumeMode::Step);
    CHECK(s->address == 0x1004u);
    auto C = parse_resume('C', "0b;2000");
    REQUIRE(C);
    CHECK(C->mode == ResumeMode::Continue);
    CHECK(C->address == 0x2000u);
    auto S = parse_resume('S', "05");
    REQUIRE(S);
    CHECK(S->mode == ResumeMode::Step);
    CHECK_FALSE(S->address);
    CHECK_FALSE(parse_resume('c', "xyz"));
    CHECK_FALSE(parse_resume('C', ""));
    CHECK_FALSE(parse_resume('C', "05;"));
}

TEST_CASE("gdb requests: vCont picks the action for our thread", "[gdb]") {
    CHECK(parse_vcont(";c") == ResumeMode::Continue);
    CHECK(parse_vcont(";s:1") == ResumeMode::Step);
    CHECK(parse_vcont(";s:1;c") == ResumeMode::Step);
    CHECK(parse_vcont(";s:2;c") == ResumeMode::Continue);  // the step is for another thread
    CHECK(parse_vcont(";c:-1") == ResumeMode::Continue);
    CHECK(parse_vcont(";S05:1") == ResumeMode::Step);
    CHECK(parse_vcont(";C0b") == ResumeMode::Continue);
    CHECK_FALSE(parse_vcont(";t"));
    CHECK_FALSE(parse_vcont(";r1000,2000"));
    CHECK_FALSE(parse_vcont(";s:2"));
    CHECK_FALSE(parse_vcont(";"));
    CHECK_FALSE(parse_vcont(""));
    CHECK_FALSE(parse_vcont("c"));
    CHECK_FALSE(parse_vcont(";Cxx"));
}

TEST_CASE("gdb requests: qXfer reads and thread ids", "[gdb]") {
    auto x = parse_xfer_read("features:read:target.xml:0,ffb");
    REQUIRE(x);
    CHECK(x->object == "features");
    CHECK(x->annex == "target.xml");
    CHECK(x->offset == 0);
    CHECK(x->length == 0xffb);
    CHECK_FALSE(parse_xfer_read("features:write:target.xml:0,ffb"));
    CHECK_FALSE(parse_xfer_read("features:read:target.xml"));
    CHECK_FALSE(parse_xfer_read("features:read:target.xml:0"));

    CHECK(names_our_thread("1"));
    CHECK(names_our_thread("0"));
    CHECK(names_our_thread("-1"));
    CHECK(names_our_thread("01"));
    CHECK_FALSE(names_our_thread("2"));
    CHECK_FALSE(names_our_thread("p1.1"));
    CHECK_FALSE(names_our_thread(""));
}

TEST_CASE("gdb listen address: QEMU's forms, loopback by default", "[gdb]") {
    auto a = parse_listen_address("tcp::1234");
    CHECK(a.host == "127.0.0.1");
    CHECK(a.port == 1234);
    CHECK(parse_listen_address("1234").port == 1234);
    CHECK(parse_listen_address(":1234").host == "127.0.0.1");
    auto named = parse_listen_address("tcp:0.0.0.0:4321");
    CHECK(named.host == "0.0.0.0");
    CHECK(named.port == 4321);
    CHECK(parse_listen_address("localhost:1").host == "localhost");
    auto v6 = parse_listen_address("[::1]:99");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 99);
    CHECK(v6.to_string() == "[::1]:99");
    CHECK(a.to_string() == "127.0.0.1:1234");
    CHECK(parse_listen_address("tcp::0").port == 0);
}

TEST_CASE("gdb listen address: mistakes are named", "[gdb]") {
    auto message = [](const char* text) {
        try {
            parse_listen_address(text);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    CHECK_THAT(message(""), Catch::Contains("no port"));
    CHECK_THAT(message("tcp:"), Catch::Contains("no port"));
    CHECK_THAT(message("localhost:"), Catch::Contains("no port"));
    CHECK_THAT(message("tcp::12a"), Catch::Contains("port '12a' is not a number"));
    CHECK_THAT(message("tcp::65536"), Catch::Contains("over 65535"));
    CHECK_THAT(message("tcp::99999999999999999999"), Catch::Contains("over 65535"));
    CHECK_THAT(message("unix:/tmp/sock"), Catch::Contains("is not a number"));
    CHECK_THAT(message("udp:host:1234"), Catch::Contains("other than tcp"));
    CHECK_THAT(message("[::1:1234"), Catch::Contains("without ']'"));
    CHECK_THAT(message("[::1]1234"), Catch::Contains("no ':PORT'"));
    CHECK_THAT(message("tcp::x"), Catch::Contains("tcp::1234"));  // the expected form is shown
}
