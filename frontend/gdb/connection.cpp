#include "frontend/gdb/connection.hpp"

namespace amber::gdb {

namespace {
// gdb never refuses a packet over TCP; a peer that keeps doing so is not
// one we can talk to.
constexpr int kMaxSends = 8;
constexpr int kMaxEventsPerPoll = 64;
constexpr size_t kMaxEarlyPackets = 16;
}  // namespace

std::optional<FrameEvent> RspConnection::next_event(bool wait) {
    bool have_read = false;
    while (!closed_) {
        while (input_pos_ < input_len_) {
            if (auto event = decoder_.feed(input_[input_pos_++])) return event;
        }
        // Without `wait`, one read at most: a peer sending noise without
        // pause must not keep a running guest from its next slice.
        if (!wait && (have_read || !channel_.readable())) return std::nullopt;
        have_read = true;
        input_pos_ = 0;
        input_len_ = channel_.read(input_);
        if (input_len_ == 0) closed_ = true;
    }
    return std::nullopt;
}

bool RspConnection::write_raw(std::string_view bytes) {
    if (closed_) return false;
    if (!channel_.write(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()))) {
        closed_ = true;
        return false;
    }
    return true;
}

std::optional<IncomingPacket> RspConnection::receive() {
    for (;;) {
        std::optional<FrameEvent> event;
        if (!early_packets_.empty()) {
            event = std::move(early_packets_.front());
            early_packets_.pop_front();
        } else {
            event = next_event(true);
        }
        if (!event) return std::nullopt;
        if (event->kind != FrameEvent::Kind::Packet) continue;
        if (acks_) {
            if (!write_raw(event->checksum_ok ? "+" : "-")) return std::nullopt;
            if (!event->checksum_ok) continue;
        }
        return IncomingPacket{std::move(event->payload), event->too_long};
    }
}

bool RspConnection::send(std::string_view payload) {
    const std::string framed = frame_packet(payload);
    for (int attempt = 0; attempt < kMaxSends; ++attempt) {
        if (!write_raw(framed)) return false;
        if (!acks_) return true;
        for (;;) {
            auto event = next_event(true);
            if (!event) return false;
            if (event->kind == FrameEvent::Kind::Ack) return true;
            if (event->kind == FrameEvent::Kind::Nak) break;  // send it again
            if (event->kind == FrameEvent::Kind::Packet) {
                // gdb went on without acknowledging: take that as a yes.
                early_packets_.push_back(std::move(*event));
                return true;
            }
            // A Ctrl-C while nothing runs means nothing: drop it.
        }
    }
    closed_ = true;
    return false;
}

bool RspConnection::interrupt_requested() {
    for (int i = 0; i < kMaxEventsPerPoll; ++i) {
        auto event = next_event(false);
        if (!event) break;
        // What follows the Ctrl-C stays unread until the stop is reported.
        if (event->kind == FrameEvent::Kind::Interrupt) return true;
        // In all-stop mode gdb sends nothing else while the guest runs; keep
        // a few packets for later anyway, and drop a flood.
        if (event->kind == FrameEvent::Kind::Packet && early_packets_.size() < kMaxEarlyPackets)
            early_packets_.push_back(std::move(*event));
    }
    return closed_;
}

}  // namespace amber::gdb
