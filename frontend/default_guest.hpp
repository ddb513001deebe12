// Where `amber run` finds its default guest: Debian's i386 Linux kernel, the
// busybox initramfs and the syslinux disk that roms/guest/build-images.sh
// (run by setup.sh) builds from Debian packages. Not embedded in the binary:
// they are tens of MiB and rebuilt from packages, never committed.
#pragma once
#include <string>

namespace amber::cli {

struct DefaultGuest {
    std::string dir;
    std::string kernel, initrd, disk;
    std::string cmdline;         // the kernel command line syslinux uses too
    std::string kernel_version;  // e.g. 6.1.0-50-686 (empty when unknown)
};

// $AMBER_GUEST_DIR, else the directory setup.sh builds into (fixed at build
// time). Throws std::runtime_error naming what is missing and how to build it.
DefaultGuest find_default_guest();

}  // namespace amber::cli
