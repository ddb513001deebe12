// One PCI function's configuration space (a type-0 header), as a base class
// for devices that sit on the PCI bus.
//
// The 256 bytes are stored as the guest sees them, with a write mask per bit
// (1 = the guest may change it) and a write-1-to-clear mask (status bits).
// The header is built by the constructor and the set_* calls, which a device
// makes in its own constructor; those values are also what reset_config()
// restores.
//
// Base address registers. set_bar() declares a 32-bit I/O or memory BAR of a
// power-of-two size; set_rom() declares the expansion ROM BAR. Sizing works
// through the masks as on hardware: the low bits of an address are read-only
// zeros, so writing all ones and reading back gives ~(size - 1) plus the type
// bits. Whenever the guest changes a BAR, the ROM BAR or the command
// register, the function's mapping_changed() hook runs; a device re-maps its
// ports or MMIO there, asking bar_decoded() / rom_decoded() where (if
// anywhere) its regions should now appear.
//
// Device-specific registers (0x40 and up) are declared with define_reg()
// (power-on value and write mask); after the guest writes any of them,
// device_config_written() runs with the offset and size of the access, and
// device_config_read() can supply values with side effects or computed ones.
//
// Example (a VGA with a 16 MiB framebuffer and a 64 KiB option ROM):
//
//     class PciVga : public Device, public PciFunction {
//         PciVga() : PciFunction(0x1234, 0x1111, 0x030000, 0x02) {
//             set_bar(0, 16 << 20, PciFunction::BarKind::Memory, true);
//             set_rom(64 << 10);
//         }
//         void mapping_changed() override {
//             if (auto base = bar_decoded(0)) ...map the framebuffer at *base...
//             if (auto rom = rom_decoded()) ...map the ROM image at *rom...
//         }
//     };
//
// Not modelled: 64-bit BARs, capabilities lists, bus numbers other than 0.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

#include "machine/archive.hpp"

namespace amber {

namespace pci {
// Header offsets.
constexpr uint8_t VENDOR_ID = 0x00, DEVICE_ID = 0x02, COMMAND = 0x04, STATUS = 0x06;
constexpr uint8_t REVISION = 0x08, PROG_IF = 0x09, CLASS = 0x0A, CACHE_LINE = 0x0C, LATENCY = 0x0D;
constexpr uint8_t HEADER_TYPE = 0x0E, BIST = 0x0F, BAR0 = 0x10, SUBSYS_VENDOR = 0x2C, SUBSYS_ID = 0x2E;
constexpr uint8_t ROM_BAR = 0x30, INTERRUPT_LINE = 0x3C, INTERRUPT_PIN = 0x3D;
constexpr uint8_t DEVICE_SPECIFIC = 0x40;
// Command register bits.
constexpr uint16_t CMD_IO = 0x0001, CMD_MEMORY = 0x0002, CMD_BUS_MASTER = 0x0004, CMD_PARITY = 0x0040;
constexpr uint16_t CMD_SERR = 0x0100, CMD_INTX_DISABLE = 0x0400;
// Status bits the guest clears by writing ones.
constexpr uint16_t STATUS_W1C = 0xF900;
}  // namespace pci

class PciFunction {
public:
    enum class BarKind : uint8_t { Io, Memory };

    // class_code: base class << 16 | subclass << 8 | programming interface.
    PciFunction(uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t revision);
    virtual ~PciFunction() = default;
    PciFunction(const PciFunction&) = delete;
    PciFunction& operator=(const PciFunction&) = delete;

    // ---- building the header (device constructors) ----
    // size: a power of two, at least 4 (I/O) or 16 (memory); 0 removes the BAR.
    void set_bar(unsigned index, uint32_t size, BarKind kind, bool prefetchable = false);
    void set_rom(uint32_t size);  // at least 2 KiB, a power of two; 0: no ROM
    void set_subsystem(uint16_t vendor, uint16_t id);
    void set_interrupt_pin(uint8_t pin);  // 1 = INTA# .. 4 = INTD#, 0 = none
    void set_multifunction(bool on);      // header type bit 7 (the host sets it on function 0)
    // A device-specific register (or any byte range): power-on value and writable bits.
    void define_reg(uint8_t offset, unsigned size, uint32_t value, uint32_t write_mask, uint32_t w1c_mask = 0);

    // ---- configuration cycles (from the host bridge) ----
    // size 1, 2 or 4; the access must not cross the end of the space.
    uint32_t config_read(uint8_t offset, unsigned size);
    void config_write(uint8_t offset, uint32_t value, unsigned size);

    // ---- state, for the device and for tests ----
    uint8_t cfg8(uint8_t offset) const { return cfg_[offset]; }
    uint16_t cfg16(uint8_t offset) const;
    uint32_t cfg32(uint8_t offset) const;
    uint16_t command() const { return cfg16(pci::COMMAND); }
    bool bus_master() const { return command() & pci::CMD_BUS_MASTER; }
    uint8_t interrupt_line() const { return cfg_[pci::INTERRUPT_LINE]; }
    uint32_t bar_size(unsigned index) const { return index < 6 ? bars_[index].size : 0; }
    // Where BAR index decodes now: its base when the BAR exists, its space is
    // enabled in the command register, and the base is neither 0 nor so high
    // that the region wraps (an I/O region must fit below 64 Ki). Empty otherwise.
    std::optional<uint32_t> bar_decoded(unsigned index) const;
    // Where the expansion ROM decodes now (enable bit and memory space on).
    std::optional<uint32_t> rom_decoded() const;

    // Back to the power-on header; runs mapping_changed().
    void reset_config();
    // The whole 256 bytes (restoring re-runs mapping_changed()).
    void visit_config(Archive& ar);

protected:
    // The guest changed a BAR, the ROM BAR or the command register.
    virtual void mapping_changed() {}
    // The guest wrote [offset, offset + size) of which at least one byte is at 0x40 or above.
    virtual void device_config_written(uint8_t /*offset*/, unsigned /*size*/) {}
    // Reads at 0x40 and above; default: the stored bytes.
    virtual uint32_t device_config_read(uint8_t offset, unsigned size) { return stored(offset, size); }

    uint32_t stored(uint8_t offset, unsigned size) const;
    // Set bytes directly, bypassing the masks (device-side state such as status bits).
    void set_cfg(uint8_t offset, unsigned size, uint32_t value);

private:
    struct Bar {
        uint32_t size = 0;
        BarKind kind = BarKind::Memory;
    };
    void put_default(uint8_t offset, unsigned size, uint32_t value, uint32_t wmask, uint32_t w1c = 0);

    std::array<uint8_t, 256> cfg_{};
    std::array<uint8_t, 256> power_on_{};
    std::array<uint8_t, 256> wmask_{};
    std::array<uint8_t, 256> w1c_{};
    std::array<Bar, 6> bars_{};
    uint32_t rom_size_ = 0;
};

}  // namespace amber
