// What a character device (a UART, the debug console) is connected to on the
// host side: somewhere to send bytes and, optionally, somewhere bytes come
// from. The host-specific backends (terminal, files) live in the frontend;
// the two here need nothing from the host and serve "none" and the tests.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace amber {

// The outcome of asking a backend for one byte of input.
struct CharInput {
    enum class Kind : uint8_t {
        Byte,     // `byte` is the next input byte
        Nothing,  // no input right now; ask again later
        HangUp,   // the input has ended for good (EOF): the line has no carrier
    };
    Kind kind = Kind::Nothing;
    uint8_t byte = 0;

    static CharInput of(uint8_t b) { return {Kind::Byte, b}; }
    static CharInput nothing() { return {Kind::Nothing, 0}; }
    static CharInput hang_up() { return {Kind::HangUp, 0}; }
};

class CharBackend {
public:
    virtual ~CharBackend() = default;
    virtual void write(uint8_t byte) = 0;
    // Called only when the guest looks at an empty receiver, so the bytes a
    // guest sees -- and the instructions it runs -- depend on the input alone.
    // A backend fed by a file or a pipe may block here until a byte arrives.
    virtual CharInput read() = 0;
    // Whether a peer is attached at all (drives DSR/CTS/DCD before any read).
    virtual bool connected() const { return true; }
};

// Nothing attached: output vanishes, and there is no carrier.
class NullCharBackend final : public CharBackend {
public:
    void write(uint8_t) override {}
    CharInput read() override { return CharInput::hang_up(); }
    bool connected() const override { return false; }
};

// Input from a string, output collected in a string: for tests and for
// driving a guest from code. The input hangs up once it is used up.
class BufferCharBackend final : public CharBackend {
public:
    explicit BufferCharBackend(std::string input = {}) : input_(std::move(input)) {}
    void write(uint8_t byte) override { output_.push_back(static_cast<char>(byte)); }
    CharInput read() override {
        ++reads_;
        if (pos_ < input_.size()) return CharInput::of(static_cast<uint8_t>(input_[pos_++]));
        return CharInput::hang_up();
    }

    void append_input(std::string_view more) { input_.append(more); }
    const std::string& output() const { return output_; }
    void clear_output() { output_.clear(); }
    unsigned reads() const { return reads_; }  // how often the device asked for input

private:
    std::string input_;
    size_t pos_ = 0;
    std::string output_;
    unsigned reads_ = 0;
};

}  // namespace amber
