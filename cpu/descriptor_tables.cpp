#include "cpu/descriptor_tables.hpp"

namespace amber {

namespace {

// Linear address of the entry, or nothing when its last byte is past the limit.
std::optional<uint32_t> entry_address(const DescriptorTables& t, uint16_t sel) {
    const uint32_t last = uint32_t(sel) | 7;
    if (selector::in_ldt(sel)) {
        if (!t.ldt_valid || last > t.ldt_limit) return std::nullopt;
        return t.ldt_base + (sel & 0xFFF8u);
    }
    if (last > t.gdt_limit) return std::nullopt;
    return t.gdt_base + (sel & 0xFFF8u);
}

}  // namespace

std::optional<FetchedDescriptor> peek_descriptor(const DescriptorTables& t, uint16_t sel) {
    const auto address = entry_address(t, sel);
    if (!address) return std::nullopt;
    return FetchedDescriptor{t.decode(t.read64(*address)), *address};
}

Checked<FetchedDescriptor> fetch_descriptor(const DescriptorTables& t, uint16_t sel, uint8_t vector, bool ext) {
    if (auto f = peek_descriptor(t, sel)) return *f;
    return fault_with_error(vector, selector_error(sel, ext));
}

SegmentLoad load_from(uint16_t sel, const FetchedDescriptor& f) {
    SegmentLoad load;
    load.cache = segment_cache(sel, f.desc);
    if (needs_accessed_writeback(f.desc)) {
        load.cache.attr |= access_bits::kAccessed;
        load.write_access_byte = true;
        load.access_byte_address = f.address + kAccessByteOffset;
    }
    return load;
}

}  // namespace amber
