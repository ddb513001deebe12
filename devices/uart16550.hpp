// A National Semiconductor 16550A UART, as on a PC's COM ports (COM1 is
// 0x3F8..0x3FF, IRQ 4).
//
// Modelled: every register (RBR/THR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR
// and the DLAB divisor latch), 16-byte receive FIFO with trigger levels,
// loopback mode, the modem-status inputs with their delta bits, and the
// interrupt priority logic behind IIR.
//
// Simplified, on purpose: transmission takes no time (THR is always empty
// again at once, so THRE and TEMT always read 1), and there are no parity,
// framing or break conditions. Input is pulled from the backend only when
// the guest polls an empty receiver (reads LSR, or IIR with receive
// interrupts enabled), which keeps runs deterministic: the guest sees the
// same bytes at the same instructions whatever the host's timing. For the
// same reason a partly filled FIFO reports the character-timeout interrupt
// straight away, as if the four character times had already passed.
//
// Modem lines: an attached backend asserts CTS, DSR and DCD; when its input
// ends (EOF), DCD drops -- carrier lost -- and stays down.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "devices/char_backend.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

namespace uart {
// Register offsets from the base port.
constexpr uint16_t RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2;
constexpr uint16_t LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

// IER
constexpr uint8_t IER_RDA = 0x01, IER_THRE = 0x02, IER_RLS = 0x04, IER_MS = 0x08;
// IIR: bit 0 is "no interrupt pending"; bits 1-3 say which; 6-7 mean FIFOs on.
constexpr uint8_t IIR_NONE = 0x01, IIR_MS = 0x00, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_RLS = 0x06;
constexpr uint8_t IIR_TIMEOUT = 0x0C, IIR_FIFO = 0xC0;
// FCR
constexpr uint8_t FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02, FCR_CLEAR_TX = 0x04, FCR_DMA = 0x08;
// LCR
constexpr uint8_t LCR_DLAB = 0x80;
// MCR
constexpr uint8_t MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
// LSR
constexpr uint8_t LSR_DR = 0x01, LSR_OE = 0x02, LSR_PE = 0x04, LSR_FE = 0x08, LSR_BI = 0x10;
constexpr uint8_t LSR_THRE = 0x20, LSR_TEMT = 0x40, LSR_FIFO_ERR = 0x80;
// MSR: deltas in the low nibble, line states in the high one.
constexpr uint8_t MSR_DCTS = 0x01, MSR_DDSR = 0x02, MSR_TERI = 0x04, MSR_DDCD = 0x08;
constexpr uint8_t MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80;
}  // namespace uart

class Uart16550 final : public Device, public IoHandler {
public:
    static constexpr uint16_t kCom1 = 0x3F8;
    static constexpr unsigned kFifoSize = 16;
    // Told when the interrupt output changes. As on the PC, the output only
    // reaches the interrupt controller while MCR.OUT2 is set (and not in
    // loopback mode).
    using IrqCallback = std::function<void(bool asserted)>;

    Uart16550(IoBus& io, std::unique_ptr<CharBackend> backend, uint16_t base = kCom1);
    ~Uart16550() override;

    std::string_view name() const override { return name_; }
    void reset() override;
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    void set_irq_callback(IrqCallback cb) { irq_cb_ = std::move(cb); }
    // An interrupt-driven guest (Linux) looks at the receiver only when an
    // interrupt tells it to, so the board calls this at a steady virtual
    // rate: with receive interrupts enabled, an empty receiver asks the
    // backend for a byte, which then raises its interrupt.
    void poll_receiver();
    bool irq_line() const { return irq_line_; }
    CharBackend& backend() { return *backend_; }
    uint16_t base() const { return base_; }

private:
    uint8_t read_reg(uint16_t reg);
    void write_reg(uint16_t reg, uint8_t v);

    uint8_t read_lsr();
    uint8_t read_iir();
    uint8_t read_msr();
    void write_fcr(uint8_t v);
    void write_mcr(uint8_t v);

    void pull_input();  // ask the backend for one byte if the receiver is empty
    void receive(uint8_t byte);
    uint8_t pop_rx();
    bool fifo_enabled() const { return fcr_ & uart::FCR_ENABLE; }
    unsigned rx_capacity() const { return fifo_enabled() ? kFifoSize : 1; }
    unsigned rx_trigger() const;
    bool dlab() const { return lcr_ & uart::LCR_DLAB; }

    uint8_t external_lines() const;  // CTS/DSR/DCD as the backend drives them
    void update_lines();             // recompute MSR's line states, latching deltas
    uint8_t pending_interrupt() const;  // IIR bits 0-3
    void update_irq();

    IoBus& io_;
    std::unique_ptr<CharBackend> backend_;
    uint16_t base_;
    std::string name_;
    IrqCallback irq_cb_;
    bool irq_line_ = false;

    // ---- modelled state (visit) ----
    std::array<uint8_t, kFifoSize> rx_{};  // receive FIFO, oldest first
    uint8_t rx_count_ = 0;
    uint8_t rbr_ = 0;           // last byte read (what an empty RBR returns)
    uint8_t ier_ = 0;
    uint8_t fcr_ = 0;           // FIFO enable, DMA mode and trigger bits
    uint8_t lcr_ = 0;
    uint8_t mcr_ = 0;
    uint8_t lsr_errors_ = 0;    // OE/PE/FE/BI, cleared by reading LSR
    uint8_t msr_lines_ = 0;     // MSR high nibble
    uint8_t msr_deltas_ = 0;    // MSR low nibble, cleared by reading MSR
    uint8_t scr_ = 0;
    uint8_t dll_ = 0x0C, dlm_ = 0;  // 9600 baud
    bool thre_pending_ = false;     // THR-empty interrupt not yet acknowledged
    bool carrier_ = true;           // false once the backend's input has ended
};

}  // namespace amber
