#include "frontend/gdb/rsp.hpp"

#include "frontend/gdb/hex.hpp"

namespace amber::gdb {

namespace {
constexpr uint8_t kCtrlC = 0x03;
constexpr uint8_t kEscape = '}';
constexpr uint8_t kEscapeXor = 0x20;

bool needs_escape(uint8_t b) { return b == '#' || b == '$' || b == '}' || b == '*'; }

FrameEvent event_of(FrameEvent::Kind kind) {
    FrameEvent event;
    event.kind = kind;
    return event;
}
}  // namespace

uint8_t checksum(std::string_view payload) {
    uint8_t sum = 0;
    for (char c : payload) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
    return sum;
}

std::string frame_packet(std::string_view payload) {
    std::string out;
    out.reserve(payload.size() + 4);
    out += '$';
    out += payload;
    out += '#';
    append_hex_byte(out, checksum(payload));
    return out;
}

std::optional<FrameEvent> PacketDecoder::feed(uint8_t byte) {
    // '$' never occurs inside a payload (binary data escapes it), so it
    // always starts a packet; an unfinished one was given up by the sender.
    if (byte == '$') {
        state_ = State::Payload;
        payload_.clear();
        sum_ = 0;
        received_sum_ = 0;
        too_long_ = false;
        return std::nullopt;
    }
    switch (state_) {
    case State::Idle:
        if (byte == '+') return event_of(FrameEvent::Kind::Ack);
        if (byte == '-') return event_of(FrameEvent::Kind::Nak);
        if (byte == kCtrlC) return event_of(FrameEvent::Kind::Interrupt);
        return std::nullopt;
    case State::Payload:
        if (byte == '#') {
            state_ = State::Checksum1;
        } else {
            sum_ = static_cast<uint8_t>(sum_ + byte);
            if (payload_.size() < max_payload_) {
                payload_ += static_cast<char>(byte);
            } else {
                too_long_ = true;  // keep summing, stop storing
            }
        }
        return std::nullopt;
    case State::Checksum1:
    case State::Checksum2:
        break;
    }
    auto digit = hex_digit_value(static_cast<char>(byte));
    received_sum_ = (digit && received_sum_ >= 0) ? (received_sum_ << 4 | *digit) : -1;
    if (state_ == State::Checksum1) {
        state_ = State::Checksum2;
        return std::nullopt;
    }
    FrameEvent event = event_of(FrameEvent::Kind::Packet);
    event.payload = std::move(payload_);
    event.checksum_ok = received_sum_ == sum_;
    event.too_long = too_long_;
    payload_.clear();
    state_ = State::Idle;
    return event;
}

std::string escape_binary(std::span<const uint8_t> data) {
    std::string out;
    out.reserve(data.size());
    for (uint8_t b : data) {
        if (needs_escape(b)) {
            out += static_cast<char>(kEscape);
            out += static_cast<char>(b ^ kEscapeXor);
        } else {
            out += static_cast<char>(b);
        }
    }
    return out;
}

std::string escape_binary(std::string_view data) {
    return escape_binary(std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

std::optional<std::vector<uint8_t>> unescape_binary(std::string_view text) {
    std::vector<uint8_t> out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        auto b = static_cast<uint8_t>(text[i]);
        if (b == kEscape) {
            if (++i == text.size()) return std::nullopt;
            b = static_cast<uint8_t>(text[i]) ^ kEscapeXor;
        }
        out.push_back(b);
    }
    return out;
}

}  // namespace amber::gdb
