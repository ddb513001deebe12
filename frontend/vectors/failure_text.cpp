#include "frontend/vectors/failure_text.hpp"

#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace amber::vectors {

namespace {

constexpr size_t kMaxMemoryLines = 24;

struct FlagBit {
    uint32_t bit;
    const char* name;
    char letter;
};
constexpr FlagBit kFlagBits[] = {
    {1u << 11, "OF", 'o'}, {1u << 10, "DF", 'd'}, {1u << 9, "IF", 'i'}, {1u << 8, "TF", 't'}, {1u << 7, "SF", 's'},
    {1u << 6, "ZF", 'z'},  {1u << 4, "AF", 'a'},  {1u << 2, "PF", 'p'}, {1u << 0, "CF", 'c'},
};

// "odItSzAPc": upper case for a set flag.
std::string flag_letters(uint32_t v) {
    std::string s;
    for (const auto& f : kFlagBits) s += (v & f.bit) ? static_cast<char>(f.letter - 'a' + 'A') : f.letter;
    return s;
}

std::string hex(uint32_t v, bool wide) { return fmt::format("{:0{}X}", v, wide ? 8 : 4); }

std::string register_line(const Difference& d, bool wide) {
    std::string name(field_name(d.field, wide));
    std::string line = fmt::format("  {:<7} expected {}  actual {}", name, hex(d.expected, wide), hex(d.actual, wide));
    if (d.field == Field::EFLAGS) {
        line += fmt::format("  [{} vs {}]", flag_letters(d.expected), flag_letters(d.actual));
        uint32_t differ = (d.expected ^ d.actual) & d.mask;
        for (const auto& f : kFlagBits)
            if (differ & f.bit) {
                line += fmt::format("  {}: expected {}, actual {}", f.name, (d.expected & f.bit) ? 1 : 0,
                                    (d.actual & f.bit) ? 1 : 0);
                differ &= ~f.bit;
            }
        if (differ) line += fmt::format("  other bits {:X}", differ);
        if (d.mask != 0xFFFFFFFF) line += fmt::format("  (compared bits {})", hex(d.mask & (wide ? ~0u : 0xFFFFu), wide));
    } else if (d.mask != 0xFFFFFFFF) {
        line += fmt::format("  (compared bits {})", hex(d.mask, wide));
    }
    return line;
}

// The byte the recording expects at `addr` (final overlaid on initial).
std::optional<uint8_t> expected_byte(const TestCase& t, uint32_t addr) {
    for (const auto* list : {&t.final.ram, &t.initial.ram})
        for (const MemByte& b : *list)
            if (b.addr == addr) return b.value;
    return std::nullopt;
}

// When wrong RAM bytes are the FLAGS word of an interrupt frame (SS:SP+4 after
// the interrupt), decodes them like the FLAGS register: that is where a
// divide error's undefined flags show up.
std::string pushed_flags_line(const TestCase& t, const Verdict& v, unsigned addr_digits) {
    const RegFile& in = t.initial.regs;
    auto final_reg = [&](Field f) { return t.final.regs.has(f) ? t.final.regs.get(f) : in.get(f); };
    if (!in.has(Field::SS) || !in.has(Field::ESP)) return {};
    uint32_t sp = final_reg(Field::ESP) & 0xFFFF;
    if (sp != ((in.get(Field::ESP) - 6) & 0xFFFF)) return {};  // no interrupt frame was pushed
    uint32_t bus = addr_digits >= 8 ? 0xFFFFFFFFu : (1u << (4 * addr_digits)) - 1;
    uint32_t lo = ((final_reg(Field::SS) << 4) + ((sp + 4) & 0xFFFF)) & bus;
    uint32_t hi = ((final_reg(Field::SS) << 4) + ((sp + 5) & 0xFFFF)) & bus;
    auto e_lo = expected_byte(t, lo), e_hi = expected_byte(t, hi);
    if (!e_lo || !e_hi) return {};
    uint32_t expected = *e_lo | (*e_hi << 8), actual = expected, mask = 0xFFFF;
    bool differs = false;
    for (const Difference& d : v.diffs) {
        if (d.kind != Difference::Kind::Memory || (d.addr != lo && d.addr != hi)) continue;
        unsigned shift = d.addr == lo ? 0 : 8;
        actual = (actual & ~(0xFFu << shift)) | (d.actual << shift);
        mask &= ~(0xFFu << shift) | (d.mask << shift);
        differs = true;
    }
    if (!differs) return {};
    Difference as_flags{Difference::Kind::Register, Field::EFLAGS, 0, expected, actual, mask, {}};
    std::string line = register_line(as_flags, false);
    return "  pushed" + line.substr(std::string_view("  flags ").size()) + "  <- FLAGS in the interrupt frame\n";
}

}  // namespace

