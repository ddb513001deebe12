// One device on an IDE channel (ATA disk, later an ATAPI CD-ROM): its own
// copy of the task file, its status and error registers, its interrupt
// request, and the data-transfer engine that both PIO and DMA use.
//
// The channel (devices/ide_channel.hpp) writes the command block registers
// to both devices, as the cable does, and reads them from the selected one;
// a command goes to the selected device's execute(). A subclass runs its
// commands with the helpers below:
//
//  - start_in(n, irq): the device has n bytes in buffer() for the host
//    (PIO data-in, or DMA to memory); start_out(n, irq): it wants n bytes.
//    Mode (PIO or DMA) is given by set_dma() before starting.
//  - when the host has moved the whole block, block_done() is called; the
//    subclass starts the next block or ends the command with finish() or
//    fail().
//
// Everything happens at once (no seek or transfer time): deterministic, and
// what drivers see from a fast disk.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "devices/disk_request.hpp"
#include "machine/archive.hpp"

namespace amber {

namespace ata {
// Status register.
constexpr uint8_t ST_ERR = 0x01, ST_DRQ = 0x08, ST_DSC = 0x10, ST_DF = 0x20, ST_DRDY = 0x40, ST_BSY = 0x80;
// Error register.
constexpr uint8_t ER_AMNF = 0x01, ER_ABRT = 0x04, ER_IDNF = 0x10, ER_UNC = 0x40;
// Device register.
constexpr uint8_t DEV_LBA = 0x40, DEV_SLAVE = 0x10;
// Device control register.
constexpr uint8_t CTL_NIEN = 0x02, CTL_SRST = 0x04, CTL_HOB = 0x80;
// Command block register numbers (offset from the base port).
constexpr unsigned REG_DATA = 0, REG_ERROR = 1, REG_FEATURE = 1, REG_COUNT = 2, REG_LBA_LOW = 3, REG_LBA_MID = 4,
                   REG_LBA_HIGH = 5, REG_DEVICE = 6, REG_STATUS = 7, REG_COMMAND = 7;
}  // namespace ata

class IdeDevice {
public:
    // The task file one device holds; each register keeps its previous
    // value too ("HOB"), for the 48-bit commands.
    struct TaskFile {
        uint8_t feature = 0, count = 0, lba_low = 0, lba_mid = 0, lba_high = 0;
        uint8_t hob_feature = 0, hob_count = 0, hob_lba_low = 0, hob_lba_mid = 0, hob_lba_high = 0;
        uint8_t device = 0, status = 0, error = 0;
    };

    virtual ~IdeDevice() = default;
    virtual std::string_view kind() const = 0;

    // ---- from the channel ----
    void write_reg(unsigned reg, uint8_t v);        // REG_FEATURE .. REG_DEVICE
    uint8_t read_reg(unsigned reg, bool hob) const; // REG_ERROR .. REG_STATUS
    void command(uint8_t cmd);                      // a command written while this device is selected
    uint16_t read_data();                           // one PIO word
    void write_data(uint16_t v);
    // Hardware or software reset (and EXECUTE DEVICE DIAGNOSTIC): the
    // transfer is dropped and the signature of the device kind loaded.
    void reset_device();
    // EXECUTE DEVICE DIAGNOSTIC (a channel-wide command): reset, and
    // interrupt when this device reports for the channel.
    void diagnose(bool interrupt) {
        reset_device();
        intrq_ = interrupt;
    }
    bool intrq() const { return intrq_; }
    void clear_intrq() { intrq_ = false; }

    // DMA: whether a DMA transfer is waiting, its direction, and the data.
    bool dma_pending() const { return active_ && dma_; }
    bool dma_to_memory() const { return to_host_; }
    // Device -> memory: copies up to out.size() bytes, returns how many.
    size_t dma_read(std::span<uint8_t> out);
    // Memory -> device: takes up to in.size() bytes, returns how many.
    size_t dma_write(std::span<const uint8_t> in);

    const TaskFile& taskfile() const { return tf_; }
    void visit(Archive& ar);

    // Reports each read/write/packet command this device starts (unit: its
    // place on the controller, 0..3).
    void set_observer(DiskObserver obs, uint8_t unit) {
        observer_ = std::move(obs);
        unit_ = unit;
    }

protected:
    virtual void execute(uint8_t cmd) = 0;
    virtual void load_signature() = 0;  // task file after reset (ATA: 01 01 00 00 00)
    virtual void block_done() = 0;      // the host moved the current block
    virtual void visit_device(Archive&) {}

    std::vector<uint8_t>& buffer() { return buf_; }
    void set_dma(bool dma) { dma_ = dma; }
    void start_in(size_t bytes, bool irq);
    void start_out(size_t bytes, bool irq);
    void finish(bool irq);  // command done: DRDY|DSC, no DRQ
    void fail(uint8_t error, bool irq = true);  // ERR with this error register
    void raise_irq() { intrq_ = true; }
    // Tells the observer (if any) about the command being executed.
    void report(bool write, uint64_t lba, uint32_t count, uint8_t command) const {
        if (observer_) observer_({unit_, command, write, lba, count});
    }
    uint8_t current_command() const { return current_command_; }

    TaskFile tf_;

private:
    void data_moved();

    std::vector<uint8_t> buf_;
    size_t pos_ = 0, len_ = 0;
    bool active_ = false;  // a block is being moved
    bool to_host_ = false;
    bool dma_ = false;
    bool intrq_ = false;
    // Not modelled state: the observer and the command execute() runs.
    DiskObserver observer_;
    uint8_t unit_ = 0;
    uint8_t current_command_ = 0;
};

}  // namespace amber
