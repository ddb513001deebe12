#include "frontend/terminal_keyboard.hpp"

namespace amber::cli {

TerminalKeyboard::TerminalKeyboard(int in_fd, PS2Keyboard& keyboard, std::function<void()> on_quit,
                                   std::function<void()> on_monitor)
    : keyboard_(keyboard),
      input_(in_fd, std::move(on_quit), std::move(on_monitor), /*wait_when_idle=*/false,
             "[amber] the keyboard types into the guest's screen: C-a x quits, C-a h for help"),
      decoder_([this](const TerminalKey& k) { press(k); }) {}

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

void TerminalKeyboard::press(const TerminalKey& k) {
    using ps2::Key;
    if (k.ctrl) keyboard_.press(Key::LeftCtrl);
    if (k.alt) keyboard_.press(Key::LeftAlt);
    if (k.shift) keyboard_.press(Key::LeftShift);
    keyboard_.tap(k.key);
    if (k.shift) keyboard_.release(Key::LeftShift);
    if (k.alt) keyboard_.release(Key::LeftAlt);
    if (k.ctrl) keyboard_.release(Key::LeftCtrl);
}

}  // namespace amber::cli
