// Converting between the virtual clock (ticks) and a device's own clock of
// `hz` cycles per second, exactly and without 128-bit arithmetic: whole
// seconds and the remainder are scaled separately (products stay below 2^64
// for rates up to 10^10 per second on either side).
#pragma once
#include <cstdint>

namespace amber {

// Device cycles completed after `ticks` ticks: floor(ticks * hz / tps).
inline uint64_t ticks_to_cycles(uint64_t ticks, uint64_t tps, uint64_t hz) {
    return ticks / tps * hz + ticks % tps * hz / tps;
}

// The first tick count at which `cycles` cycles have completed:
// ceil(cycles * tps / hz).
inline uint64_t cycles_to_ticks(uint64_t cycles, uint64_t tps, uint64_t hz) {
    uint64_t rem = cycles % hz * tps;
    return cycles / hz * tps + rem / hz + (rem % hz != 0);
}

}  // namespace amber
