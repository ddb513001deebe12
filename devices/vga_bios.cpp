// Reading the VGA BIOS image from disk.
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "devices/vga.hpp"

namespace amber {

std::vector<uint8_t> load_vga_bios(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        throw std::runtime_error(fmt::format(
            "cannot open VGA BIOS '{}' (install the seabios package, or pass another image)", path));
    }
    std::vector<uint8_t> image((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (f.bad()) throw std::runtime_error(fmt::format("cannot read VGA BIOS '{}'", path));
    // An option ROM starts 55 AA, then its length in 512-byte blocks.
    if (image.size() < 3 || image[0] != 0x55 || image[1] != 0xAA)
        throw std::runtime_error(fmt::format("'{}' is not a VGA BIOS: no 55 AA option ROM signature", path));
    if (image.size() > 0x20000)
        throw std::runtime_error(fmt::format("VGA BIOS '{}' is {} bytes; at most 128 KiB fit at 0xC0000", path,
                                             image.size()));
    return image;
}

}  // namespace amber
