// ACPI tables for a PC that boots without firmware (the direct kernel
// boot): what an OS needs to find the PIIX4 power-management registers and
// to switch the machine off. ACPI 1.0 layout, as SeaBIOS builds for QEMU:
//
//   RSDP (20 bytes, 16-byte aligned, in the BIOS area an OS scans)
//     -> RSDT -> FADT (rev 1) -> FACS, DSDT
//
// The DSDT is encoded here (no compiler, no copied AML): \_S5 (soft off,
// SLP_TYP 0), and \_SB.PCI0 -- the PCI root bridge (PNP0A03; an OS that uses
// ACPI only scans the PCI buses it describes) with its bus, I/O and memory
// windows -- holding the ISA bridge's legacy devices (keyboard, mouse, RTC,
// the serial ports present) so that their drivers find them through ACPI.
// No MADT: Amber's PC has no local or I/O APIC.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace amber {

struct AcpiConfig {
    uint32_t rsdp_addr = 0;     // where the RSDP will be, 16-byte aligned
    uint32_t tables_addr = 0;   // where the other tables start, 64-byte aligned (FACS first)
    uint16_t pm_base = 0;       // PM1a event block; PM1a control at +4, PM timer at +8
    uint16_t gpe0_base = 0;     // 4 ports: status, enable
    uint16_t smi_cmd = 0;       // 0: no ACPI enable handshake
    uint8_t acpi_enable = 0, acpi_disable = 0;
    uint8_t sci_irq = 9;
    uint32_t pci_mem_start = 0;  // PCI memory window: [start, pci_mem_end]
    uint32_t pci_mem_end = 0xFEBFFFFF;
    bool com1 = true, com2 = false;
};

struct AcpiTables {
    std::vector<uint8_t> rsdp;    // goes at rsdp_addr
    std::vector<uint8_t> tables;  // goes at tables_addr
};

AcpiTables build_acpi_tables(const AcpiConfig& cfg);

// The DSDT alone (for tests and tools).
std::vector<uint8_t> build_dsdt(const AcpiConfig& cfg);

// Sum of bytes, mod 256 (a valid table sums to 0).
uint8_t acpi_checksum(const uint8_t* data, size_t size);

}  // namespace amber
