// Direct kernel boot: loads a Linux bzImage, an optional initrd and a command
// line into a PC's memory and starts the kernel at its 32-bit entry point,
// following the 32-bit boot protocol (Documentation/arch/x86/boot.rst in the
// kernel sources): the protected-mode kernel at 1 MiB, a "zero page" of
// boot parameters with the setup header, the memory map (E820) and the
// screen, flat 4 GiB code and data segments at selectors 0x10 and 0x18, and
// ESI pointing at the zero page. No BIOS code runs: the kernel finds the
// hardware itself (PCI through configuration mechanism #1, the legacy PIC,
// IDE in compatibility mode).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace amber {

class Machine;

struct KernelError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct LinuxImage {
    std::vector<uint8_t> kernel;   // the bzImage file
    std::vector<uint8_t> initrd;   // empty: none
    std::string cmdline;
    std::string kernel_name = "kernel";  // for messages
};

// The setup header fields the loader uses, read and checked from a bzImage.
struct BzImageHeader {
    uint16_t version = 0;
    unsigned setup_sectors = 0;
    uint32_t protected_offset = 0;  // where the protected-mode kernel starts in the file
    uint32_t initrd_addr_max = 0x37FFFFFF;
    uint32_t cmdline_size = 255;
};

// Throws KernelError saying what is wrong with the file.
BzImageHeader parse_bzimage(const std::vector<uint8_t>& kernel, const std::string& name);

// Writes everything into the machine's memory and sets the CPU up at the
// kernel's entry. The machine must have been reset; call again after every
// reset to boot the kernel anew. Throws KernelError when it does not fit.
void load_linux(Machine& m, const LinuxImage& image);

}  // namespace amber
