// An ATA hard disk on a BlockImage (512-byte sectors).
//
// Commands: IDENTIFY DEVICE; READ/WRITE SECTORS, MULTIPLE and DMA, each
// with its 48-bit EXT form; READ VERIFY (+EXT); SET MULTIPLE MODE; FLUSH
// CACHE (+EXT); SET FEATURES (transfer mode, write cache, look-ahead);
// INITIALIZE DEVICE PARAMETERS; RECALIBRATE; SEEK; the power commands (IDLE,
// STANDBY, SLEEP and their immediate forms, CHECK POWER MODE). Anything else
// is aborted (ERR, ABRT). Addresses past the end are IDNF; image read errors
// UNC; a write to a read-only image is aborted.
//
// Geometry: 16 heads, 63 sectors per track, as many cylinders as fit (at
// most 16383), the usual translation for disks over 504 MiB; sectors past
// the last whole cylinder are reachable by LBA only. The LBA28 capacity
// saturates at 0x0FFFFFFF; the LBA48 one is the whole image.
//
// The write cache setting decides durability: with it enabled (the default)
// data goes to the host file and FLUSH CACHE calls BlockImage::flush();
// disabled, every write command is flushed before it completes.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "devices/block_image.hpp"
#include "devices/ide_device.hpp"

namespace amber {

class AtaDisk final : public IdeDevice {
public:
    static constexpr unsigned kMaxMultiple = 16;  // sectors per DRQ block in multiple mode
    static constexpr unsigned kDmaChunk = 128;    // sectors per buffer refill during DMA

    // The disk does not own the image. serial: up to 20 characters.
    AtaDisk(BlockImage& image, std::string serial = "AMBER0000000000001");

    std::string_view kind() const override { return "ata-disk"; }
    uint64_t sectors() const { return sectors_; }
    uint16_t cylinders() const { return cyls_; }
    uint8_t heads() const { return heads_; }
    uint8_t sectors_per_track() const { return spt_; }
    bool write_cache() const { return write_cache_; }
    unsigned multiple() const { return multiple_; }

    // The 256 words IDENTIFY DEVICE returns (as the disk is set up now).
    std::array<uint16_t, 256> identify_data() const;

protected:
    void execute(uint8_t cmd) override;
    void load_signature() override;
    void block_done() override;
    void visit_device(Archive& ar) override;

private:
    enum class Op : uint8_t { None, Identify, Read, Write };

    // The address the task file gives (LBA28, LBA48 or CHS); false if out of range.
    bool address(bool lba48, uint64_t& lba, uint32_t& count);
    void set_address(uint64_t lba, bool lba48);  // report where the command stopped
    void begin_rw(bool write, bool lba48, unsigned block_sectors, bool dma);
    void next_block();
    void set_features();
    void identify();

    BlockImage& image_;
    std::string serial_;
    uint64_t sectors_;
    uint16_t cyls_;
    uint8_t heads_, spt_;

    // ---- modelled state ----
    uint16_t cur_heads_, cur_spt_;  // INITIALIZE DEVICE PARAMETERS
    uint8_t multiple_ = 0;          // 0: multiple mode off
    bool write_cache_ = true;
    uint8_t pio_mode_ = 4, mwdma_mode_ = 0xFF, udma_mode_ = 2;  // 0xFF: none selected
    // the command in progress
    Op op_ = Op::None;
    bool lba48_ = false, dma_ = false;
    uint64_t lba_ = 0;       // next sector to move
    uint32_t remaining_ = 0; // sectors left
    uint32_t block_ = 0;     // sectors in the current block
    unsigned per_block_ = 1; // sectors per block
};

}  // namespace amber
