#include "cpu/code_cache.hpp"

namespace amber {

Block* CodeCache::insert(std::unique_ptr<Block> b) {
    Block* raw = b.get();
    by_page_[static_cast<uint32_t>(b->key) >> kPageBits].push_back(b->key);
    fast_[hash(b->key)] = {b->key, raw};
    blocks_[b->key] = std::move(b);
    return raw;
}

void CodeCache::code_page_written(uint32_t page_number) {
    auto it = by_page_.find(page_number);
    if (it == by_page_.end()) return;
    for (uint64_t key : it->second) {
        auto bit = blocks_.find(key);
        if (bit == blocks_.end()) continue;
        bit->second->valid = false;
        Slot& s = fast_[hash(key)];
        if (s.key == key) s = Slot{};
        retired_.push_back(std::move(bit->second));
        blocks_.erase(bit);
    }
    by_page_.erase(it);
    ++epoch_;
}

void CodeCache::flush() {
    for (auto& [key, block] : blocks_) {
        block->valid = false;
        retired_.push_back(std::move(block));
    }
    blocks_.clear();
    by_page_.clear();
    fast_.fill(Slot{});
    ++epoch_;
}

}  // namespace amber
