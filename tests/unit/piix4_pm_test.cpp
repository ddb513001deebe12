// The PIIX4 power-management function (ACPI fixed hardware) and the ACPI
// tables a direct kernel boot gets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "devices/piix4_pm.hpp"
#include "machine/acpi_tables.hpp"
#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"
#include "mmu/endian.hpp"

using namespace amber;

namespace {

constexpr uint16_t kBase = 0xB000;

struct Rig {
    IoBus io;
    Scheduler sched{100'000'000};
    uint64_t ticks = 0;
    std::vector<bool> sci_changes;
    int power_offs = 0;
    Piix4Pm pm{io, sched, [this] { return ticks; }, IrqLine([this](bool l) { sci_changes.push_back(l); }),
               [this] { ++power_offs; }};

    Rig() { pm.reset(); }
    // Runs virtual time forward to `t`, firing due events as the machine does.
    void advance_to(uint64_t t) {
        while (sched.next_deadline() <= t) {
            ticks = sched.next_deadline();
            sched.run_due(ticks);
        }
        ticks = t;
    }
    bool sci() const { return !sci_changes.empty() && sci_changes.back(); }
};

}  // namespace

TEST_CASE("PIIX4 PM: the PM block decodes where PMBA says once PMREGMISC enables it", "[piix4pm]") {
    Rig r;
    CHECK(r.pm.config_read(0x00, 4) == 0x71138086u);
    CHECK(r.pm.config_read(0x0A, 2) == 0x0680);        // bridge, other
    CHECK(r.pm.config_read(Piix4Pm::kPmBase, 4) == 1);  // I/O space indicator only
    CHECK(r.io.read(kBase + 8, 4) == 0xFFFFFFFFu);     // nothing there yet
    r.pm.config_write(Piix4Pm::kPmBase, kBase | 1, 4);
    CHECK(r.pm.pm_base() == 0);  // not until PMIOSE is set
    r.pm.config_write(Piix4Pm::kPmRegMisc, 1, 1);
    CHECK(r.pm.pm_base() == kBase);
    CHECK(r.io.handler_at(kBase) == &r.pm);
    CHECK(r.io.handler_at(kBase + 0x3F) == &r.pm);
    CHECK(r.io.handler_at(kBase + 0x40) == nullptr);
    // Moving it releases the old ports.
    r.pm.config_write(Piix4Pm::kPmBase, 0x600 | 1, 4);
    CHECK(r.pm.pm_base() == 0x600);
    CHECK(r.io.handler_at(kBase) == nullptr);
    CHECK(r.pm.config_read(Piix4Pm::kPmBase, 4) == 0x601u);
    // Firmware finds SMI generation on the APM port already enabled (no SMM to install).
    CHECK((r.pm.config_read(Piix4Pm::kDevActB, 4) & (1u << 25)) != 0);
    // COM1 decodes (the DSDT's COM1._STA reads bit 3 of 0x67).
    CHECK((r.pm.config_read(0x67, 1) & 0x08) != 0);
}

TEST_CASE("PIIX4 PM: a PM block overlapping another device is not decoded", "[piix4pm]") {
    Rig r;
    struct Other : IoHandler {
        uint32_t io_read(uint16_t, unsigned) override { return 0x12; }
        void io_write(uint16_t, uint32_t, unsigned) override {}
    } other;
    r.io.map(0x0060, 1, &other);
    r.pm.enable_pm_block(0x0040);  // 0x40-0x7F would cover the keyboard controller's 0x60
    CHECK(r.pm.pm_base() == 0);
    CHECK(r.io.read(0x60, 1) == 0x12);
    r.io.unmap(&other);
}

