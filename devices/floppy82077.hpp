// An Intel 82077AA floppy disk controller in PC/AT mode, with two drives.
//
// Ports (base 0x3F0): 0x3F2 DOR, 0x3F3 TDR, 0x3F4 MSR (read) / DSR (write),
// 0x3F5 data FIFO, 0x3F7 DIR (read) / CCR (write). 0x3F0/0x3F1 (status A/B,
// PS/2 mode only) read 0xFF. 0x3F6 is not ours: the IDE primary channel's
// alternate status lives there.
//
// Commands: READ DATA, WRITE DATA, READ TRACK, READ ID, FORMAT TRACK,
// RECALIBRATE, SEEK (absolute and relative, plus the implied seek of
// CONFIGURE's EIS bit), SENSE INTERRUPT STATUS, SENSE DRIVE STATUS, SPECIFY,
// CONFIGURE, LOCK/UNLOCK, DUMPREG, PERPENDICULAR MODE, VERSION (0x90).
// Anything else (scan, verify, deleted-data, PART ID) is invalid: one result
// byte 0x80. Multi-track, end-of-track (ST1 EN when no terminal count came)
// and the ST0-ST3 bits are those of the datasheet.
//
// Data moves through DMA channel 2 (pulled in one go when the command
// executes) or, after SPECIFY with ND=1, byte by byte through the FIFO. In
// PIO mode the interrupt line is held high while the FIFO asks for data and
// pulsed again for the result phase. A DMA channel that is masked (or the DOR
// DMA gate closed) leaves the FDC without its data: the command ends with an
// overrun (ST1 OR) rather than waiting forever. Unlike a strict PC-AT mode
// part, the DOR gate does not hold INT back: SeaBIOS leaves reset with
// DOR = 0x04 (gate closed) and waits for the reset interrupt.
//
// Media must match the data rate set through CCR/DSR (500 kbit/s for 1.2M,
// 1.44M and DMF, 250 for 720K, 250 or 300 for 360K-class media, 1 Mbit/s for
// 2.88M) and be read in MFM; otherwise the controller finds no address mark,
// which is how BIOSes and Linux sense the media type.
//
// Timing (a choice): commands without an execution phase answer at once; the
// reset interrupt, seek/recalibrate completion and every data command finish
// after a short fixed delay on the scheduler (kResetDelayNs, kSeekDelayNs,
// kDataDelayNs, never fewer than kMinDelayTicks). SeaBIOS clears its
// "interrupt seen" flag only after it has written the last command byte, so
// an interrupt raised inside that OUT would be lost; the delay keeps every
// interrupt after the guest is ready for it. Data is moved when the command
// completes, so guest memory changes at the interrupt, not before.
//
// Disk change: insert() and eject() set the drive's change line (DIR bit 7);
// a seek or recalibrate on that drive with its motor on and a disk in clears
// it. The drive type (and cmos_type()) follows the last medium inserted.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "devices/block_image.hpp"
#include "devices/disk_request.hpp"
#include "devices/irq_line.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"

