#include "machine/linux_boot.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "devices/piix4_pm.hpp"
#include "machine/acpi_tables.hpp"
#include "machine/machine.hpp"
#include "mmu/endian.hpp"

namespace amber {

namespace {

// Where the loader puts things in low memory (all below the EBDA, above the
// real-mode interrupt table and BIOS data area, which stay zero).
constexpr uint32_t kGdtAddr = 0x1000;
constexpr uint32_t kZeroPage = 0x7000;
constexpr uint32_t kCmdlineAddr = 0x20000;
constexpr uint32_t kKernelAddr = 0x100000;
constexpr uint16_t kBootCs = 0x10, kBootDs = 0x18;

// Offsets in the zero page (struct boot_params) and its setup header.
namespace bp {
constexpr uint32_t kOrigX = 0x00, kOrigY = 0x01, kOrigVideoMode = 0x06, kOrigVideoCols = 0x07;
constexpr uint32_t kOrigVideoLines = 0x0E, kOrigVideoIsVga = 0x0F, kOrigVideoPoints = 0x10;
constexpr uint32_t kE820Entries = 0x1E8, kSetupHeader = 0x1F1, kE820Table = 0x2D0;
constexpr uint32_t kSetupSects = 0x1F1, kBootFlag = 0x1FE, kHeaderMagic = 0x202, kVersion = 0x206;
constexpr uint32_t kTypeOfLoader = 0x210, kLoadFlags = 0x211, kRamdiskImage = 0x218, kRamdiskSize = 0x21C;
constexpr uint32_t kCmdLinePtr = 0x228, kInitrdAddrMax = 0x22C, kCmdlineSize = 0x238;
constexpr uint8_t kLoadedHigh = 0x01;
}  // namespace bp

uint32_t le32(const std::vector<uint8_t>& v, size_t at) { return load_le<uint32_t>(v.data() + at); }
uint16_t le16(const std::vector<uint8_t>& v, size_t at) { return load_le<uint16_t>(v.data() + at); }

struct E820 {
    uint64_t base, size;
    uint32_t type;  // 1 RAM, 2 reserved, 3 ACPI tables
};

// ACPI, when the board has the PIIX4 power-management function: what
// SeaBIOS sets up on the same board (PM registers at 0xB000, the tables),
// so the kernel can power the machine off. The tables go in the BIOS area,
// which the i440FX's PAM registers switch to RAM as a BIOS would: the RSDP
// at 0xF0000 (where the kernel scans for it), the rest at 0xE0000.
constexpr uint16_t kPmBase = 0xB000;
constexpr uint32_t kAcpiTablesAddr = 0xE0000, kRsdpAddr = 0xF0000;

Piix4Pm* find_pm(Machine& m) {
    for (const auto& d : m.devices())
        if (auto* pm = dynamic_cast<Piix4Pm*>(d.get())) return pm;
    return nullptr;
}

// A configuration write through mechanism #1, as firmware makes it.
void pci_config_write8(IoBus& io, uint8_t device, uint8_t function, uint8_t reg, uint8_t value) {
    io.write(0xCF8, 0x80000000u | uint32_t(device) << 11 | uint32_t(function) << 8 | (reg & 0xFCu), 4);
    io.write(static_cast<uint16_t>(0xCFC + (reg & 3)), value, 1);
}

void install_acpi(Machine& m, Piix4Pm& pm, uint64_t ram_end) {
    pm.enable_pm_block(kPmBase);
    IoBus& io = m.io();
    pci_config_write8(io, 0, 0, 0x59, 0x30);  // PAM0: 0xF0000-0xFFFFF read/write RAM
    pci_config_write8(io, 0, 0, 0x5E, 0x33);  // PAM5: 0xE0000-0xE7FFF
    pci_config_write8(io, 0, 0, 0x5F, 0x33);  // PAM6: 0xE8000-0xEFFFF
    AcpiConfig cfg;
    cfg.rsdp_addr = kRsdpAddr;
    cfg.tables_addr = kAcpiTablesAddr;
    cfg.pm_base = kPmBase;
    cfg.gpe0_base = Piix4Pm::kGpe0Base;
    cfg.smi_cmd = Piix4Pm::kApmControl;
    cfg.acpi_enable = Piix4Pm::kAcpiEnable;
    cfg.acpi_disable = Piix4Pm::kAcpiDisable;
    cfg.sci_irq = Piix4Pm::kSciIrq;
    cfg.pci_mem_start = ram_end <= 0x80000000u ? 0x80000000u : static_cast<uint32_t>((ram_end + 0xFFFFFFF) & ~uint64_t(0xFFFFFFF));
    cfg.com1 = io.handler_at(0x3F8) != nullptr;
    cfg.com2 = io.handler_at(0x2F8) != nullptr;
    const AcpiTables t = build_acpi_tables(cfg);
    if (t.tables.size() > 0x10000) throw KernelError("the ACPI tables do not fit in 64 KiB");
    m.memory().write_block(kAcpiTablesAddr, t.tables);
    m.memory().write_block(kRsdpAddr, t.rsdp);
}

}  // namespace

BzImageHeader parse_bzimage(const std::vector<uint8_t>& k, const std::string& name) {
    auto bad = [&](const std::string& why) { return KernelError(fmt::format("kernel '{}' {}", name, why)); };
    if (k.size() < 0x1000) throw bad(fmt::format("is too small to be a bzImage ({} bytes)", k.size()));
    if (le16(k, bp::kBootFlag) != 0xAA55 || le32(k, bp::kHeaderMagic) != 0x53726448)  // "HdrS"
        throw bad("is not a Linux bzImage (no boot signature or setup header)");
    BzImageHeader h;
    h.version = le16(k, bp::kVersion);
    if (h.version < 0x0206) throw bad(fmt::format("uses boot protocol {}.{:02}; 2.06 or later is needed", h.version >> 8, h.version & 0xFF));
    if (!(k[bp::kLoadFlags] & bp::kLoadedHigh)) throw bad("is a zImage (loaded low); only bzImages are supported");
    h.setup_sectors = k[bp::kSetupSects] ? k[bp::kSetupSects] : 4;
    h.protected_offset = (h.setup_sectors + 1) * 512;
    if (h.protected_offset >= k.size()) throw bad("is truncated (its setup code runs past the end of the file)");
    h.initrd_addr_max = le32(k, bp::kInitrdAddrMax);
    h.cmdline_size = le32(k, bp::kCmdlineSize);
    return h;
}

void load_linux(Machine& m, const LinuxImage& image) {
    const BzImageHeader h = parse_bzimage(image.kernel, image.kernel_name);
    PhysMemory& mem = m.memory();
    const uint64_t ram_end = 0x100000 + uint64_t(m.config().extended_ram_bytes);
    const size_t kernel_size = image.kernel.size() - h.protected_offset;
    if (kKernelAddr + kernel_size > ram_end)
        throw KernelError(fmt::format("kernel '{}' ({} bytes) does not fit in {} MiB of RAM", image.kernel_name,
                                      image.kernel.size(), ram_end >> 20));
    if (image.cmdline.size() > h.cmdline_size)
        throw KernelError(fmt::format("the kernel command line is {} bytes; this kernel takes at most {}",
                                      image.cmdline.size(), h.cmdline_size));

    mem.write_block(kKernelAddr, std::span<const uint8_t>(image.kernel).subspan(h.protected_offset));

    std::vector<uint8_t> zero(4096, 0);
    // The setup header as the file has it, then what the loader fills in.
    const size_t header_end = 0x202 + image.kernel[0x201];
    std::copy(image.kernel.begin() + bp::kSetupHeader, image.kernel.begin() + static_cast<long>(header_end),
              zero.begin() + bp::kSetupHeader);
    zero[bp::kTypeOfLoader] = 0xFF;  // a loader without an assigned id
    store_le<uint32_t>(zero.data() + bp::kCmdLinePtr, kCmdlineAddr);
    // The initrd goes as high as the kernel allows, page aligned, leaving the
    // top 128 KiB of RAM alone as QEMU does.
    if (!image.initrd.empty()) {
        const uint64_t top = std::min<uint64_t>(uint64_t(h.initrd_addr_max) + 1, ram_end - 0x20000);
        const uint64_t kernel_end = kKernelAddr + std::max<uint64_t>(kernel_size, 0) + 0x1000000;  // room to unpack
        if (image.initrd.size() > top || ((top - image.initrd.size()) & ~uint64_t(0xFFF)) < kernel_end)
            throw KernelError(fmt::format("the initrd ({} bytes) does not fit beside the kernel in {} MiB of RAM",
                                          image.initrd.size(), ram_end >> 20));
        const uint32_t at = static_cast<uint32_t>((top - image.initrd.size()) & ~uint64_t(0xFFF));
        mem.write_block(at, image.initrd);
        store_le<uint32_t>(zero.data() + bp::kRamdiskImage, at);
        store_le<uint32_t>(zero.data() + bp::kRamdiskSize, static_cast<uint32_t>(image.initrd.size()));
    }
    // An 80x25 colour text screen, cursor at the top left.
    zero[bp::kOrigX] = 0;
    zero[bp::kOrigY] = 0;
    zero[bp::kOrigVideoMode] = 3;
    zero[bp::kOrigVideoCols] = 80;
    zero[bp::kOrigVideoLines] = 25;
    zero[bp::kOrigVideoIsVga] = 1;
    zero[bp::kOrigVideoPoints] = 16;
    Piix4Pm* pm = find_pm(m);
    if (pm) install_acpi(m, *pm, ram_end);
    // The memory map a PC BIOS reports.
    std::vector<E820> map = {{0, 0x9FC00, 1}, {0x9FC00, 0x400, 2}};
    if (pm) map.push_back({kAcpiTablesAddr, 0x10000, 3});
    map.push_back({0xF0000, 0x10000, 2});
    map.push_back({0x100000, ram_end - 0x100000, 1});
    map.push_back({0xFFFC0000, 0x40000, 2});
    zero[bp::kE820Entries] = static_cast<uint8_t>(map.size());
    for (size_t i = 0; i < map.size(); ++i) {
        uint8_t* e = zero.data() + bp::kE820Table + 20 * i;
        store_le<uint64_t>(e, map[i].base);
        store_le<uint64_t>(e + 8, map[i].size);
        store_le<uint32_t>(e + 16, map[i].type);
    }
    mem.write_block(kZeroPage, zero);

    std::vector<uint8_t> cmdline(image.cmdline.begin(), image.cmdline.end());
    cmdline.push_back(0);
    mem.write_block(kCmdlineAddr, cmdline);

    // A GDT with the flat segments the protocol names: 0x10 code, 0x18 data.
    const uint64_t gdt[4] = {0, 0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull};
    std::vector<uint8_t> gdt_bytes(sizeof gdt);
    for (size_t i = 0; i < 4; ++i) store_le<uint64_t>(gdt_bytes.data() + 8 * i, gdt[i]);
    mem.write_block(kGdtAddr, gdt_bytes);

    // What a BIOS would have done that the kernel counts on: the PIT's
    // counter 0 running at 18.2 Hz (the decompressor reads it back for
    // entropy and waits for a loaded count).
    m.io().write(0x43, 0x36, 1);
    m.io().write(0x40, 0x00, 1);
    m.io().write(0x40, 0x00, 1);

    Cpu& c = m.cpu();
    c.gdtr = {kGdtAddr, sizeof gdt - 1};
    c.idtr = {0, 0};
    c.set_cr0(c.cr0 | 1);
    c.set_segment_cache(CS, Segment{kBootCs, 0, 0xFFFFFFFFu, uint16_t(0x9B | Segment::kBig | 0x8000)});
    for (unsigned sr : {SS, DS, ES, FS, GS})
        c.set_segment_cache(sr, Segment{kBootDs, 0, 0xFFFFFFFFu, uint16_t(0x93 | Segment::kBig | 0x8000)});
    c.flags.set(0x2);  // interrupts off
    for (uint32_t& r : c.r) r = 0;
    c.r[ESI] = kZeroPage;
    c.eip = kKernelAddr;
}

}  // namespace amber
