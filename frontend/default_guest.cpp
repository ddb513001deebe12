#include "frontend/default_guest.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#ifndef AMBER_DEFAULT_GUEST_DIR
#define AMBER_DEFAULT_GUEST_DIR "build/guest"
#endif

namespace amber::cli {

namespace {

std::string first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

}  // namespace

DefaultGuest find_default_guest() {
    DefaultGuest g;
    const char* env = std::getenv("AMBER_GUEST_DIR");
    g.dir = env && *env ? env : AMBER_DEFAULT_GUEST_DIR;
    g.kernel = g.dir + "/vmlinuz";
    g.initrd = g.dir + "/initrd.img";
    g.disk = g.dir + "/disk.img";
    for (const std::string* file : {&g.kernel, &g.initrd, &g.disk})
        if (!std::filesystem::is_regular_file(*file))
            throw std::runtime_error(fmt::format(
                "the default guest is not built ({} is missing): run ./setup.sh or roms/guest/build-images.sh "
                "(or give --machine bare for the small embedded ROM guest)",
                *file));
    g.cmdline = first_line(g.dir + "/cmdline");
    // The guest's user shell is on the last console= (the serial port).
    if (g.cmdline.empty()) g.cmdline = "console=tty0 console=ttyS0,115200n8 quiet cryptomgr.notests";
    g.kernel_version = first_line(g.dir + "/kernel-version");
    return g;
}

}  // namespace amber::cli
