#include "devices/i8042.hpp"

#include "devices/ps2_keys.hpp"
#include "machine/log.hpp"

namespace amber {

using namespace i8042;

namespace {
constexpr uint8_t kSelfTestPassed = 0x55, kInterfaceOk = 0x00, kNoPassword = 0xF1;
// Input port: keyboard not inhibited, no manufacturing jumper, colour display.
constexpr uint8_t kInputPort = 0xA0;
constexpr size_t kMaxReplies = 64;
}  // namespace

I8042::I8042(IoBus& io, PS2Device* keyboard, PS2Device* mouse, IrqLine irq1, IrqLine irq12,
             std::function<void()> reset_system, std::function<void(bool)> set_a20)
    : io_(io),
      keyboard_(keyboard),
      mouse_(mouse),
      irq1_(std::move(irq1)),
      irq12_(std::move(irq12)),
      reset_system_(std::move(reset_system)),
      set_a20_(std::move(set_a20)) {
    io_.map(kDataPort, 1, this);
    io_.map(kStatusPort, 1, this);
    if (keyboard_) keyboard_->set_output_notifier([this] { service(); });
    if (mouse_) mouse_->set_output_notifier([this] { service(); });
    reset();
}

I8042::~I8042() {
    if (sched_) sched_->cancel(gap_event_);
    if (keyboard_) keyboard_->set_output_notifier({});
    if (mouse_) mouse_->set_output_notifier({});
    io_.unmap(this);
}

void I8042::set_pacing(Scheduler& sched, std::function<uint64_t()> now, uint64_t gap_ticks) {
    if (!sched_) {
        sched_ = &sched;
        gap_event_ = sched.add_event("i8042 byte gap", [this](uint64_t) { end_gap(); });
    }
    now_ = std::move(now);
    gap_ = now_ ? gap_ticks : 0;
}

void I8042::end_gap() {
    in_gap_ = false;
    service();
}

void I8042::reset() {
    ram_.fill(0);
    ram_[0] = kPowerOnCommandByte;
    out_ = 0;
    obf_ = aux_obf_ = timeout_ = sys_ = false;
    last_was_command_ = true;
    pending_ = 0;
    output_port_ = kPowerOnOutputPort;
    break_prefix_ = false;
    in_gap_ = false;
    if (sched_) sched_->cancel(gap_event_);
    replies_.clear();
    update_irqs();
    // Bytes the devices queued before the reset may go now.
    service();
}

void I8042::visit(Archive& ar) {
    ar.bytes("ram", ram_);
    ar.field("out", out_);
    ar.field("obf", obf_);
    ar.field("aux_obf", aux_obf_);
    ar.field("timeout", timeout_);
    ar.field("sys", sys_);
    ar.field("last_was_command", last_was_command_);
    ar.field("pending", pending_);
    ar.field("output_port", output_port_);
    ar.field("break_prefix", break_prefix_);
    visit_byte_queue(ar, "replies", replies_, kMaxReplies);
    ar.field("in_gap", in_gap_);
    if (ar.loading()) {
        if (replies_.size() % 2) replies_.pop_back();
        update_irqs();
        if (in_gap_) start_gap();
    }
}

uint8_t I8042::status() const {
    return (obf_ ? ST_OBF : 0) | (sys_ ? ST_SYS : 0) | (last_was_command_ ? ST_CMD : 0) | ST_UNLOCKED |
           (aux_obf_ ? ST_AUX_OBF : 0) | (timeout_ ? ST_TIMEOUT : 0);
}

uint8_t I8042::output_port() const {
    return (output_port_ & ~(OUT_KBD_OBF | OUT_AUX_OBF)) | (obf_ && !aux_obf_ ? OUT_KBD_OBF : 0) |
           (obf_ && aux_obf_ ? OUT_AUX_OBF : 0);
}

// Two single-byte ports: the bus splits wider accesses.
uint32_t I8042::io_read(uint16_t port, unsigned) { return port == kDataPort ? read_data() : status(); }

void I8042::io_write(uint16_t port, uint32_t value, unsigned) {
    if (port == kDataPort) write_data(static_cast<uint8_t>(value));
    else write_command(static_cast<uint8_t>(value));
}

// Reading takes the byte; the next one (if any) follows at once, or after
// the gap when paced, with a fresh interrupt edge. An empty buffer reads as
// its last byte.
uint8_t I8042::read_data() {
    const uint8_t v = out_;
    if (obf_) {
        obf_ = aux_obf_ = false;
        update_irqs();
        if (gap_) start_gap();
        else service();
    }
    return v;
}

void I8042::start_gap() {
    if (!gap_) return end_gap();
    in_gap_ = true;
    sched_->schedule(gap_event_, now_() + gap_);
}

void I8042::write_command(uint8_t cmd) {
    last_was_command_ = true;
    pending_ = 0;
    if (cmd >= 0x20 && cmd < 0x40) return reply(ram_[cmd & 0x1F]);
    if (cmd >= 0x60 && cmd < 0x80) {
        pending_ = cmd;
        return;
    }
    if (cmd >= 0xF0) {
        // Pulse output port lines low for a moment: only the reset line (bit 0) has a lasting effect.
        if (!(cmd & OUT_RESET) && reset_system_) reset_system_();
        return;
    }
    switch (cmd) {
    case 0xA4: reply(kNoPassword); break;
    case 0xA5: pending_ = cmd; break;  // a password follows, ending with 0
    case 0xA6: break;                  // security on: no password, nothing to lock
    case 0xA7: ram_[0] |= CB_AUX_DISABLE; break;
    case 0xA8:
        ram_[0] &= ~CB_AUX_DISABLE;
        service();
        break;
    case 0xA9: reply(kInterfaceOk); break;
    case 0xAA:
        sys_ = true;
        reply(kSelfTestPassed);
        break;
    case 0xAB: reply(kInterfaceOk); break;
    case 0xAD: ram_[0] |= CB_KBD_DISABLE; break;
    case 0xAE:
        ram_[0] &= ~CB_KBD_DISABLE;
        service();
        break;
    case 0xC0: reply(kInputPort); break;
    case 0xD0: reply(output_port()); break;
    case 0xD1: case 0xD2: case 0xD3: case 0xD4: pending_ = cmd; break;
    case 0xDD:
    case 0xDF: write_output_port(cmd == 0xDF ? output_port_ | OUT_A20 : output_port_ & ~OUT_A20); break;
    default: log::get("i8042")->debug("unknown controller command {:#04x}", cmd); break;
    }
}

void I8042::write_data(uint8_t value) {
    last_was_command_ = false;
    const uint8_t cmd = pending_;
    pending_ = 0;
    if (cmd) return command_data(cmd, value);
    // A byte for the keyboard also takes its port out of the disabled state.
    ram_[0] &= ~CB_KBD_DISABLE;
    to_device(keyboard_, value, false);
}

void I8042::command_data(uint8_t cmd, uint8_t value) {
    if (cmd >= 0x60 && cmd < 0x80) {
        ram_[cmd & 0x1F] = value;
        if (cmd == 0x60) {
            sys_ = value & CB_SYS;
            update_irqs();
            service();  // a port may have just been enabled
        }
        return;
    }
    switch (cmd) {
    case 0xA5:
        if (value != 0) pending_ = cmd;
        break;
    case 0xD1: write_output_port(value); break;
    case 0xD2: reply(value, false); break;
    case 0xD3: reply(value, true); break;
    case 0xD4:
        ram_[0] &= ~CB_AUX_DISABLE;
        to_device(mouse_, value, true);
        break;
    default: break;
    }
}

// The reset line is active low. The callbacks come last: a reset may
// reset this controller too.
void I8042::write_output_port(uint8_t value) {
    output_port_ = value;
    if (set_a20_) set_a20_(value & OUT_A20);
    if (!(value & OUT_RESET) && reset_system_) reset_system_();
}

void I8042::to_device(PS2Device* dev, uint8_t value, bool aux) {
    timeout_ = false;
    if (dev) {
        dev->receive(value);
        service();
        return;
    }
    // Nobody answered the clock: the controller gives up and says so.
    timeout_ = true;
    reply(0xFE, aux);
}

void I8042::reply(uint8_t byte, bool aux) {
    if (replies_.size() >= kMaxReplies) return;
    replies_.push_back(byte);
    replies_.push_back(aux ? 1 : 0);
    service();
}

void I8042::service() {
    // Not while pulling already (a device notified us from inside), nor in a paced gap.
    if (servicing_ || in_gap_) return;
    servicing_ = true;
    while (!obf_) {
        if (!replies_.empty()) {
            out_ = replies_[0];
            aux_obf_ = replies_[1] != 0;
            replies_.erase(replies_.begin(), replies_.begin() + 2);
        } else if (keyboard_ && !(ram_[0] & CB_KBD_DISABLE) && keyboard_->has_output()) {
            uint8_t b = keyboard_->take_output();
            if (ram_[0] & CB_TRANSLATE) {
                if (b == 0xF0) {  // a set 2 release: folded into the next byte's bit 7
                    break_prefix_ = true;
                    continue;
                }
                b = ps2::set2_to_set1()[b] | (break_prefix_ ? 0x80 : 0);
                break_prefix_ = false;
            }
            out_ = b;
            aux_obf_ = false;
        } else if (mouse_ && !(ram_[0] & CB_AUX_DISABLE) && mouse_->has_output()) {
            out_ = mouse_->take_output();
            aux_obf_ = true;
        } else {
            break;
        }
        obf_ = true;
    }
    servicing_ = false;
    update_irqs();
}

void I8042::update_irqs() {
    const bool irq1 = obf_ && !aux_obf_ && (ram_[0] & CB_KBD_INT);
    const bool irq12 = obf_ && aux_obf_ && (ram_[0] & CB_AUX_INT);
    if (irq1 != irq1_level_) irq1_.set(irq1_level_ = irq1);
    if (irq12 != irq12_level_) irq12_.set(irq12_level_ = irq12);
}

}  // namespace amber
