// One conversation with gdb over a ByteChannel: packets in and out, the
// '+'/'-' acknowledgments until no-ack mode is on, and a non-blocking look
// for Ctrl-C while the guest runs.
#pragma once
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/gdb/channel.hpp"
#include "frontend/gdb/rsp.hpp"

namespace amber::gdb {

struct IncomingPacket {
    std::string payload;    // still escaped, as it came
    bool too_long = false;  // over kMaxPayload: only its start is kept; answer with an error
};

class RspConnection {
public:
    explicit RspConnection(ByteChannel& channel) : channel_(channel) {}

    // The next packet from gdb, acknowledged if acks are on. A packet with
    // a bad checksum is refused with '-' (gdb sends it again); with acks
    // off the checksum is not checked, as the protocol allows. Stray acks
    // and Ctrl-C between packets are dropped. Nothing: the stream ended.
    std::optional<IncomingPacket> receive();

    // Frames and sends a payload (escaped already where it holds binary
    // data). With acks on, waits for gdb's '+' and sends again on '-'.
    // False: the stream is gone, or gdb refused the packet too often.
    bool send(std::string_view payload);

    // After the reply to QStartNoAckMode went out: no acks from here on.
    void stop_acks() { acks_ = false; }
    bool acks() const { return acks_; }

    // Reads what has arrived without blocking, and answers true if it held
    // Ctrl-C or the stream ended. Packets that arrive meanwhile are kept
    // for receive(). Called between slices of a running guest.
    bool interrupt_requested();

    bool closed() const { return closed_; }

private:
    // The next framing event from the bytes received; when they are used
    // up, reads more if `wait` or if the channel has some ready.
    std::optional<FrameEvent> next_event(bool wait);
    bool write_raw(std::string_view bytes);

    ByteChannel& channel_;
    PacketDecoder decoder_;
    std::vector<uint8_t> input_ = std::vector<uint8_t>(4096);
    size_t input_pos_ = 0, input_len_ = 0;
    std::deque<FrameEvent> early_packets_;  // arrived while the guest ran or an ack was awaited
    bool acks_ = true;
    bool closed_ = false;
};

}  // namespace amber::gdb
