// An ATAPI (packet) device on an IDE channel: the ATA side of a CD-ROM.
//
// This class speaks the packet protocol; the command set behind it (SCSI
// MMC) is an AtapiTarget. PACKET (A0h) takes the 12-byte command in a PIO
// data-out block, runs it on the target, then moves the data in DRQ blocks
// of at most the byte count limit the host put in LBA mid/high (PIO), or in
// one go through the bus master (DMA, feature bit 0). The interrupt reason
// in the sector count register tells the host what each DRQ block is
// (CoD: command, IO: to the host) and 03h marks the end. A failed command
// ends with ERR and the sense key in the error register's high nibble.
//
// Also: IDENTIFY PACKET DEVICE (A1h), IDENTIFY DEVICE aborted with the packet
// signature (how drivers tell ATAPI from ATA), DEVICE RESET (08h), SET
// FEATURES, the power commands; everything else is aborted.
//
// AtapiEngine<T> adapts a command engine with ScsiCdrom's interface
// (devices/scsi_cdrom.hpp) to AtapiTarget without this file knowing it.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "devices/ide_device.hpp"

namespace amber {

// What the packet protocol needs from the command set behind it.
class AtapiTarget {
public:
    struct Result {
        bool ok = false;      // false: CHECK CONDITION, sense_key() says why
        uint64_t length = 0;  // data-in bytes to pull with read_data()
    };
    virtual ~AtapiTarget() = default;
    // Bytes the host sends after this command (MODE SELECT), usually 0.
    virtual size_t data_out_length(std::span<const uint8_t> cdb) const = 0;
    virtual Result execute(std::span<const uint8_t> cdb, std::span<const uint8_t> data_out) = 0;
    // Fewer bytes than asked: the medium failed (the sense says so).
    virtual size_t read_data(std::span<uint8_t> out) = 0;
    virtual uint8_t sense_key() const = 0;
    virtual void abort_transfer() = 0;
    virtual void reset() = 0;
    virtual void visit(Archive& ar) = 0;
};

// Adapts any engine with execute/read_data/data_out_length/sense().key/
// abort_transfer/reset/visit (ScsiCdrom) to AtapiTarget. Does not own it.
template <typename Engine>
class AtapiEngine final : public AtapiTarget {
public:
    explicit AtapiEngine(Engine& e) : e_(e) {}
    size_t data_out_length(std::span<const uint8_t> cdb) const override { return e_.data_out_length(cdb); }
    Result execute(std::span<const uint8_t> cdb, std::span<const uint8_t> data_out) override {
        auto r = e_.execute(cdb, data_out);
        return {r.ok, r.length};
    }
    size_t read_data(std::span<uint8_t> out) override { return e_.read_data(out); }
    uint8_t sense_key() const override { return e_.sense().key; }
    void abort_transfer() override { e_.abort_transfer(); }
    void reset() override { e_.reset(); }
    void visit(Archive& ar) override { e_.visit(ar); }

private:
    Engine& e_;
};

class AtapiDevice final : public IdeDevice {
public:
    static constexpr uint32_t kDmaChunk = 64 * 1024;  // bytes per buffer refill during DMA

    AtapiDevice(std::unique_ptr<AtapiTarget> target, std::string model = "AMBER CD-ROM",
                std::string serial = "AMBERCD0000000000001");

    std::string_view kind() const override { return "atapi"; }
    AtapiTarget& target() { return *target_; }
    std::array<uint16_t, 256> identify_data() const;

protected:
    void execute(uint8_t cmd) override;
    void load_signature() override;
    void block_done() override;
    void visit_device(Archive& ar) override;

private:
    enum class Phase : uint8_t { None, Identify, Packet, DataOut, DataIn };
    // Interrupt reason (sector count register).
    static constexpr uint8_t kCoD = 0x01, kIo = 0x02;

    void packet_received();
    void run_command();
    void report_packet() const;
    void next_in_block();
    void done();
    void failed();
    uint32_t limit() const;  // PIO bytes per DRQ block

    std::unique_ptr<AtapiTarget> target_;
    std::string model_, serial_;
    // ---- modelled state ----
    Phase phase_ = Phase::None;
    bool dma_ = false;
    uint16_t byte_limit_ = 0;
    std::array<uint8_t, 12> cdb_{};
    std::vector<uint8_t> data_out_;
    uint64_t out_needed_ = 0;
    uint64_t in_left_ = 0;
    uint32_t block_ = 0;
    uint8_t udma_mode_ = 2, mwdma_mode_ = 0xFF;
};

}  // namespace amber
