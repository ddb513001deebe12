#include "devices/uart16550.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace amber {

using namespace uart;

Uart16550::Uart16550(IoBus& io, std::unique_ptr<CharBackend> backend, uint16_t base)
    : io_(io), backend_(std::move(backend)), base_(base), name_(fmt::format("uart16550@{:#x}", base)) {
    if (!backend_) backend_ = std::make_unique<NullCharBackend>();
    io_.map(base_, 8, this);
    reset();
}

Uart16550::~Uart16550() { io_.unmap(this); }

void Uart16550::reset() {
    rx_count_ = 0;
    rbr_ = 0;
    ier_ = fcr_ = lcr_ = mcr_ = 0;
    lsr_errors_ = 0;
    scr_ = 0;
    thre_pending_ = false;
    // The carrier is the host's business: a hung-up input stays hung up.
    msr_lines_ = external_lines();
    msr_deltas_ = 0;
    update_irq();
}

void Uart16550::visit(Archive& ar) {
    ar.bytes("rx_fifo", rx_);
    ar.field("rx_count", rx_count_);
    ar.field("rbr", rbr_);
    ar.field("ier", ier_);
    ar.field("fcr", fcr_);
    ar.field("lcr", lcr_);
    ar.field("mcr", mcr_);
    ar.field("lsr_errors", lsr_errors_);
    ar.field("msr_lines", msr_lines_);
    ar.field("msr_deltas", msr_deltas_);
    ar.field("scr", scr_);
    ar.field("dll", dll_);
    ar.field("dlm", dlm_);
    ar.field("thre_pending", thre_pending_);
    ar.field("carrier", carrier_);
    if (ar.loading()) {
        rx_count_ = std::min<uint8_t>(rx_count_, kFifoSize);
        update_irq();
    }
}

// The UART claims eight consecutive ports, so the bus hands a word or
// dword access to it whole; it acts as that many byte accesses.
uint32_t Uart16550::io_read(uint16_t port, unsigned size) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint32_t(read_reg(uint16_t(port + i - base_) & 7)) << (8 * i);
    return v;
}

void Uart16550::io_write(uint16_t port, uint32_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) write_reg(uint16_t(port + i - base_) & 7, uint8_t(value >> (8 * i)));
}

uint8_t Uart16550::read_reg(uint16_t reg) {
    switch (reg) {
    case RBR:
        if (dlab()) return dll_;
        return pop_rx();
    case IER: return dlab() ? dlm_ : ier_;
    case IIR: return read_iir();
    case LCR: return lcr_;
    case MCR: return mcr_;
    case LSR: return read_lsr();
    case MSR: return read_msr();
    default: return scr_;
    }
}

void Uart16550::write_reg(uint16_t reg, uint8_t v) {
    switch (reg) {
    case THR:
        if (dlab()) {
            dll_ = v;
            return;
        }
        if (mcr_ & MCR_LOOP) receive(v);  // loopback: the transmitter feeds the receiver
        else backend_->write(v);
        thre_pending_ = true;  // sent at once, so THR is empty again
        break;
    case IER:
        if (dlab()) {
            dlm_ = v;
            return;
        }
        // Enabling the THRE interrupt while THR is empty raises it at once.
        if ((v & IER_THRE) && !(ier_ & IER_THRE)) thre_pending_ = true;
        ier_ = v & 0x0F;
        break;
    case FCR: write_fcr(v); break;
    case LCR: lcr_ = v; return;
    case MCR: write_mcr(v); break;
    case LSR: return;  // factory test register on the real part; writes ignored here
    case MSR: return;
    default: scr_ = v; return;
    }
    update_irq();
}

uint8_t Uart16550::read_lsr() {
    pull_input();
    uint8_t v = lsr_errors_ | LSR_THRE | LSR_TEMT | (rx_count_ ? LSR_DR : 0);
    lsr_errors_ = 0;
    update_irq();
    return v;
}

uint8_t Uart16550::read_iir() {
    // A guest waiting for receive interrupts by polling IIR is polling the receiver.
    if (ier_ & IER_RDA) pull_input();
    uint8_t id = pending_interrupt();
    if (id == IIR_THRE) thre_pending_ = false;  // reading IIR acknowledges THRE
    update_irq();
    return id | (fifo_enabled() ? IIR_FIFO : 0);
}

