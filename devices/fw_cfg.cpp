#include "devices/fw_cfg.hpp"

#include <stdexcept>

namespace amber {

namespace {

constexpr uint16_t kSignature = 0x0000, kId = 0x0001, kCpuCount = 0x0005, kMaxCpus = 0x000F;
constexpr uint16_t kFileDir = 0x0019, kFirstFile = 0x0020;
constexpr size_t kNameBytes = 56;

void put_be(std::vector<uint8_t>& v, uint32_t x, unsigned bytes) {
    for (unsigned i = bytes; i-- > 0;) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}

}  // namespace

FwCfg::FwCfg(IoBus& io) : io_(io) {
    io_.map(kSelectorPort, 2, this);
    items_[kSignature] = {'Q', 'E', 'M', 'U'};
    items_[kId] = {1, 0, 0, 0};  // traditional interface only, no DMA
    items_[kCpuCount] = {1, 0};
    items_[kMaxCpus] = {1, 0};
    rebuild_directory();
}

FwCfg::~FwCfg() { io_.unmap(this); }

void FwCfg::reset() {
    selected_ = 0;
    offset_ = 0;
}

void FwCfg::visit(Archive& ar) {
    ar.field("selected", selected_);
    ar.field("offset", offset_);
}

void FwCfg::add_item(uint16_t key, std::vector<uint8_t> data) { items_[key] = std::move(data); }

void FwCfg::add_file(const std::string& name, std::vector<uint8_t> data) {
    if (name.size() >= kNameBytes) throw std::invalid_argument("fw_cfg file name too long: " + name);
    items_[static_cast<uint16_t>(kFirstFile + file_names_.size())] = std::move(data);
    file_names_.push_back(name);
    rebuild_directory();
}

// The directory: a big-endian count, then per file its size, key, a reserved
// word and the zero-padded name -- all big-endian, as the interface defines.
void FwCfg::rebuild_directory() {
    std::vector<uint8_t> dir;
    put_be(dir, static_cast<uint32_t>(file_names_.size()), 4);
    for (size_t i = 0; i < file_names_.size(); ++i) {
        const uint16_t key = static_cast<uint16_t>(kFirstFile + i);
        put_be(dir, static_cast<uint32_t>(items_[key].size()), 4);
        put_be(dir, key, 2);
        put_be(dir, 0, 2);
        std::string name = file_names_[i];
        name.resize(kNameBytes, '\0');
        dir.insert(dir.end(), name.begin(), name.end());
    }
    items_[kFileDir] = std::move(dir);
}

uint32_t FwCfg::io_read(uint16_t port, unsigned size) {
    if (port != kDataPort) return 0;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
        auto it = items_.find(selected_);
        uint8_t b = (it != items_.end() && offset_ < it->second.size()) ? it->second[offset_] : 0;
        ++offset_;
        v |= uint32_t(b) << (8 * i);
    }
    return v;
}

void FwCfg::io_write(uint16_t port, uint32_t value, unsigned size) {
    if (port != kSelectorPort || size < 2) return;  // the selector is a 16-bit register
    selected_ = static_cast<uint16_t>(value);
    offset_ = 0;
}

}  // namespace amber
