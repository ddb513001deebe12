// The Intel 8042 keyboard controller of a PC/AT with a PS/2 mouse port:
// data port 0x60, status (read) and command (write) port 0x64.
//
// Modelled: the status register (OBF, system flag, command/data, keyboard
// unlocked, AUX OBF, timeout), the 32 bytes of controller RAM with the
// command byte at 0 (interrupt enables, system flag, port disables, set 2 ->
// set 1 translation), the controller commands a BIOS, Linux or Windows use
// (20-3F/60-7F RAM, A4 password test, A7/A8/A9 aux port, AA self test, AB
// keyboard port test, AD/AE keyboard port, C0 input port, D0/D1 output
// port, D2/D3 fake keyboard/aux bytes, D4 to the mouse, DD/DF A20, F0-FF
// pulse the output port), the output port's reset and A20 lines, and IRQ1 /
// IRQ12, which follow "output buffer full" while their enable bit is set.
//
// Bytes reach the output buffer one at a time and only once the guest has
// read the previous one: controller replies first, then the keyboard, then
// the mouse. Commands act at once (IBF always reads 0). A device that is
// not plugged in (a null pointer) answers a write with timeout and FE.
//
// By default the next byte is in the buffer right after a read. With
// set_pacing() it follows only after a gap of virtual time, as on a real
// PS/2 line (about 1 ms a byte): DOS programs that hook INT 9 read port
// 0x60 and then chain to the BIOS, which reads it again and must see the
// same byte.
//
// The reset line and the A20 gate are the board's: reset_system() runs
// when the guest pulses or writes the reset line low, set_a20() on every
// write of the A20 bit (the last writer -- this or port 0x92 -- wins).
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <functional>

#include "devices/irq_line.hpp"
#include "devices/ps2_device.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"

namespace amber {

namespace i8042 {
// Status register (port 0x64, read).
constexpr uint8_t ST_OBF = 0x01, ST_IBF = 0x02, ST_SYS = 0x04, ST_CMD = 0x08, ST_UNLOCKED = 0x10;
constexpr uint8_t ST_AUX_OBF = 0x20, ST_TIMEOUT = 0x40, ST_PARITY = 0x80;
// Command byte (controller RAM byte 0).
constexpr uint8_t CB_KBD_INT = 0x01, CB_AUX_INT = 0x02, CB_SYS = 0x04, CB_KBD_DISABLE = 0x10;
constexpr uint8_t CB_AUX_DISABLE = 0x20, CB_TRANSLATE = 0x40;
// Output port (D0/D1).
constexpr uint8_t OUT_RESET = 0x01, OUT_A20 = 0x02, OUT_KBD_OBF = 0x10, OUT_AUX_OBF = 0x20;
}  // namespace i8042

class I8042 final : public Device, public IoHandler {
public:
    static constexpr uint16_t kDataPort = 0x60, kStatusPort = 0x64;
    // As a BIOS leaves it: keyboard interrupt and translation on, mouse port off.
    static constexpr uint8_t kPowerOnCommandByte = i8042::CB_KBD_INT | i8042::CB_AUX_DISABLE | i8042::CB_TRANSLATE;
    // Every pin high (not in reset, A20 on, clock and data lines idle).
    static constexpr uint8_t kPowerOnOutputPort = 0xCF;

    I8042(IoBus& io, PS2Device* keyboard, PS2Device* mouse, IrqLine irq1, IrqLine irq12,
          std::function<void()> reset_system, std::function<void(bool)> set_a20);
    ~I8042() override;

    std::string_view name() const override { return "i8042"; }
    void reset() override;
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    // `now` gives the current tick (the CPU's); 0 ticks turns pacing off.
    // The scheduler must outlive the controller (the Machine's does).
    void set_pacing(Scheduler& sched, std::function<uint64_t()> now, uint64_t gap_ticks);

    uint8_t status() const;
    uint8_t command_byte() const { return ram_[0]; }
    uint8_t output_port() const;
    bool irq1() const { return irq1_level_; }
    bool irq12() const { return irq12_level_; }

private:
    uint8_t read_data();
    void write_command(uint8_t cmd);
    void write_data(uint8_t value);
    void command_data(uint8_t cmd, uint8_t value);
    void write_output_port(uint8_t value);
    void to_device(PS2Device* dev, uint8_t value, bool aux);
    void reply(uint8_t byte, bool aux = false);  // a controller answer, before device bytes
    void service();  // fill an empty output buffer from the queues
    void start_gap();
    void end_gap();
    void update_irqs();

    IoBus& io_;
    PS2Device* keyboard_;
    PS2Device* mouse_;
    IrqLine irq1_, irq12_;
    std::function<void()> reset_system_;
    std::function<void(bool)> set_a20_;
    bool irq1_level_ = false, irq12_level_ = false;
    bool servicing_ = false;
    Scheduler* sched_ = nullptr;
    std::function<uint64_t()> now_;
    uint64_t gap_ = 0;
    Scheduler::EventId gap_event_ = 0;

    // ---- modelled state (visit) ----
    std::array<uint8_t, 32> ram_{};
    uint8_t out_ = 0;            // the output buffer (port 0x60 reads it)
    bool obf_ = false;
    bool aux_obf_ = false;       // the buffer's byte came from the mouse port
    bool timeout_ = false;
    bool sys_ = false;           // status bit 2
    bool last_was_command_ = true;
    uint8_t pending_ = 0;        // command whose data byte is next on port 0x60
    uint8_t output_port_ = kPowerOnOutputPort;
    bool break_prefix_ = false;  // translation saw F0: the next byte is a release
    bool in_gap_ = false;        // paced: the buffer stays empty a moment after a read
    std::deque<uint8_t> replies_;  // controller answers: byte, then 1 if aux
};

}  // namespace amber
