#include "frontend/terminal_keyboard.hpp"

namespace amber::cli {

TerminalKeyboard::TerminalKeyboard(int in_fd, PS2Keyboard& keyboard, std::function<void()> on_quit,
                                   std::function<void()> on_monitor)
    : keyboard_(keyboard),
      input_(in_fd, std::move(on_quit), std::move(on_monitor), /*wait_when_idle=*/false,
             "[amber] the keyboard types into the guest's screen: C-a x quits, C-a h for help"),
      decoder_([this](const ps2::Keystroke& k) { keyboard_.type(k); }) {}

void TerminalKeyboard::poll() {
    if (hung_up_) return;
    for (;;) {
        const CharInput in = input_.read();
        if (in.kind == CharInput::Kind::Byte) {
            decoder_.feed(in.byte);
            continue;
        }
        hung_up_ = in.kind == CharInput::Kind::HangUp;
        break;
    }
    decoder_.flush();
}

}  // namespace amber::cli