namespace amber {

class Dma8237;

namespace fdc {
// Main status register.
constexpr uint8_t MSR_RQM = 0x80, MSR_DIO = 0x40, MSR_NDMA = 0x20, MSR_CB = 0x10;
// Digital output register.
constexpr uint8_t DOR_SELECT = 0x03, DOR_NRESET = 0x04, DOR_DMA_GATE = 0x08, DOR_MOTOR0 = 0x10;
// DSR
constexpr uint8_t DSR_RESET = 0x80;
// ST0: interrupt code in bits 7-6.
constexpr uint8_t ST0_ABNORMAL = 0x40, ST0_INVALID = 0x80, ST0_READY_CHANGE = 0xC0;
constexpr uint8_t ST0_SEEK_END = 0x20, ST0_EQUIPMENT = 0x10, ST0_HEAD = 0x04;
// ST1
constexpr uint8_t ST1_EN = 0x80, ST1_CRC = 0x20, ST1_OR = 0x10, ST1_ND = 0x04, ST1_NW = 0x02, ST1_MA = 0x01;
// ST2
constexpr uint8_t ST2_WC = 0x10, ST2_BC = 0x02, ST2_MD = 0x01;
// ST3
constexpr uint8_t ST3_WP = 0x40, ST3_RDY = 0x20, ST3_T0 = 0x10, ST3_TS = 0x08;
// Data rates (CCR/DSR bits 0-1).
constexpr uint8_t RATE_500K = 0, RATE_300K = 1, RATE_250K = 2, RATE_1M = 3;
}  // namespace fdc

// A floppy format recognised from an image's size.
struct FloppyFormat {
    const char* name;
    uint64_t bytes;
    uint8_t cylinders, heads, sectors;
    uint8_t cmos_type;   // the drive a BIOS should be told about
    uint8_t rate_mask;   // bit r set: readable at data rate r
};
// nullptr when no known format has that size.
const FloppyFormat* floppy_format_for_size(uint64_t bytes);

class Floppy82077 final : public Device, public IoHandler {
public:
    static constexpr uint16_t kBase = 0x3F0;
    static constexpr unsigned kDrives = 2;
    static constexpr unsigned kDmaChannel = 2;
    static constexpr uint32_t kSectorSize = 512;
    static constexpr uint64_t kResetDelayNs = 20'000;
    static constexpr uint64_t kSeekDelayNs = 100'000;
    static constexpr uint64_t kDataDelayNs = 100'000;
    static constexpr uint64_t kMinDelayTicks = 500;

    using Clock = std::function<uint64_t()>;  // the current tick (the CPU's)

    Floppy82077(IoBus& io, Scheduler& scheduler, Clock clock, Dma8237& dma, IrqLine irq, uint16_t base = kBase);
    ~Floppy82077() override;

    std::string_view name() const override { return "floppy82077"; }
    void reset() override;  // a hardware reset: DOR 0 (controller held in reset), 250 kbit/s
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    // Throws ImageError (naming the file and its size) for a size that is no
    // known floppy format, or for drive >= kDrives.
    void insert(unsigned drive, std::unique_ptr<BlockImage> image);
    void eject(unsigned drive);
    bool has_media(unsigned drive) const { return drive < kDrives && drives_[drive].image != nullptr; }
    const FloppyFormat* format(unsigned drive) const { return drive < kDrives ? drives_[drive].format : nullptr; }
    // CMOS register 0x10 nibble: 0 none, 1 360K, 2 1.2M, 3 720K, 4 1.44M, 5 2.88M.
    uint8_t cmos_type(unsigned drive) const;
    uint8_t cylinder(unsigned drive) const { return drive < kDrives ? drives_[drive].cylinder : 0; }
    bool disk_changed(unsigned drive) const { return drive < kDrives && drives_[drive].changed; }
    bool irq_level() const { return irq_out_; }
    // Reports each data command (read, write, read track, format) it starts.
    void set_observer(DiskObserver obs) { observer_ = std::move(obs); }

private:
    enum class Phase : uint8_t { Command, Execution, PioRead, PioWrite, Result };
    enum class Op : uint8_t { None, ReadData, WriteData, ReadTrack, ReadId, Format };

    struct Drive {
        std::unique_ptr<BlockImage> image;
        const FloppyFormat* format = nullptr;
        uint8_t type_cmos = 0;    // drive type, from the last medium inserted
        uint8_t max_cylinder = 0; // where the head stops when stepped outwards
        uint8_t cylinder = 0;     // physical head position
        uint8_t rotation = 0;     // sector under the head, for READ ID
        bool changed = false;     // disk change line
    };

    // Port handlers.
    uint8_t read_port(unsigned reg);
    void write_port(unsigned reg, uint8_t v);
    void write_dor(uint8_t v);
    uint8_t read_msr() const;
    uint8_t read_fifo();
    void write_fifo(uint8_t v);

