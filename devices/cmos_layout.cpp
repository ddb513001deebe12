#include "devices/cmos_layout.hpp"

#include <algorithm>

#include "devices/rtc_cmos.hpp"

namespace amber {

namespace {
constexpr uint64_t kKiB = 1024, kMiB = 1024 * kKiB;
}

CmosLayout CmosLayout::for_ram(uint64_t below_4g, uint64_t above_4g) {
    CmosLayout l;
    l.base_memory_kib = uint16_t(std::min<uint64_t>(below_4g / kKiB, 640));
    if (below_4g > 1 * kMiB) l.extended_memory_kib = uint16_t(std::min<uint64_t>((below_4g - kMiB) / kKiB, 0xFFFF));
    if (below_4g > 16 * kMiB)
        l.memory_above_16m_64k = uint16_t(std::min<uint64_t>((below_4g - 16 * kMiB) / (64 * kKiB), 0xFFFF));
    l.memory_above_4g_64k = uint32_t(std::min<uint64_t>(above_4g / (64 * kKiB), 0xFFFFFF));
    return l;
}

void fill_pc_cmos(RtcCmos& rtc, const CmosLayout& l) {
    using namespace cmos;
    auto put16 = [&](uint8_t at, uint16_t v) {
        rtc.set_nvram(at, uint8_t(v));
        rtc.set_nvram(uint8_t(at + 1), uint8_t(v >> 8));
    };

    // Floppies: drive A in the high nibble, B in the low one.
    rtc.set_nvram(FLOPPY_TYPES, uint8_t(uint8_t(l.floppies[0]) << 4 | (uint8_t(l.floppies[1]) & 0x0F)));
    unsigned floppy_count = (l.floppies[0] != FloppyType::None) + (l.floppies[1] != FloppyType::None);

    // Equipment: bit 0 floppies present, bit 1 math coprocessor, bits 4-5
    // the initial video mode, bits 6-7 the number of floppies minus one.
    uint8_t equipment = uint8_t((floppy_count ? 0x01 : 0) | (l.fpu ? 0x02 : 0) | (l.video & 3) << 4 |
                                (floppy_count ? (floppy_count - 1) << 6 : 0));
    rtc.set_nvram(EQUIPMENT, l.equipment.value_or(equipment));

    put16(BASE_MEM_LOW, l.base_memory_kib);
    put16(EXT_MEM_LOW, l.extended_memory_kib);
    put16(EXT_MEM2_LOW, l.extended_memory_kib);
    put16(MEM_ABOVE_16M_LOW, l.memory_above_16m_64k);
    rtc.set_nvram(MEM_ABOVE_4G, uint8_t(l.memory_above_4g_64k));
    rtc.set_nvram(MEM_ABOVE_4G + 1, uint8_t(l.memory_above_4g_64k >> 8));
    rtc.set_nvram(MEM_ABOVE_4G + 2, uint8_t(l.memory_above_4g_64k >> 16));

    // Hard disks 0 and 1: type 15 in 0x12 means "see 0x19/0x1A", where 47
    // is the user-defined type whose geometry follows at 0x1B / 0x24.
    uint8_t types = 0;
    for (unsigned d = 0; d < 2; ++d) {
        const CmosDisk& disk = l.disks[d];
        uint8_t base = d == 0 ? DISK0_PARAMS : DISK1_PARAMS;
        if (!disk.present) {
            rtc.set_nvram(d == 0 ? DISK0_EXT_TYPE : DISK1_EXT_TYPE, 0);
            for (uint8_t i = 0; i < 9; ++i) rtc.set_nvram(uint8_t(base + i), 0);
            continue;
        }
        types |= uint8_t(d == 0 ? 0xF0 : 0x0F);
        rtc.set_nvram(d == 0 ? DISK0_EXT_TYPE : DISK1_EXT_TYPE, 47);
        put16(base, disk.cylinders);
        rtc.set_nvram(uint8_t(base + 2), disk.heads);
        put16(uint8_t(base + 3), 0xFFFF);                                    // no write precompensation
        rtc.set_nvram(uint8_t(base + 5), uint8_t(0xC0 | (disk.heads > 8 ? 0x08 : 0)));  // control byte
        put16(uint8_t(base + 6), disk.cylinders);                            // landing zone
        rtc.set_nvram(uint8_t(base + 8), disk.sectors);
    }
    rtc.set_nvram(DISK_TYPES, types);

    // ATA translation: two bits per drive, drives 0-3 in 0x39.
    uint8_t translation = 0;
    for (unsigned d = 0; d < 4; ++d)
        if (l.disks[d].present) translation |= uint8_t((uint8_t(l.disks[d].translation) & 3) << (2 * d));
    rtc.set_nvram(DISK_TRANSLATION, translation);

    // Boot order, SeaBIOS style: first and second device in 0x3D's low and
    // high nibbles, the third in 0x38's high nibble; 0x38 bit 0 skips the
    // floppy boot-signature check.
    rtc.set_nvram(BOOT_FLAGS2, uint8_t((uint8_t(l.boot_order[0]) & 0x0F) | (uint8_t(l.boot_order[1]) & 0x0F) << 4));
    rtc.set_nvram(BOOT_FLAGS1,
                  uint8_t((uint8_t(l.boot_order[2]) & 0x0F) << 4 | (l.check_floppy_signature ? 0 : 1)));

    if (l.century) rtc.set_nvram(CENTURY, *l.century);
    rtc.set_nvram(CPU_COUNT, uint8_t(l.cpus ? l.cpus - 1 : 0));

    // The AT checksum: the 16-bit sum of 0x10-0x2D, high byte first.
    uint16_t sum = 0;
    for (unsigned i = kChecksumFirst; i <= kChecksumLast; ++i) sum = uint16_t(sum + rtc.nvram(uint8_t(i)));
    rtc.set_nvram(CHECKSUM_HIGH, uint8_t(sum >> 8));
    rtc.set_nvram(CHECKSUM_LOW, uint8_t(sum));
}

}  // namespace amber
