// The PIIX4's power-management function (8086:7113, function 3 of the south
// bridge, 00:01.3 on Amber's PC as on QEMU's `pc` machine): the ACPI
// fixed-hardware registers that let an OS power the machine off.
//
// Configuration space: PMBA (0x40) places the 64-port PM register block
// (bits 15:6), decoded while PMREGMISC (0x80) bit 0 is set; SMBBA (0x90) and
// SMBHSTCFG (0xD2) are kept as plain state (no SMBus controller is modelled,
// its ports stay unclaimed). DEVACTB (0x58) reports the APM control port's
// SMI as already enabled (APMC_EN): Amber has no SMM, and firmware that
// finds it off would try to install an SMI handler and wait for an SMI that
// never comes. DEVRESA/DEVRESC (0x5F, 0x67) say which legacy serial and
// parallel ports decode, as the DSDT's COM/LPT _STA methods read them.
//
// The PM block (offsets from PMBA):
//   00 PM1 status (write 1 to clear): TMROF 0, GBL 5, PWRBTN 8, RTC 10, WAK 15
//   02 PM1 enable: the same bits
//   04 PM1 control: SCI_EN 0, SLP_TYP 12:10, SLP_EN 13 (write-only)
//   08 PM timer: 24 bits at 3.579545 MHz, computed from virtual time
//   0C-3F the rest (GP status/enable, processor control, ...): read 0, writes ignored
// Fixed ports beside it, as on QEMU's PIIX4 (and named by SeaBIOS's tables):
//   B2 APM control: 0xF1 sets SCI_EN (ACPI enable), 0xF0 clears it; B3 APM status (plain byte)
//   AFE0-AFE3 GPE0 status (always 0: no general-purpose events) and enable
//   AE00-AE0F PCI hot-plug registers: read 0 (no slot can be hot-plugged)
//
// The SCI (IRQ 9, level) is high while SCI_EN is set and an enabled PM1
// status bit is set. TMROF_STS is set whenever bit 23 of the timer toggles.
// Writing SLP_EN with SLP_TYP = kS5SleepType (soft off; the value in both
// SeaBIOS's and Amber's \_S5 package) calls the power-off callback; other
// sleep states are not offered by the tables and are ignored.
#pragma once
#include <cstdint>
#include <functional>

#include "devices/irq_line.hpp"
#include "devices/pci_function.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"
#include "machine/scheduler.hpp"

namespace amber {

// Which legacy ports the board has (the DEVRES decode bits).
struct Piix4PmConfig {
    bool com1 = true, com2 = false, lpt = false;
};

class Piix4Pm final : public Device, public PciFunction, public IoHandler {
public:
    // Configuration registers.
    static constexpr uint8_t kPmBase = 0x40, kDevActB = 0x58, kDevResA = 0x5C, kDevResC = 0x64;
    static constexpr uint8_t kPmRegMisc = 0x80, kSmbBase = 0x90, kSmbHostCfg = 0xD2;
    // PM block registers and bits.
    static constexpr uint16_t kPm1Status = 0x00, kPm1Enable = 0x02, kPm1Control = 0x04, kPmTimer = 0x08;
    static constexpr uint16_t kBlockSize = 0x40;
    static constexpr uint16_t kTmrOf = 1u << 0, kGbl = 1u << 5, kPwrBtn = 1u << 8, kRtc = 1u << 10, kWak = 1u << 15;
    static constexpr uint16_t kSciEn = 1u << 0, kSlpEn = 1u << 13;
    static constexpr unsigned kS5SleepType = 0;
    // Fixed ports.
    static constexpr uint16_t kApmControl = 0xB2, kApmStatus = 0xB3, kGpe0Base = 0xAFE0, kHotplugBase = 0xAE00;
    static constexpr uint8_t kAcpiEnable = 0xF1, kAcpiDisable = 0xF0;
    static constexpr uint64_t kTimerHz = 3'579'545;
    static constexpr unsigned kSciIrq = 9;

    using Config = Piix4PmConfig;
    using Now = std::function<uint64_t()>;

    Piix4Pm(IoBus& io, Scheduler& sched, Now now, IrqLine sci, std::function<void()> power_off, Config cfg = {});
    ~Piix4Pm() override;

    std::string_view name() const override { return "piix4-pm"; }
    void reset() override;
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    // What firmware does before an OS runs (a direct kernel boot has none):
    // the PM block at `base`, decoded, and the SCI line in the header.
    void enable_pm_block(uint16_t base);
    // The ACPI power button: sets PWRBTN_STS (an SCI when enabled).
    void press_power_button();

    uint16_t pm_base() const { return mapped_; }  // 0: not decoded
    uint32_t timer() const;                       // the 24-bit PM timer now
    uint16_t pm1_status() const;
    bool sci() const { return sci_level_; }

protected:
    void device_config_written(uint8_t offset, unsigned size) override;

private:
    uint8_t read_byte(uint16_t port);
    void write_byte(uint16_t port, uint8_t value);
    uint64_t timer_cycles() const;
    void remap();
    void update_sci();
    void schedule_overflow();

    IoBus& io_;
    Scheduler& sched_;
    Now now_;
    IrqLine sci_;
    std::function<void()> power_off_;
    Config cfg_;
    Scheduler::EventId overflow_event_;
    uint16_t mapped_ = 0;
    bool sci_level_ = false;
    // ---- modelled state ----
    uint16_t status_ = 0;    // PM1 status bits other than TMROF
    uint16_t enable_ = 0;
    uint16_t control_ = 0;   // SCI_EN and SLP_TYP (SLP_EN is never stored)
    uint64_t tmrof_seen_ = 0;  // bit-23 toggles of the timer acknowledged so far
    uint16_t gpe_enable_ = 0;
    uint8_t apm_status_ = 0;
};

}  // namespace amber
