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
    // Set whenever blocks were dropped; the CPU polls it to leave a stale block.
    bool take_invalidation() {
        bool v = invalidated_;
        invalidated_ = false;
        return v;
    }
    size_t size() const { return blocks_.size(); }

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
    bool invalidated_ = false;
};

}  // namespace amber
