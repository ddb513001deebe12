#include "frontend/vectors/moo_reader.hpp"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace amber::vectors {

namespace {

// Bounds-checked little-endian reads over one chunk's payload.
class Cursor {
public:
    Cursor(std::string_view data, size_t base, const std::string& origin, std::string_view what)
        : data_(data), base_(base), origin_(origin), what_(what) {}

    bool at_end() const { return pos_ >= data_.size(); }
    size_t offset() const { return base_ + pos_; }  // from the start of the file

    uint8_t u8() { return static_cast<uint8_t>(take(1)[0]); }
    uint16_t u16() { return static_cast<uint16_t>(le(take(2), 2)); }
    uint32_t u32() { return static_cast<uint32_t>(le(take(4), 4)); }
    std::string_view bytes(size_t n) { return take(n); }

    // The next chunk: its id and a cursor over its payload.
    std::pair<std::string_view, Cursor> chunk() {
        std::string_view head = take(8, Part::ChunkHeader);
        std::string_view id = head.substr(0, 4);
        uint32_t len = static_cast<uint32_t>(le(head.substr(4), 4));
        size_t start = pos_;
        take(len, Part::Payload, id);
        return {id, Cursor(data_.substr(start, len), base_ + start, origin_, id)};
    }

private:
    enum class Part { Field, ChunkHeader, Payload };

    // `part` and `id` only describe a failure.
    std::string_view take(size_t n, Part part = Part::Field, std::string_view id = {}) {
        if (n > data_.size() - pos_) fail(n, part, id);
        std::string_view v = data_.substr(pos_, n);
        pos_ += n;
        return v;
    }
    [[noreturn]] void fail(size_t n, Part part, std::string_view id) const {
        std::string container = what_.empty() ? "the file" : fmt::format("the '{}' chunk", what_);
        std::string what = part == Part::Payload       ? fmt::format("'{}' chunk", id)
                           : part == Part::ChunkHeader ? "chunk header in " + container
                                                       : "field of " + container;
        throw std::runtime_error(fmt::format("{}: truncated {} at offset {} (needs {} bytes, {} left)", origin_, what,
                                             base_ + pos_, n, data_.size() - pos_));
    }
    static uint64_t le(std::string_view b, unsigned n) {
        uint64_t v = 0;
        for (unsigned i = 0; i < n; ++i) v |= uint64_t(static_cast<uint8_t>(b[i])) << (8 * i);
        return v;
    }

    std::string_view data_;
    size_t base_;
    size_t pos_ = 0;
    const std::string& origin_;
    std::string_view what_;
};

// Register order of REGS/RMSK bitmasks and of RG32/RM32 bitmasks.
constexpr Field kRegsOrder[] = {Field::EAX, Field::EBX, Field::ECX, Field::EDX, Field::CS, Field::SS, Field::DS,
                                Field::ES,  Field::ESP, Field::EBP, Field::ESI, Field::EDI, Field::EIP, Field::EFLAGS};
constexpr int kNone = -1;
constexpr int kRg32Order[] = {kNone,
                              kNone,  // cr0, cr3
                              int(Field::EAX), int(Field::EBX), int(Field::ECX), int(Field::EDX), int(Field::ESI),
                              int(Field::EDI), int(Field::EBP), int(Field::ESP), int(Field::CS),  int(Field::DS),
                              int(Field::ES),  int(Field::FS),  int(Field::GS),  int(Field::SS),  int(Field::EIP),
                              int(Field::EFLAGS), kNone, kNone};  // dr6, dr7

// REGS/RMSK (16-bit) or RG32/RM32 (32-bit): a bitmask, then one value per set bit.
template <typename Sink> void read_registers(Cursor& c, bool wide, Sink&& sink) {
    uint32_t mask = wide ? c.u32() : c.u16();
    unsigned count = wide ? std::size(kRg32Order) : std::size(kRegsOrder);
    for (unsigned bit = 0; bit < 32; ++bit) {
        if (!(mask >> bit & 1)) continue;
        uint32_t v = wide ? c.u32() : c.u16();
        if (bit >= count) continue;  // a register this reader does not model
        int field = wide ? kRg32Order[bit] : int(kRegsOrder[bit]);
        if (field != kNone) sink(static_cast<Field>(field), v);
    }
}

void read_masks(Cursor& c, bool wide, std::array<uint32_t, kFieldCount>& masks) {
    read_registers(c, wide, [&](Field f, uint32_t v) { masks[static_cast<unsigned>(f)] = v; });
}

void read_state(Cursor& c, CpuState& state, TestCase& test) {
    while (!c.at_end()) {
        auto [id, body] = c.chunk();
        if (id == "REGS" || id == "RG32") {
            read_registers(body, id == "RG32", [&](Field f, uint32_t v) { state.regs.set(f, v); });
        } else if (id == "RMSK" || id == "RM32") {
            read_masks(body, id == "RM32", test.compare_mask);
        } else if (id == "RAM ") {
            uint32_t n = body.u32();
            state.ram.reserve(state.ram.size() + n);
            for (uint32_t i = 0; i < n; ++i) {
                uint32_t addr = body.u32();
                state.ram.push_back({addr, body.u8()});
            }
        }  // QUEU, EA32 and anything newer: not needed to judge
    }
}

std::string read_counted_string(Cursor& c) {
    uint32_t n = c.u32();
    return std::string(c.bytes(n));
}

TestCase read_test(Cursor& c, const std::array<uint32_t, kFieldCount>& file_masks) {
    TestCase t;
    t.compare_mask = file_masks;
    t.index = c.u32();
    while (!c.at_end()) {
        auto [id, body] = c.chunk();
        if (id == "NAME") {
            t.name = read_counted_string(body);
        } else if (id == "BYTS") {
            std::string b = read_counted_string(body);
            t.bytes.assign(b.begin(), b.end());
        } else if (id == "INIT") {
            read_state(body, t.initial, t);
        } else if (id == "FINA") {
            read_state(body, t.final, t);
        } else if (id == "EXCP") {
            uint8_t vector = body.u8();
            t.pushed_flags = PushedFlags{vector, body.u32()};
        }  // CYCL, HASH, GMET, IDX: not needed to judge
    }
    return t;
}

}  // namespace

MooFile parse_moo(std::string_view data, const std::string& origin) {
    Cursor file(data, 0, origin, {});
    if (data.size() < 4 || data.substr(0, 4) != "MOO ")
        throw std::runtime_error(fmt::format("{}: not a MOO file (no 'MOO ' header)", origin));
    MooFile out;
    auto [hid, header] = file.chunk();
    header.u8();  // major version: all 1.x files share the chunk layout
    header.u8();  // minor version
    header.u16();
    out.declared_tests = header.u32();
    out.cpu_id = std::string(header.bytes(4));
    out.tests.reserve(out.declared_tests);

    std::array<uint32_t, kFieldCount> file_masks;
    file_masks.fill(0xFFFFFFFFu);
    while (!file.at_end()) {
        auto [id, body] = file.chunk();
        if (id == "TEST") out.tests.push_back(read_test(body, file_masks));
        else if (id == "RMSK" || id == "RM32") read_masks(body, id == "RM32", file_masks);
    }
    if (out.tests.size() != out.declared_tests)
        throw std::runtime_error(fmt::format("{}: header promises {} tests but the file holds {}", origin,
                                             out.declared_tests, out.tests.size()));
    return out;
}

}  // namespace amber::vectors
