#include "frontend/vectors/failure_text.hpp"

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
        }
    }
    if (mem_hidden) out += fmt::format("  ram     ... and {} more RAM bytes differ\n", mem_hidden);
    if (v.strays_not_listed) out += fmt::format("  stray   ... and {} more stray bytes\n", v.strays_not_listed);
    return out;
}

}  // namespace amber::vectors
