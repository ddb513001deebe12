// The PC's CMOS RAM layout as a BIOS reads it (the AT standard bytes plus
// the ones SeaBIOS takes from emulators: memory above 16 MiB and above
// 4 GiB, boot order, ATA translation, CPU count). fill_pc_cmos() writes a
// layout into an RtcCmos and sets the checksum over 0x10-0x2D at 0x2E/0x2F.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

namespace amber {

class RtcCmos;

namespace cmos {
constexpr uint8_t FLOPPY_TYPES = 0x10, DISK_TYPES = 0x12, EQUIPMENT = 0x14;
constexpr uint8_t BASE_MEM_LOW = 0x15, BASE_MEM_HIGH = 0x16, EXT_MEM_LOW = 0x17, EXT_MEM_HIGH = 0x18;
constexpr uint8_t DISK0_EXT_TYPE = 0x19, DISK1_EXT_TYPE = 0x1A, DISK0_PARAMS = 0x1B, DISK1_PARAMS = 0x24;
constexpr uint8_t CHECKSUM_HIGH = 0x2E, CHECKSUM_LOW = 0x2F;
constexpr uint8_t EXT_MEM2_LOW = 0x30, EXT_MEM2_HIGH = 0x31, CENTURY = 0x32;
constexpr uint8_t MEM_ABOVE_16M_LOW = 0x34, MEM_ABOVE_16M_HIGH = 0x35;
constexpr uint8_t BOOT_FLAGS1 = 0x38, DISK_TRANSLATION = 0x39, BOOT_FLAGS2 = 0x3D;
constexpr uint8_t MEM_ABOVE_4G = 0x5B;  // 0x5B-0x5D
constexpr uint8_t CPU_COUNT = 0x5F;
constexpr uint8_t kChecksumFirst = 0x10, kChecksumLast = 0x2D;
}  // namespace cmos

enum class FloppyType : uint8_t { None = 0, K360 = 1, M1_2 = 2, K720 = 3, M1_44 = 4, M2_88 = 5 };
enum class BootDevice : uint8_t { None = 0, Floppy = 1, HardDisk = 2, Cdrom = 3, Network = 4 };
// SeaBIOS's ATA geometry translation values.
enum class DiskTranslation : uint8_t { None = 0, Lba = 1, Large = 2, Rechs = 3 };

struct CmosDisk {
    bool present = false;
    uint16_t cylinders = 0;
    uint8_t heads = 0;
    uint8_t sectors = 0;
    DiskTranslation translation = DiskTranslation::Lba;
};

struct CmosLayout {
    uint16_t base_memory_kib = 640;
    uint16_t extended_memory_kib = 0;      // 1 MiB up to 64 MiB (0x17/0x18 and 0x30/0x31)
    uint16_t memory_above_16m_64k = 0;     // 64 KiB units above 16 MiB, below 4 GiB (0x34/0x35)
    uint32_t memory_above_4g_64k = 0;      // 64 KiB units above 4 GiB, 24 bits (0x5B-0x5D)
    std::array<FloppyType, 2> floppies{};
    bool fpu = true;
    uint8_t video = 0;                      // equipment bits 4-5: 0 = EGA/VGA, 2 = CGA 80 columns, 3 = MDA
    std::optional<uint8_t> equipment;       // overrides the byte derived from the fields above
    std::array<CmosDisk, 4> disks{};        // ATA 0-3 (primary master/slave, secondary master/slave);
                                            // geometry in CMOS for the first two only
    std::array<BootDevice, 3> boot_order{BootDevice::Floppy, BootDevice::HardDisk, BootDevice::Cdrom};
    bool check_floppy_signature = true;     // SeaBIOS: refuse to boot a floppy without 55AA
    std::optional<uint8_t> century;         // BCD; unset keeps what the clock set
    uint8_t cpus = 1;                       // 0x5F holds the count minus one

    // The memory fields for `below_4g` bytes of RAM from address 0 and
    // `above_4g` bytes from 4 GiB, as a PC BIOS expects them.
    static CmosLayout for_ram(uint64_t below_4g, uint64_t above_4g = 0);
};

void fill_pc_cmos(RtcCmos& rtc, const CmosLayout& layout);

}  // namespace amber