uint8_t Uart16550::read_msr() {
    uint8_t v = msr_lines_ | msr_deltas_;
    msr_deltas_ = 0;
    update_irq();
    return v;
}

void Uart16550::write_fcr(uint8_t v) {
    bool was_enabled = fifo_enabled();
    // The other bits only take effect together with the enable bit, and
    // switching the FIFOs on or off empties them.
    fcr_ = (v & FCR_ENABLE) ? (v & (FCR_ENABLE | FCR_DMA | 0xC0)) : 0;
    if (fifo_enabled() != was_enabled || (v & FCR_CLEAR_RX)) rx_count_ = 0;
    // The transmit FIFO is always empty: nothing to clear for FCR_CLEAR_TX.
}

void Uart16550::write_mcr(uint8_t v) {
    mcr_ = v & 0x1F;
    update_lines();
}

unsigned Uart16550::rx_trigger() const {
    static constexpr unsigned kLevels[4] = {1, 4, 8, 14};
    return fifo_enabled() ? kLevels[fcr_ >> 6] : 1;
}

void Uart16550::poll_receiver() {
    if (!(ier_ & uart::IER_RDA)) return;
    pull_input();
    update_irq();
}

void Uart16550::pull_input() {
    if (rx_count_ || !carrier_ || (mcr_ & MCR_LOOP)) return;
    CharInput in = backend_->read();
    switch (in.kind) {
    case CharInput::Kind::Byte: receive(in.byte); break;
    case CharInput::Kind::Nothing: break;
    case CharInput::Kind::HangUp:
        carrier_ = false;
        update_lines();
        break;
    }
}

void Uart16550::receive(uint8_t byte) {
    if (rx_count_ >= rx_capacity()) {
        lsr_errors_ |= LSR_OE;  // the new byte is lost
        return;
    }
    rx_[rx_count_++] = byte;
}

uint8_t Uart16550::pop_rx() {
    if (rx_count_) {
        rbr_ = rx_[0];
        std::copy(rx_.begin() + 1, rx_.begin() + rx_count_, rx_.begin());
        --rx_count_;
        update_irq();
    }
    return rbr_;
}

uint8_t Uart16550::external_lines() const {
    if (!backend_->connected()) return 0;
    return MSR_CTS | MSR_DSR | (carrier_ ? MSR_DCD : 0);
}

void Uart16550::update_lines() {
    uint8_t now;
    if (mcr_ & MCR_LOOP) {
        // Loopback wires the modem outputs back to the inputs.
        now = ((mcr_ & MCR_RTS) ? MSR_CTS : 0) | ((mcr_ & MCR_DTR) ? MSR_DSR : 0) |
              ((mcr_ & MCR_OUT1) ? MSR_RI : 0) | ((mcr_ & MCR_OUT2) ? MSR_DCD : 0);
    } else {
        now = external_lines();
    }
    uint8_t changed = now ^ msr_lines_;
    if (changed & MSR_CTS) msr_deltas_ |= MSR_DCTS;
    if (changed & MSR_DSR) msr_deltas_ |= MSR_DDSR;
    if (changed & MSR_DCD) msr_deltas_ |= MSR_DDCD;
    if ((msr_lines_ & MSR_RI) && !(now & MSR_RI)) msr_deltas_ |= MSR_TERI;  // trailing edge only
    msr_lines_ = now;
    update_irq();
}

// IIR's identification bits for the highest-priority enabled condition.
uint8_t Uart16550::pending_interrupt() const {
    if ((ier_ & IER_RLS) && lsr_errors_) return IIR_RLS;
    if ((ier_ & IER_RDA) && rx_count_) return rx_count_ >= rx_trigger() ? IIR_RDA : IIR_TIMEOUT;
    if ((ier_ & IER_THRE) && thre_pending_) return IIR_THRE;
    if ((ier_ & IER_MS) && msr_deltas_) return IIR_MS;
    return IIR_NONE;
}

void Uart16550::update_irq() {
    bool line = pending_interrupt() != IIR_NONE && (mcr_ & MCR_OUT2) && !(mcr_ & MCR_LOOP);
    if (line == irq_line_) return;
    irq_line_ = line;
    if (irq_cb_) irq_cb_(line);
}

}  // namespace amber
