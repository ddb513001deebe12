#include "machine/pc.hpp"

#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "devices/cmos_layout.hpp"
#include "devices/debug_console.hpp"
#include "devices/dma8237.hpp"
#include "devices/floppy82077.hpp"
#include "devices/fpu_error_port.hpp"
#include "devices/fw_cfg.hpp"
#include "devices/i8042.hpp"
#include "devices/pc_misc_ports.hpp"
#include "devices/pic8259.hpp"
#include "devices/pit8254.hpp"
#include "devices/ps2_keyboard.hpp"
#include "devices/ps2_mouse.hpp"
#include "devices/rtc_cmos.hpp"
#include "devices/system_control_b.hpp"
#include "devices/uart16550.hpp"
#include "devices/vga.hpp"
#include "devices/ata_disk.hpp"
#include "devices/atapi_device.hpp"
#include "devices/ide_controller.hpp"
#include "devices/pci_host.hpp"
#include "devices/piix3.hpp"
#include "devices/piix4_pm.hpp"
#include "devices/scsi_cdrom.hpp"

namespace amber {

namespace {

// ISA interrupt lines of the standard PC devices.
constexpr unsigned kIrqPit = 0, kIrqKeyboard = 1, kIrqCom2 = 3, kIrqCom1 = 4, kIrqFloppy = 6, kIrqRtc = 8, kIrqMouse = 12, kIrqFpu = 13;
constexpr unsigned kIrqIdePrimary = 14, kIrqIdeSecondary = 15;

// Holds the disk and CD images the IDE devices read (they only refer to
// them), so the images live exactly as long as the machine. Added before
// the controller, it is destroyed after it.
class MediaBay final : public Device {
public:
    std::string_view name() const override { return "media"; }
    void reset() override {
        if (cdrom) cdrom->reset();
    }
    void visit(Archive& ar) override {
        if (cdrom) cdrom->visit(ar);
    }
    std::vector<std::unique_ptr<BlockImage>> disks;
    std::unique_ptr<ScsiCdrom> cdrom;
};

BootDevice boot_device(char c) {
    switch (c) {
    case 'a': return BootDevice::Floppy;
    case 'c': return BootDevice::HardDisk;
    case 'd': return BootDevice::Cdrom;
    default: return BootDevice::None;
    }
}

// ISA COM ports: COM1 and COM3 share IRQ 4, COM2 and COM4 IRQ 3.
struct ComPort {
    uint16_t base;
    unsigned irq;
    const char* event;
};
constexpr ComPort kComPorts[] = {
    {0x3F8, kIrqCom1, "com1-receiver"},
    {0x2F8, kIrqCom2, "com2-receiver"},
    {0x3E8, kIrqCom1, "com3-receiver"},
    {0x2E8, kIrqCom2, "com4-receiver"},
};

// Connects the UARTs the frontend added (at the COM bases) to the PIC.
void wire_serial_ports(Machine& m, Pic8259& pic) {
    std::shared_ptr<SharedIrqLine> lines[2] = {std::make_shared<SharedIrqLine>(pic.irq(kIrqCom2)),
                                               std::make_shared<SharedIrqLine>(pic.irq(kIrqCom1))};
    Scheduler& sched = m.scheduler();
    for (const auto& d : m.devices()) {
        auto* uart = dynamic_cast<Uart16550*>(d.get());
        if (!uart) continue;
        unsigned index = 0;
        while (index < std::size(kComPorts) && kComPorts[index].base != uart->base()) ++index;
        if (index == std::size(kComPorts)) continue;  // not at a COM address: not wired
        const ComPort& port = kComPorts[index];
        IrqLine line = lines[port.irq == kIrqCom1 ? 1 : 0]->input(index);
        uart->set_irq_callback([line](bool level) mutable { line.set(level); });
        // Serial input for interrupt-driven guests: the receiver is looked
        // at every millisecond of guest time (about 115 characters at
        // 115200 baud), at fixed ticks, so runs stay deterministic.
        const uint64_t period = sched.ns_to_ticks(1'000'000);
        auto id = std::make_shared<Scheduler::EventId>();
        *id = sched.add_event(port.event, [uart, &sched, id, period](uint64_t now) {
            uart->poll_receiver();
            sched.schedule(*id, now + period);
        });
        sched.schedule(*id, period);
    }
}

}  // namespace

Pc build_pc(Machine& m, PcConfig cfg) {
    if (m.config().layout != MachineConfig::Layout::Pc) throw std::logic_error("build_pc needs the PC memory layout");
    Pc pc;
    Cpu& cpu = m.cpu();
    auto now = [&cpu] { return cpu.ticks; };

    pc.pic = m.add_device(std::make_unique<Pic8259>(m.io(), [&cpu](bool level) { cpu.set_irq(level); }));
    cpu.set_interrupt_source(pc.pic);
    Pic8259& pic = *pc.pic;

    pc.pit = m.add_device(std::make_unique<Pit8254>(m.io(), m.scheduler(), now, pic.irq(kIrqPit)));
    m.add_device(std::make_unique<SystemControlB>(m.io(), m.scheduler(), now, *pc.pit));
    pc.rtc = m.add_device(std::make_unique<RtcCmos>(m.io(), m.scheduler(), now, cfg.rtc_start, pic.irq(kIrqRtc)));

    auto reset_system = [&m] { m.request_reset(); };
    auto set_a20 = [&cpu](bool on) { cpu.set_a20(on); };
    pc.keyboard = m.add_device(std::make_unique<PS2Keyboard>());
    pc.mouse = m.add_device(std::make_unique<PS2Mouse>());
    pc.kbc = m.add_device(std::make_unique<I8042>(m.io(), pc.keyboard, pc.mouse, pic.irq(kIrqKeyboard),
                                                  pic.irq(kIrqMouse), reset_system, set_a20));
    // A short gap after each read lets a DOS INT 9 hook and the BIOS both read the same byte.
    pc.kbc->set_pacing(m.scheduler(), now, m.scheduler().ns_to_ticks(1'000'000));
    m.add_device(std::make_unique<SystemControlPortA>(m.io(), reset_system, set_a20));
    pc.post = m.add_device(std::make_unique<PostCodePort>(m.io()));
    // x87 errors with CR0.NE=0: FERR# -> the port 0xF0 latch -> IRQ13.
    auto* fpu_error = m.add_device(std::make_unique<FpuErrorPort>(m.io(), pic.irq(kIrqFpu)));
    cpu.set_ferr_output([fpu_error](bool level) { fpu_error->set_ferr(level); });
    if (cfg.bios_debug) m.add_device(std::make_unique<DebugConsole>(m.io(), std::move(cfg.bios_debug), 0x402));

    pc.dma = m.add_device(std::make_unique<Dma8237>(m.io(), m.memory()));
    pc.fdc = m.add_device(std::make_unique<Floppy82077>(m.io(), m.scheduler(), now, *pc.dma, pic.irq(kIrqFloppy)));
    for (unsigned i = 0; i < 2; ++i)
        if (cfg.floppies[i]) pc.fdc->insert(i, std::move(cfg.floppies[i]));

    // PCI: the i440FX host bridge (its PAM registers switch the shadow RAM
    // at 0xC0000-0xFFFFF) and the PIIX3 with its IDE function.
    PhysMemory& mem = m.memory();
    pc.pci = m.add_device(std::make_unique<PciHost>(m.io()));
    pc.pci->set_reset_callback([&m](bool) { m.request_reset(); });
    auto* northbridge = m.add_device(std::make_unique<I440fxHost>(
        [&mem](uint32_t base, uint32_t size, bool read_ram, bool write_ram) { mem.set_shadow(base, size, read_ram, write_ram); }));
    // IRQ 9 carries the ACPI SCI and may also be a PIRQ's target: wired-OR.
    auto irq9 = std::make_shared<SharedIrqLine>(pic.irq(Piix4Pm::kSciIrq));
    auto* isa = m.add_device(std::make_unique<Piix3Isa>([&pic, pirq9 = irq9->input(0)](unsigned irq, bool level) mutable {
        if (irq == Piix4Pm::kSciIrq) pirq9.set(level);
        else pic.set_irq(irq, level);
    }));
    auto* bay = m.add_device(std::make_unique<MediaBay>());
    pc.ide = m.add_device(std::make_unique<IdeController>(m.io(), mem, pic.irq(kIrqIdePrimary), pic.irq(kIrqIdeSecondary)));
    auto* ide_function = m.add_device(std::make_unique<Piix3Ide>(m.io(), *pc.ide));
    pc.pci->add(0, 0, northbridge);
    pc.pci->add(1, 0, isa);
    pc.pci->add(1, 1, ide_function);
    // The PIIX4's power-management function, as on QEMU's pc machine: ACPI
    // soft off ends the run.
    Piix4Pm::Config pm_cfg{m.io().handler_at(0x3F8) != nullptr, m.io().handler_at(0x2F8) != nullptr, false};
    pc.pm = m.add_device(std::make_unique<Piix4Pm>(
        m.io(), m.scheduler(), now, irq9->input(1),
        [&m] { m.stop(StopReason::PowerOff, 0, "the guest powered the machine off"); }, pm_cfg));
    pc.pci->add(1, 3, pc.pm);

    CmosLayout layout = CmosLayout::for_ram(0x100000 + uint64_t(m.config().extended_ram_bytes));
    for (unsigned slot = 0; slot < 4; ++slot) {
        if (!cfg.disks[slot]) continue;
        bay->disks.push_back(std::move(cfg.disks[slot]));
        auto disk = std::make_unique<AtaDisk>(*bay->disks.back(), fmt::format("AMBER{:015}", slot + 1));
        layout.disks[slot] = CmosDisk{true, disk->cylinders(), disk->heads(), 63, DiskTranslation::Lba};
        pc.ide->attach(slot / 2, slot % 2, std::move(disk));
    }
    if (cfg.cdrom) {
        if (layout.disks[2].present) throw std::invalid_argument("the CD-ROM and a disk both want the secondary master");
        bay->cdrom = std::make_unique<ScsiCdrom>();
        bay->cdrom->insert(std::move(cfg.cdrom));
        pc.ide->attach(1, 0, std::make_unique<AtapiDevice>(std::make_unique<AtapiEngine<ScsiCdrom>>(*bay->cdrom)));
    }

    pc.vga = m.add_device(std::make_unique<Vga>(m.io(), m.memory(), now, m.scheduler().ticks_per_second()));
    pc.fw_cfg = m.add_device(std::make_unique<FwCfg>(m.io()));
    // SeaBIOS built for QEMU runs the VGA BIOS it finds as a firmware file.
    if (!cfg.vga_bios.empty()) pc.fw_cfg->add_file("vgaroms/vgabios.bin", cfg.vga_bios);
    // The firmware's boot menu, off unless asked for (as in QEMU): item 0x0E.
    pc.fw_cfg->add_item(0x000E, {uint8_t(cfg.boot_menu ? 1 : 0), 0});
    // Sleep states SeaBIOS's ACPI tables offer (bit 7 = offered): S3 and S4
    // are not, since Amber only models soft off.
    pc.fw_cfg->add_file("etc/system-states", {0x80, 0x00, 0x00, 0x01, 0x00, 0x80});

    wire_serial_ports(m, pic);

    for (unsigned i = 0; i < 2; ++i) layout.floppies[i] = static_cast<FloppyType>(pc.fdc->cmos_type(i));
    for (size_t i = 0; i < layout.boot_order.size(); ++i)
        layout.boot_order[i] = i < cfg.boot_order.size() ? boot_device(cfg.boot_order[i]) : BootDevice::None;
    fill_pc_cmos(*pc.rtc, layout);
    return pc;
}

}  // namespace amber
