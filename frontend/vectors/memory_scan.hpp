// Finds nonzero bytes in guest RAM quickly (eight bytes per compare), for the
// stray-write checks: the runner keeps all memory zero between tests.
#pragma once
#include <cstdint>
#include <cstring>

#include "mmu/phys_memory.hpp"

namespace amber::vectors {

// Calls fn(address, value) for every nonzero byte in [begin, end) backed by RAM.
template <typename Fn>
void for_each_nonzero_byte(const PhysMemory& mem, uint32_t begin, uint32_t end, Fn&& fn) {
    for (uint64_t page = begin & ~uint64_t(kPageMask); page < end; page += kPageSize) {
        const uint8_t* host = mem.slot(static_cast<uint32_t>(page)).host;
        if (!host) continue;
        for (uint32_t off = 0; off < kPageSize; off += 8) {
            uint64_t word;
            std::memcpy(&word, host + off, 8);
            if (!word) continue;
            for (uint32_t i = 0; i < 8; ++i) {
                uint64_t addr = page + off + i;
                if (host[off + i] && addr >= begin && addr < end) fn(static_cast<uint32_t>(addr), host[off + i]);
            }
        }
    }
}

}  // namespace amber::vectors