TEST_CASE("PIIX4 PM: the PM timer runs at 3.579545 MHz of virtual time, 24 bits", "[piix4pm]") {
    Rig r;
    r.pm.enable_pm_block(kBase);
    r.advance_to(0);
    CHECK(r.io.read(kBase + 8, 4) == 0);
    r.advance_to(100'000'000);  // one guest second
    CHECK(r.io.read(kBase + 8, 4) == 3'579'545u);
    r.advance_to(50'000'000);
    CHECK(r.io.read(kBase + 8, 4) == 3'579'545u / 2);  // floor(1789772.5)
    // Byte reads see the same counter.
    r.advance_to(100'000'000);
    CHECK((r.io.read(kBase + 8, 1) | r.io.read(kBase + 9, 1) << 8 | r.io.read(kBase + 10, 1) << 16) == 3'579'545u);
    CHECK(r.io.read(kBase + 11, 1) == 0);
    // It wraps at 2^24: 10 s is 35795450 cycles.
    r.advance_to(1'000'000'000);
    CHECK(r.pm.timer() == (35'795'450u & 0xFFFFFF));
}

TEST_CASE("PIIX4 PM: timer overflow status and the SCI", "[piix4pm]") {
    Rig r;
    r.pm.enable_pm_block(kBase);
    const uint64_t toggle = (uint64_t(1) << 23) * 100'000'000 / 3'579'545 + 1;  // bit 23 first set
    r.advance_to(toggle - 2);
    CHECK((r.io.read(kBase, 2) & Piix4Pm::kTmrOf) == 0);
    r.advance_to(toggle);
    CHECK((r.io.read(kBase, 2) & Piix4Pm::kTmrOf) != 0);  // status set, but nothing enabled
    CHECK_FALSE(r.sci());
    r.io.write(kBase, Piix4Pm::kTmrOf, 2);  // write 1 to clear
    CHECK((r.io.read(kBase, 2) & Piix4Pm::kTmrOf) == 0);

    // Enabled, with SCI_EN set through the ACPI enable handshake (APM port 0xB2).
    r.io.write(kBase + 2, Piix4Pm::kTmrOf, 2);
    CHECK_FALSE(r.sci());
    CHECK((r.io.read(kBase + 4, 2) & Piix4Pm::kSciEn) == 0);
    r.io.write(Piix4Pm::kApmControl, Piix4Pm::kAcpiEnable, 1);
    CHECK((r.io.read(kBase + 4, 2) & Piix4Pm::kSciEn) != 0);
    CHECK_FALSE(r.sci());
    // The next toggle (bit 23 back to 0) raises the SCI from a scheduled event.
    const uint64_t second = (uint64_t(1) << 24) * 100'000'000 / 3'579'545 + 1;
    r.advance_to(second - 2);
    CHECK_FALSE(r.sci());
    r.advance_to(second + 5);
    CHECK(r.sci());
    CHECK(r.pm.sci());
    // Clearing the status drops it.
    r.io.write(kBase, Piix4Pm::kTmrOf, 2);
    CHECK_FALSE(r.sci());
    // ACPI disable: SCI_EN off, no SCI even with the status set again.
    r.io.write(Piix4Pm::kApmControl, Piix4Pm::kAcpiDisable, 1);
    r.advance_to(second * 2);
    CHECK((r.io.read(kBase, 2) & Piix4Pm::kTmrOf) != 0);
    CHECK_FALSE(r.sci());
}

TEST_CASE("PIIX4 PM: the power button raises the SCI when enabled", "[piix4pm]") {
    Rig r;
    r.pm.enable_pm_block(kBase);
    r.io.write(kBase + 4, Piix4Pm::kSciEn, 2);
    r.io.write(kBase + 2, Piix4Pm::kPwrBtn, 2);
    r.pm.press_power_button();
    CHECK(r.sci());
    CHECK((r.io.read(kBase, 2) & Piix4Pm::kPwrBtn) != 0);
    r.io.write(kBase, Piix4Pm::kPwrBtn, 2);
    CHECK_FALSE(r.sci());
    CHECK((r.io.read(kBase, 2) & Piix4Pm::kPwrBtn) == 0);
    // Disabled: status only.
    r.io.write(kBase + 2, 0, 2);
    r.pm.press_power_button();
    CHECK_FALSE(r.sci());
    CHECK((r.io.read(kBase, 2) & Piix4Pm::kPwrBtn) != 0);
}

TEST_CASE("PIIX4 PM: SLP_EN with the S5 sleep type powers off; other types do not", "[piix4pm]") {
    Rig r;
    r.pm.enable_pm_block(kBase);
    // SLP_TYP alone does nothing.
    r.io.write(kBase + 4, Piix4Pm::kSciEn | (1u << 10), 2);
    CHECK(r.power_offs == 0);
    CHECK(r.io.read(kBase + 4, 2) == (Piix4Pm::kSciEn | (1u << 10)));
    // S3 (type 1 on this board's tables) is not modelled: ignored.
    r.io.write(kBase + 4, Piix4Pm::kSciEn | (1u << 10) | Piix4Pm::kSlpEn, 2);
    CHECK(r.power_offs == 0);
    CHECK((r.io.read(kBase + 4, 2) & Piix4Pm::kSlpEn) == 0);  // SLP_EN reads 0
    // S5: soft off.
    r.io.write(kBase + 4, Piix4Pm::kSciEn | (Piix4Pm::kS5SleepType << 10) | Piix4Pm::kSlpEn, 2);
    CHECK(r.power_offs == 1);
}

TEST_CASE("PIIX4 PM: GPE0 and the hot-plug ports read as idle", "[piix4pm]") {
    Rig r;
    CHECK(r.io.read(Piix4Pm::kGpe0Base, 2) == 0);
    r.io.write(Piix4Pm::kGpe0Base + 2, 0xFFFF, 2);
    CHECK(r.io.read(Piix4Pm::kGpe0Base + 2, 2) == 0xFFFF);
    r.io.write(Piix4Pm::kGpe0Base, 0xFFFF, 2);
    CHECK(r.io.read(Piix4Pm::kGpe0Base, 2) == 0);
    CHECK(r.io.read(Piix4Pm::kHotplugBase + 0x0C, 4) == 0);  // no removable slots
    r.pm.reset();
    CHECK(r.io.read(Piix4Pm::kGpe0Base + 2, 2) == 0);
}

namespace {

uint32_t le32_at(const std::vector<uint8_t>& v, size_t at) { return load_le<uint32_t>(v.data() + at); }

// A table at `addr` inside the image that starts at `base`.
const uint8_t* table_at(const std::vector<uint8_t>& image, uint32_t base, uint32_t addr) {
    REQUIRE(addr >= base);
    REQUIRE(addr - base + 36 <= image.size());
    return image.data() + (addr - base);
}

bool contains(const std::vector<uint8_t>& v, const std::string& s) {
    return std::search(v.begin(), v.end(), s.begin(), s.end()) != v.end();
}

}  // namespace

TEST_CASE("ACPI tables: RSDP -> RSDT -> FADT -> FACS and DSDT, checksums right", "[piix4pm][acpi]") {
    AcpiConfig cfg;
    cfg.rsdp_addr = 0xF0000;
    cfg.tables_addr = 0xE0000;
    cfg.pm_base = 0xB000;
    cfg.gpe0_base = 0xAFE0;
    cfg.smi_cmd = 0xB2;
    cfg.acpi_enable = 0xF1;
    cfg.acpi_disable = 0xF0;
    cfg.pci_mem_start = 0x80000000;
    const AcpiTables t = build_acpi_tables(cfg);

    REQUIRE(t.rsdp.size() == 20);
    CHECK(std::memcmp(t.rsdp.data(), "RSD PTR ", 8) == 0);
    CHECK(acpi_checksum(t.rsdp.data(), 20) == 0);
    const uint8_t* rsdt = table_at(t.tables, cfg.tables_addr, le32_at(t.rsdp, 16));
    CHECK(std::memcmp(rsdt, "RSDT", 4) == 0);
    const uint32_t rsdt_len = load_le<uint32_t>(rsdt + 4);
    REQUIRE(rsdt_len == 40);
    CHECK(acpi_checksum(rsdt, rsdt_len) == 0);

    const uint8_t* fadt = table_at(t.tables, cfg.tables_addr, load_le<uint32_t>(rsdt + 36));
    CHECK(std::memcmp(fadt, "FACP", 4) == 0);
    REQUIRE(load_le<uint32_t>(fadt + 4) == 116);
    CHECK(acpi_checksum(fadt, 116) == 0);
    CHECK(load_le<uint16_t>(fadt + 46) == 9);            // SCI
    CHECK(load_le<uint32_t>(fadt + 48) == 0xB2);         // SMI command port
    CHECK(fadt[52] == 0xF1);
    CHECK(load_le<uint32_t>(fadt + 56) == 0xB000);       // PM1a event
    CHECK(load_le<uint32_t>(fadt + 64) == 0xB004);       // PM1a control
    CHECK(load_le<uint32_t>(fadt + 76) == 0xB008);       // PM timer
    CHECK(load_le<uint32_t>(fadt + 80) == 0xAFE0);       // GPE0
    CHECK((fadt[88] == 4 && fadt[89] == 2 && fadt[91] == 4 && fadt[92] == 4));

    const uint32_t facs_addr = load_le<uint32_t>(fadt + 36);
    CHECK(facs_addr % 64 == 0);
    const uint8_t* facs = table_at(t.tables, cfg.tables_addr, facs_addr);
    CHECK(std::memcmp(facs, "FACS", 4) == 0);
    CHECK(load_le<uint32_t>(facs + 4) == 64);

    const uint8_t* dsdt = table_at(t.tables, cfg.tables_addr, load_le<uint32_t>(fadt + 40));
    CHECK(std::memcmp(dsdt, "DSDT", 4) == 0);
    const uint32_t dsdt_len = load_le<uint32_t>(dsdt + 4);
    REQUIRE(dsdt + dsdt_len <= t.tables.data() + t.tables.size());
    CHECK(acpi_checksum(dsdt, dsdt_len) == 0);
}

TEST_CASE("ACPI tables: the DSDT's \\_S5 package gives SLP_TYP 0, the PM device's soft off", "[piix4pm][acpi]") {
    const std::vector<uint8_t> dsdt = build_dsdt(AcpiConfig{});
    // NameOp, \_S5_, PackageOp, PkgLength 6, 4 elements, four ZeroOps.
    const std::vector<uint8_t> s5 = {0x08, 0x5C, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0};
    CHECK(std::search(dsdt.begin(), dsdt.end(), s5.begin(), s5.end()) != dsdt.end());
    CHECK(Piix4Pm::kS5SleepType == 0);
    // The PCI root bridge: Device (PCI0) with _HID EisaId ("PNP0A03").
    const std::vector<uint8_t> hid = {0x08, '_', 'H', 'I', 'D', 0x0C, 0x41, 0xD0, 0x0A, 0x03};
    CHECK(std::search(dsdt.begin(), dsdt.end(), hid.begin(), hid.end()) != dsdt.end());
    CHECK(contains(dsdt, "PCI0"));
    CHECK(contains(dsdt, "COM1"));
    AcpiConfig no_com;
    no_com.com1 = false;
    CHECK_FALSE(contains(build_dsdt(no_com), "COM1"));
}

// ---------------------------------------------------------------- on the PC board

#include "devices/pci_host.hpp"
#include "devices/pic8259.hpp"
#include "devices/piix3.hpp"
#include "machine/linux_boot.hpp"
#include "machine/machine.hpp"
#include "machine/pc.hpp"

namespace {

struct PcBoard {
    std::unique_ptr<Machine> m;
    Pc pc;
    explicit PcBoard(std::vector<uint8_t> rom = {}) {
        MachineConfig cfg;
        cfg.cpu = CpuModel::p6;
        cfg.layout = MachineConfig::Layout::Pc;
        cfg.extended_ram_bytes = 31u << 20;
        cfg.rom = std::move(rom);
        m = std::make_unique<Machine>(cfg);
        pc = build_pc(*m, PcConfig{});
        m->reset();
    }
    void cfg_write(unsigned fn, unsigned reg, uint32_t v, unsigned size) {
        m->io().write(0xCF8, 0x80000000u | 1u << 11 | fn << 8 | (reg & 0xFC), 4);
        m->io().write(static_cast<uint16_t>(0xCFC + (reg & 3)), v, size);
    }
    uint32_t cfg_read(unsigned fn, unsigned reg, unsigned size) {
        m->io().write(0xCF8, 0x80000000u | 1u << 11 | fn << 8 | (reg & 0xFC), 4);
        return m->io().read(static_cast<uint16_t>(0xCFC + (reg & 3)), size);
    }
    bool irq9() const { return pc.pic->irr(1) & 0x02; }
};

}  // namespace

TEST_CASE("PIIX4 PM on the PC: 00:01.3, SCI on IRQ 9 shared with a PIRQ, S5 ends the run", "[piix4pm]") {
    PcBoard b(std::vector<uint8_t>(128 * 1024, 0xF4));
    CHECK(b.cfg_read(3, 0, 4) == 0x71138086u);
    CHECK((b.cfg_read(0, 0x0E, 1) & 0x80) != 0);  // function 0 says the device has more
    // What SeaBIOS does.
    b.cfg_write(3, Piix4Pm::kPmBase, kBase | 1, 4);
    b.cfg_write(3, Piix4Pm::kPmRegMisc, 1, 1);
    REQUIRE(b.pc.pm->pm_base() == kBase);
    IoBus& io = b.m->io();
    io.write(0x4D1, 0x02, 1);  // IRQ 9 level-triggered, as the OS sets it for the SCI
    io.write(kBase + 2, Piix4Pm::kPwrBtn, 2);
    io.write(kBase + 4, Piix4Pm::kSciEn, 2);
    b.pc.pm->press_power_button();
    CHECK(b.irq9());
    // A PCI interrupt routed to IRQ 9 going low does not hide the SCI.
    b.cfg_write(0, Piix3Isa::kPirqRoute, 9, 1);
    auto* isa = dynamic_cast<Piix3Isa*>(b.pc.pci->function(1, 0));
    REQUIRE(isa);
    IrqLine pirq = isa->pirq(0);
    pirq.raise();
    pirq.lower();
    CHECK(b.irq9());
    io.write(kBase, Piix4Pm::kPwrBtn, 2);
    CHECK_FALSE(b.irq9());

    // Soft off: the run ends with PowerOff at the next instruction boundary.
    io.write(kBase + 4, Piix4Pm::kSciEn | Piix4Pm::kSlpEn | (Piix4Pm::kS5SleepType << 10), 2);
    const RunResult r = b.m->run(1000);
    CHECK(r.reason == StopReason::PowerOff);
    CHECK(r.exit_code == 0);
}

TEST_CASE("direct Linux boot: ACPI tables in the BIOS area, E820 marks them, PM block enabled", "[piix4pm][acpi]") {
    PcBoard b;
    // The smallest bzImage the loader accepts: a setup header and a few bytes of kernel.
    LinuxImage img;
    img.kernel.assign(0x1000, 0);
    img.kernel[0x1F1] = 4;                                   // setup sectors
    store_le<uint16_t>(img.kernel.data() + 0x1FE, 0xAA55);
    img.kernel[0x201] = 0x60;                                // header length
    store_le<uint32_t>(img.kernel.data() + 0x202, 0x53726448);  // "HdrS"
    store_le<uint16_t>(img.kernel.data() + 0x206, 0x020F);
    img.kernel[0x211] = 0x01;                                // loaded high
    store_le<uint32_t>(img.kernel.data() + 0x22C, 0x37FFFFFF);
    store_le<uint32_t>(img.kernel.data() + 0x238, 255);
    load_linux(*b.m, img);

    CHECK(b.pc.pm->pm_base() == 0xB000);
    CHECK(b.pc.pm->interrupt_line() == 9);
    PhysMemory& mem = b.m->memory();
    std::vector<uint8_t> rsdp(20);
    mem.read_block(0xF0000, rsdp);
    REQUIRE(std::memcmp(rsdp.data(), "RSD PTR ", 8) == 0);
    CHECK(acpi_checksum(rsdp.data(), 20) == 0);
    const uint32_t rsdt = le32_at(rsdp, 16);
    CHECK(rsdt >= 0xE0000);
    CHECK(rsdt < 0xF0000);
    CHECK(mem.read<uint32_t>(rsdt) == load_le<uint32_t>(reinterpret_cast<const uint8_t*>("RSDT")));
    // The zero page's E820 map has the tables' 64 KiB as ACPI data.
    const uint32_t zp = 0x7000;
    const unsigned entries = mem.read8(zp + 0x1E8);
    bool acpi_listed = false;
    for (unsigned i = 0; i < entries; ++i) {
        const uint32_t e = zp + 0x2D0 + 20 * i;
        if (mem.read<uint32_t>(e) == 0xE0000 && mem.read<uint32_t>(e + 8) == 0x10000 && mem.read<uint32_t>(e + 16) == 3)
            acpi_listed = true;
    }
    CHECK(acpi_listed);
}