    // Reset and interrupts.
    void enter_reset();
    void leave_reset();
    void raise_interrupt();          // a fresh event: the line goes (or pulses) high
    void clear_interrupt();
    void update_irq();

    // Command dispatch.
    void execute_command();
    void finish_immediate(std::initializer_list<uint8_t> result);
    void cmd_seek(bool recalibrate);
    void cmd_sense_interrupt();
    void cmd_sense_drive();
    void cmd_dumpreg();
    void start_data_command(Op op);

    // Timed completion.
    uint64_t now() const { return clock_(); }
    uint64_t delay(uint64_t ns) const;
    void reschedule();
    void on_event(uint64_t now);
    void complete_seek(unsigned drive);

    // The data engine shared by DMA and PIO.
    bool drive_usable(unsigned drive) const;
    uint8_t medium_error() const;   // ST1 bits when the medium cannot be read at all (0: fine)
    enum class Step : uint8_t { Next, EndOfCylinder, Failed };
    void start_execution();
    bool begin_sector();            // checks the ID under the head, loads the sector for reads; false: finished
    Step end_sector();              // stores a written sector, steps to the next ID
    bool end_format_sector();       // writes one formatted sector; false: finished
    void pio_block_done();
    void run_dma();
    bool reading() const { return op_ == Op::ReadData || op_ == Op::ReadTrack; }
    void finish(uint8_t st0_bits, uint8_t st1, uint8_t st2);
    uint64_t sector_offset(unsigned cyl, unsigned head, unsigned sector) const;
    void seek_drive(unsigned drive, unsigned cylinder);

    IoBus& io_;
    Scheduler& sched_;
    Clock clock_;
    DiskObserver observer_;  // not modelled state
    Dma8237& dma_;
    IrqLine irq_;
    uint16_t base_;
    Scheduler::EventId event_;
    bool irq_out_ = false;  // what the IRQ line was last set to
    std::array<Drive, kDrives> drives_;

    // ---- modelled state (visit) ----
    uint8_t dor_ = 0, tdr_ = 0, dsr_ = 0, rate_ = fdc::RATE_250K;
    uint8_t specify1_ = 0, specify2_ = 0;   // SRT/HUT, HLT/ND
    uint8_t config_ = 0x20, pretrk_ = 0, perpendicular_ = 0;
    bool locked_ = false;
    bool int_pending_ = false;              // the INT output
    bool result_clears_int_ = false;        // reading the first result byte lowers INT
    Phase phase_ = Phase::Command;
    std::array<uint8_t, 9> cmd_{};
    uint8_t cmd_len_ = 0, cmd_pos_ = 0;
    std::array<uint8_t, 10> res_{};
    uint8_t res_len_ = 0, res_pos_ = 0;
    std::array<uint8_t, 4> pcn_{};          // the controller's present cylinder numbers
    std::array<uint8_t, 4> sense_st0_{};    // pending SENSE INTERRUPT status per drive
    uint8_t sense_pending_ = 0;             // bit per drive
    uint8_t seeking_ = 0;                   // MSR drive-busy bits
    std::array<uint64_t, 4> seek_done_{};   // tick each seek completes (kNever: none)
    uint64_t reset_done_ = Scheduler::kNever;
    uint64_t exec_done_ = Scheduler::kNever;
    // The running data command.
    Op op_ = Op::None;
    uint8_t drive_ = 0, head_ = 0;          // unit and physical head
    uint8_t c_ = 0, h_ = 0, r_ = 0, n_ = 0, eot_ = 0;  // the sector ID being worked on
    bool mt_ = false;
    uint8_t format_left_ = 0, fill_ = 0;
    std::array<uint8_t, kSectorSize> buf_{};
    uint16_t buf_pos_ = 0, buf_len_ = 0;
};

}  // namespace amber
