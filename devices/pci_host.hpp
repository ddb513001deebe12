// The PCI host: configuration mechanism #1 and bus 0.
//
// Ports: 0xCF8 is the 32-bit CONFIG_ADDRESS register (bit 31 enable, bus,
// device, function, register); 0xCFC-0xCFF is CONFIG_DATA, read and written
// as bytes, words or a dword at the register selected by CONFIG_ADDRESS plus
// the port's offset. An access to an empty slot, to another bus, or with the
// enable bit clear reads all ones and writes nothing. Byte and word accesses
// to 0xCF8-0xCFB are not configuration cycles (they would reach the ISA bus);
// the one exception modelled is the PIIX3's reset control register at 0xCF9:
// writing it with bit 2 set calls the reset callback (bit 1 = hard reset).
//
// Devices add their functions with add(); a device that has functions other
// than 0 gets the multi-function bit in function 0's header type.
//
// I440fxHost is the i440FX host bridge (8086:1237) at 00.0. Its PAM registers
// (0x59-0x5F) route reads and writes of 0xC0000-0xFFFFF to DRAM or to the
// bus (the BIOS ROM) per 16 KiB (64 KiB for 0xF0000); each change is handed
// to the board's PamSink, which normally calls PhysMemory::set_shadow().
// SMRAM (0x72) is kept as plain state (no SMM in Amber).
#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include "devices/pci_function.hpp"
#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

class PciHost final : public Device, public IoHandler {
public:
    static constexpr uint16_t kAddressPort = 0xCF8, kDataPort = 0xCFC, kResetControl = 0xCF9;
    using ResetCallback = std::function<void(bool hard)>;

    explicit PciHost(IoBus& io);
    ~PciHost() override;

    std::string_view name() const override { return "pci-host"; }
    void reset() override;  // CONFIG_ADDRESS (each function's device resets its own header)
    void visit(Archive& ar) override;

    // device < 32, function < 8; the slot must be free. The host does not own f.
    void add(uint8_t device, uint8_t function, PciFunction* f);
    PciFunction* function(uint8_t device, uint8_t function) const;
    void set_reset_callback(ResetCallback cb) { reset_cb_ = std::move(cb); }

    // Configuration cycles by number (tests, the debugger, board code).
    uint32_t config_read(uint8_t device, uint8_t function, uint8_t offset, unsigned size);
    void config_write(uint8_t device, uint8_t function, uint8_t offset, uint32_t value, unsigned size);

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

private:
    PciFunction* selected() const;

    IoBus& io_;
    std::array<PciFunction*, 32 * 8> slots_{};
    ResetCallback reset_cb_;
    // ---- modelled state ----
    uint32_t address_ = 0;
    uint8_t reset_control_ = 0;
};

class I440fxHost final : public Device, public PciFunction {
public:
    static constexpr uint8_t kPam0 = 0x59, kSmram = 0x72;
    // One PAM segment changed: [base, base + size) now reads from RAM when
    // read_ram (else the bus) and writes to RAM when write_ram (else the bus).
    using PamSink = std::function<void(uint32_t base, uint32_t size, bool read_ram, bool write_ram)>;

    explicit I440fxHost(PamSink sink = {});

    std::string_view name() const override { return "i440fx"; }
    void reset() override;  // all PAM segments back to the bus (ROM), told to the sink
    void visit(Archive& ar) override;

    // The route of the segment holding pa (0xC0000-0xFFFFF): bit 0 read RAM, bit 1 write RAM.
    uint8_t pam_route(uint32_t pa) const;

protected:
    void device_config_written(uint8_t offset, unsigned size) override;

private:
    void apply_pam(bool all);

    PamSink sink_;
    std::array<uint8_t, 7> applied_{};  // PAM values last handed to the sink
};

}  // namespace amber
