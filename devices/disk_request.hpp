// What a disk controller reports to an observer (the trace recorder) for
// each command it starts: which drive, what command, where and how much.
// Observers see the request only; setting none costs one empty check.
#pragma once
#include <cstdint>
#include <functional>

namespace amber {

struct DiskRequest {
    // 0..3 IDE primary master, primary slave, secondary master, secondary
    // slave (a disk or the CD); 4 and 5 floppy drives A and B.
    uint8_t unit = 0;
    uint8_t command = 0;   // ATA command byte, SCSI opcode (ATAPI), floppy command (low 5 bits)
    bool write = false;
    // ATA: the LBA; ATAPI: the CDB's LBA (READ/WRITE 10 and 12, else 0);
    // floppy: cylinder << 16 | head << 8 | sector.
    uint64_t lba = 0;
    uint32_t count = 0;    // sectors (ATAPI: the CDB's transfer length)
};

using DiskObserver = std::function<void(const DiskRequest&)>;

namespace disk_unit {
constexpr uint8_t kFloppyA = 4;
}

}  // namespace amber
