#include "frontend/tcp_char_backend.hpp"

namespace amber::cli {

void TcpCharBackend::accept_if_waiting() {
    if (channel_ || !listener_ || !listener_->connection_waiting()) return;
    channel_ = listener_->accept();
    listener_.reset();  // one peer per port, as with a cable
}

void TcpCharBackend::write(uint8_t byte) {
    accept_if_waiting();
    if (channel_ && !ended_) channel_->write(std::span<const uint8_t>(&byte, 1));
}

CharInput TcpCharBackend::read() {
    if (pos_ < len_) return CharInput::of(buf_[pos_++]);
    if (ended_) return CharInput::hang_up();
    accept_if_waiting();
    if (!channel_ || !channel_->readable()) return CharInput::nothing();
    len_ = channel_->read(buf_);
    pos_ = 0;
    if (len_ == 0) {
        ended_ = true;
        return CharInput::hang_up();
    }
    return CharInput::of(buf_[pos_++]);
}

}  // namespace amber::cli
