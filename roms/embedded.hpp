// ROM images built into the amber binary (assembled from roms/*.asm at
// build time, never committed as binaries).
#pragma once
#include <cstdint>
#include <span>

namespace amber::roms {

// The embedded monitor guest (roms/monitor_guest.asm): a 64 KiB ROM with a
// small serial monitor that runs on the bare machine, no BIOS needed.
std::span<const uint8_t> monitor_guest();

}  // namespace amber::roms
