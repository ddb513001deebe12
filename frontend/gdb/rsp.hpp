// The remote serial protocol's framing: packets are "$payload#cs" with cs
// the sum of the payload bytes mod 256 in two hex digits; '+' and '-'
// acknowledge them; a lone 0x03 byte is Ctrl-C. Binary data inside a
// payload escapes '#', '$', '}' and '*' as '}' followed by the byte XOR 0x20.
//
// PacketDecoder is a byte-at-a-time state machine with no I/O, so any byte
// sequence can be fed to it (and is, in the unit tests) without harm.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amber::gdb {

// The largest payload we accept and the one we tell gdb about (qSupported
// PacketSize); gdb sizes its memory reads and writes by it.
constexpr size_t kMaxPayload = 0x4000;

struct FrameEvent {
    enum class Kind {
        Packet,     // a complete "$...#cs"
        Ack,        // '+'
        Nak,        // '-'
        Interrupt,  // 0x03 between packets
    };
    Kind kind = Kind::Packet;
    std::string payload;        // Packet: the bytes between '$' and '#', still escaped
    bool checksum_ok = false;   // Packet: the two digits after '#' match the payload
    bool too_long = false;      // Packet: longer than the limit; payload holds only its start
};

class PacketDecoder {
public:
    explicit PacketDecoder(size_t max_payload = kMaxPayload) : max_payload_(max_payload) {}

    // Takes the next byte from the wire; returns the event it completes, if
    // any. Bytes that belong to nothing (noise between packets) are dropped.
    // A '$' inside a packet starts a new one: the sender gave up on the old.
    std::optional<FrameEvent> feed(uint8_t byte);

private:
    enum class State { Idle, Payload, Checksum1, Checksum2 };
    size_t max_payload_;
    State state_ = State::Idle;
    std::string payload_;
    uint8_t sum_ = 0;         // running checksum of the payload
    int received_sum_ = 0;    // from the digits after '#'; -1 if one was not hex
    bool too_long_ = false;
};

uint8_t checksum(std::string_view payload);

// "$payload#cs" for a payload that is already escaped where it must be.
std::string frame_packet(std::string_view payload);

// Escapes binary data for a payload (qXfer replies, X packets).
std::string escape_binary(std::span<const uint8_t> data);
std::string escape_binary(std::string_view data);

// Undoes escape_binary; nothing if the text ends in the middle of an escape.
std::optional<std::vector<uint8_t>> unescape_binary(std::string_view text);

}  // namespace amber::gdb
