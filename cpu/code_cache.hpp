// Pre-decoded instructions, cached by physical address. A block is a run of
// instructions inside one physical page that ends at a control transfer (or
// the page end). Blocks are found by (physical address, decode mode); when a
// page that holds blocks is written -- by the CPU or by DMA -- its blocks are
// dropped. Dropped blocks are kept until the CPU is between blocks, because
// the running block may be the one that wrote its own page.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "cpu/insn.hpp"
#include "mmu/phys_memory.hpp"

namespace amber {

struct Block {
    uint64_t key = 0;          // physical address | decode mode << 32
    uint32_t byte_len = 0;     // bytes of guest code the block covers
    bool valid = true;
    std::vector<Insn> insns;

    // Chaining: the blocks that followed this one last time (a taken and a
    // fall-through successor), so the common case skips the cache lookup.
    // A link is trusted only while the cache epoch is unchanged (nothing was
    // invalidated or remapped) and CS is the same.
    struct Link {
        Block* block = nullptr;
        uint32_t eip = 0, cs_base = 0, cs_limit = 0;
        uint64_t epoch = 0;
    };
    Link links[2];
    unsigned next_link = 0;

    Block* successor(uint32_t eip, uint32_t cs_base, uint32_t cs_limit, uint64_t epoch) const {
        for (const Link& l : links)
            if (l.block && l.epoch == epoch && l.eip == eip && l.cs_base == cs_base && l.cs_limit == cs_limit)
                return l.block;
        return nullptr;
    }
    void remember(Block* b, uint32_t eip, uint32_t cs_base, uint32_t cs_limit, uint64_t epoch) {
        links[next_link] = {b, eip, cs_base, cs_limit, epoch};
        next_link ^= 1;
    }
};

class CodeCache final : public CodeWriteListener {
public:
    static uint64_t make_key(uint32_t phys, uint32_t mode) { return (uint64_t(mode) << 32) | phys; }

    Block* find(uint64_t key) {
        Slot& s = fast_[hash(key)];
        if (s.key == key && s.block) return s.block;
        auto it = blocks_.find(key);
        if (it == blocks_.end()) return nullptr;
        s = {key, it->second.get()};
        return s.block;
    }
    Block* insert(std::unique_ptr<Block> b);
    void code_page_written(uint32_t page_number) override;
    void flush();
    // Frees blocks dropped since the last call; only call between blocks.
    void release_retired() { retired_.clear(); }
    size_t size() const { return blocks_.size(); }
    // Changes whenever blocks are dropped or the address mapping changes;
    // chained links from an older epoch are never followed.
    uint64_t epoch() const { return epoch_; }
    void bump_epoch() { ++epoch_; }

private:
    struct Slot {
        uint64_t key = ~uint64_t(0);
        Block* block = nullptr;
    };
    static size_t hash(uint64_t key) { return (key ^ (key >> 11) ^ (key >> 32)) & (kFastSlots - 1); }
    static constexpr size_t kFastSlots = 4096;

    std::array<Slot, kFastSlots> fast_{};
    std::unordered_map<uint64_t, std::unique_ptr<Block>> blocks_;
    std::unordered_map<uint32_t, std::vector<uint64_t>> by_page_;
    std::vector<std::unique_ptr<Block>> retired_;
    uint64_t epoch_ = 1;
};

}  // namespace amber