std::string flag_names(uint32_t bits) {
    std::string out;
    for (auto it = std::rbegin(kFlagBits); it != std::rend(kFlagBits); ++it)
        if (bits & it->bit) out += fmt::format("{}{}", out.empty() ? "" : " ", it->name);
    return out;
}

std::string summarize(const Verdict& v, bool wide) {
    std::string out;
    size_t mem = 0, strays = v.strays_not_listed;
    auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
    for (const Difference& d : v.diffs) {
        switch (d.kind) {
        case Difference::Kind::Register:
            if (d.field == Field::EFLAGS) add(fmt::format("flags({})", flag_names((d.expected ^ d.actual) & d.mask)));
            else add(std::string(field_name(d.field, wide)));
            break;
        case Difference::Kind::SegmentBase: add(fmt::format("{}.base", field_name(d.field, wide))); break;
        case Difference::Kind::Memory: ++mem; break;
        case Difference::Kind::Stray: ++strays; break;
        case Difference::Kind::Run: add(d.note); break;
        case Difference::Kind::Fpu: add(d.note.substr(0, d.note.find(' '))); break;
        case Difference::Kind::Sse: add(d.note.substr(0, d.note.find(' '))); break;
        }
    }
    if (mem) add(fmt::format("{} RAM byte{}", mem, mem == 1 ? "" : "s"));
    if (strays) add(fmt::format("{} stray write{}", strays, strays == 1 ? "" : "s"));
    return out;
}

std::string describe_failure(const std::string& file_id, const TestCase& test, const Verdict& v, bool wide,
                             unsigned addr_digits) {
    std::string out = fmt::format("FAIL {} #{}  {}\n", file_id, test.index, test.name);
    out += "  bytes  ";
    for (uint8_t b : test.bytes) out += fmt::format(" {:02X}", b);
    out += "\n  before ";
    const RegFile& r = test.initial.regs;
    for (unsigned i = 0; i < kFieldCount; ++i) {
        Field f = static_cast<Field>(i);
        if (r.has(f)) out += fmt::format(" {}={}", field_name(f, wide), hex(r.get(f), wide));
    }
    if (r.has(Field::EFLAGS)) out += fmt::format(" [{}]", flag_letters(r.get(Field::EFLAGS)));
    out += "\n";
    if (test.pushed_flags)
        out += fmt::format("  (the hardware took interrupt {} and pushed FLAGS at [{:0{}X}])\n",
                           test.pushed_flags->vector,
                           test.pushed_flags->address + (wide ? 0 : r.get(Field::ESP) & 1), addr_digits);
    if (!test.exception.empty()) out += fmt::format("  (the hardware raised {})\n", test.exception);

    size_t mem_lines = 0, mem_hidden = 0;
    for (const Difference& d : v.diffs) {
        switch (d.kind) {
        case Difference::Kind::Register: out += register_line(d, wide) + "\n"; break;
        case Difference::Kind::SegmentBase:
            out += fmt::format("  {}.base  expected {:0{}X}  actual {:0{}X} (selector is right, hidden base is not)\n",
                               field_name(d.field, wide), d.expected, addr_digits, d.actual, addr_digits);
            break;
        case Difference::Kind::Memory:
            if (++mem_lines > kMaxMemoryLines) {
                ++mem_hidden;
                break;
            }
            out += fmt::format("  ram     [{:0{}X}] expected {:02X}  actual {:02X}", d.addr, addr_digits, d.expected,
                               d.actual);
            if (d.mask != 0xFF) out += fmt::format("  (compared bits {:02X}: pushed FLAGS)", d.mask);
            out += "\n";
            break;
        case Difference::Kind::Stray:
            out += fmt::format("  stray   [{:0{}X}] = {:02X}, but the hardware did not write there\n", d.addr,
                               addr_digits, d.actual);
            break;
        case Difference::Kind::Run: out += fmt::format("  run     {}\n", d.note); break;
        case Difference::Kind::Fpu: out += fmt::format("  x87     {}\n", d.note); break;
        case Difference::Kind::Sse: out += fmt::format("  sse     {}\n", d.note); break;
        }
    }
    if (mem_hidden) out += fmt::format("  ram     ... and {} more RAM bytes differ\n", mem_hidden);
    // (With EXCP the pushed word is masked, so a byte not listed may still differ: not decoded.)
    if (!wide && !test.pushed_flags) out += pushed_flags_line(test, v, addr_digits);
    if (v.strays_not_listed) out += fmt::format("  stray   ... and {} more stray bytes\n", v.strays_not_listed);
    return out;
}

}  // namespace amber::vectors
