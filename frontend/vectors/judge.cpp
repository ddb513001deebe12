#include "frontend/vectors/judge.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "frontend/vectors/applicability.hpp"
#include "frontend/vectors/cpu_access.hpp"
#include "frontend/vectors/memory_scan.hpp"

namespace amber::vectors {

namespace {

constexpr size_t kMaxStraysListed = 16;

// The vectors use all of the first MiB (no ROM, no video memory hole).
MachineConfig config_for(CpuModel model) {
    MachineConfig c;
    c.cpu = model;
    c.ram_bytes = 0x100000;
    return c;
}

// Later CPUs get 16 MiB in all: the 80286 vectors use 0x100000-0x10FFEF.
// MachineConfig refuses extended RAM next to a flat 1 MiB (a PC has a hole
// there), so the runner maps it itself.
constexpr uint32_t kExtendedRam = 15u << 20;

std::string missing_fields(uint16_t missing, bool wide) {
    std::string out;
    for (unsigned i = 0; i < kFieldCount; ++i)
        if (missing >> i & 1) out += fmt::format("{}{}", out.empty() ? "" : ", ", field_name(Field(i), wide));
    return out;
}

// "#DE", "#GP"...: how native32 names exceptions.
std::string exception_mnemonic(uint8_t vector) {
    static const char* const kNames[] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#MF9",
                                         "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC"};
    if (vector < std::size(kNames)) return kNames[vector];
    return fmt::format("#{}", vector);
}

}  // namespace

JudgeRules rules_for(Format format) {
    JudgeRules r;
    switch (format) {
    case Format::Json8086:
        r.reachable_top = 0x100000;  // FFFF:FFFF wraps to 0xFFEF on the 8086
        r.flags_compared = 0xFFFF;
        break;
    case Format::Moo:
        r.run_to_halt = true;
        r.a20 = true;                // no wrap: tests use 0x100000-0x10FFEF
        r.flags_clear = 0xF000;      // IOPL/NT cannot be set in real mode
        r.flags_compared = 0xFFFF;
        r.reachable_top = 0x110000;
        break;
    case Format::Native32:
        r.wide = true;
        r.a20 = true;
        r.flags_compared = 0x00247FD5;  // the README's mask: arithmetic, TF..NT, AC, ID; not RF
        r.reachable_top = 0xFFFFFFFF;
        break;
    }
    return r;
}

Judge::Judge(CpuModel model, Format format)
    : format_(format), rules_(rules_for(format)), machine_(config_for(model)) {
    uint64_t ram_top = 0x100000;
    if (traits_of(model).address_bits > 20) {
        machine_.memory().add_ram(0x100000, kExtendedRam);
        ram_top += kExtendedRam;
        machine_.cpu().set_a20(rules_.a20);
    }
    rules_.reachable_top = static_cast<uint32_t>(std::min<uint64_t>(rules_.reachable_top, ram_top));
}

std::string Judge::not_applicable(const SuiteFile& file, const std::vector<TestCase>& tests) {
    std::string why = not_applicable_reason(machine_.cpu().model(), format_, file.info);
    if (why.empty() && rules_.wide && !tests.empty() && !load_flat32_state(machine_.cpu(), tests.front().initial.regs))
        why = "the CPU has no 32-bit protected mode yet";
    return why;
}

Verdict Judge::run(const TestCase& test, const FormInfo& info) {
    uint16_t required = compared_fields(rules_.wide);
    if (uint16_t missing = required & ~test.initial.regs.present)
        throw std::runtime_error(fmt::format("test {} ('{}') has no initial {}", test.index, test.name,
                                             missing_fields(missing, rules_.wide)));
    uint32_t flags_mask = rules_.flags_compared & info.flags_mask & test.compare_mask[unsigned(Field::EFLAGS)];

    Verdict v;
    collect_pages(test);
    if (!full_scan_) clear_leftovers();
    build_expectations(test, flags_mask);
    load(test);
    execute(test, v);
    compare_registers(test, flags_mask, v);
    if (test.uses_fpu) compare_fpu(test, info, v);
    if (test.uses_sse) compare_sse(test, info, v);
    compare_memory(v);
    find_strays(v);
    restore_memory();
    return v;
}

// Pages that hold the test's bytes or its stack: where a wrong write most likely lands.
void Judge::collect_pages(const TestCase& test) {
    pages_.clear();
    for (const auto* list : {&test.initial.ram, &test.final.ram})
        for (const MemByte& b : *list) pages_.push_back(b.addr >> kPageBits);
    const RegFile& r = test.initial.regs;
    for (uint32_t below : {2u, 6u, 16u}) {
        uint32_t addr = rules_.wide ? r.get(Field::ESP) - below
                                    : (r.get(Field::SS) << 4) + ((r.get(Field::ESP) - below) & 0xFFFF);
        if (!rules_.a20 && !rules_.wide) addr &= 0xFFFFF;
        pages_.push_back(addr >> kPageBits);
    }
    std::sort(pages_.begin(), pages_.end());
    pages_.erase(std::unique(pages_.begin(), pages_.end()), pages_.end());
}

void Judge::clear_leftovers() {
    PhysMemory& mem = machine_.memory();
    for (uint32_t page : pages_)
        for_each_nonzero_byte(mem, page << kPageBits, (page << kPageBits) + kPageSize, [&](uint32_t addr, uint8_t) {
            mem.write8(addr, 0);
            leftovers_ = true;
        });
}

// Expected memory: the initial bytes overlaid with the final ones (MOO files
// list only changed bytes in FINA).
void Judge::build_expectations(const TestCase& test, uint32_t flags_mask) {
    expect_.clear();
    for (const MemByte& b : test.initial.ram) expect_.push_back({b.addr, b.value, 0xFF});
    for (const MemByte& b : test.final.ram) expect_.push_back({b.addr, b.value, 0xFF});
    std::stable_sort(expect_.begin(), expect_.end(), [](const Expect& a, const Expect& b) { return a.addr < b.addr; });
    // Keep the last entry of each address: the final value wins.
    auto out = expect_.begin();
    for (auto it = expect_.begin(); it != expect_.end(); ++it) {
        if (it + 1 != expect_.end() && (it + 1)->addr == it->addr) continue;
        *out++ = *it;
    }
    expect_.erase(out, expect_.end());
    if (test.pushed_flags) {
        // The recorded address is rounded down to even: with an odd SP the
        // FLAGS word really starts one byte higher (checked on all 4,257
        // 80286 EXCP tests against SS:SP-2 and the bytes pushed).
        uint32_t at = test.pushed_flags->address;
        if (!rules_.wide) at += test.initial.regs.get(Field::ESP) & 1;
        for (unsigned i = 0; i < 2; ++i) {
            uint32_t addr = at + i;
            auto it = std::lower_bound(expect_.begin(), expect_.end(), addr,
                                       [](const Expect& e, uint32_t a) { return e.addr < a; });
            if (it != expect_.end() && it->addr == addr) it->mask &= static_cast<uint8_t>(flags_mask >> (8 * i));
        }
    }
}

void Judge::load(const TestCase& test) {
    PhysMemory& mem = machine_.memory();
    for (const MemByte& b : test.initial.ram) mem.write8(b.addr, b.value);
    Cpu& cpu = machine_.cpu();
    if (rules_.wide) {
        if (!load_flat32_state(cpu, test.initial.regs))
            throw std::logic_error("native32 vectors need 32-bit protected mode");
        if (test.uses_fpu) load_fpu_state(cpu, test.initial.fpu);
        else cpu.x87.init();
        if (test.uses_sse) load_sse_state(cpu, test.initial.sse);
    } else {
        load_real_mode_state(cpu, test.initial.regs, rules_.flags_clear);
    }
}

void Judge::execute(const TestCase& test, Verdict& v) {
    Cpu& cpu = machine_.cpu();
    auto problem = [&](std::string note) {
        v.diffs.push_back({Difference::Kind::Run, Field::EAX, 0, 0, 0, 0xFFFFFFFF, std::move(note)});
    };
    try {
        if (rules_.run_to_halt) {
            RunResult r = machine_.run(kTickLimit);
            if (r.reason == StopReason::TickLimit)
                problem(fmt::format("no HLT reached within {} ticks", kTickLimit));
            else if (r.reason != StopReason::HaltedForever)
                problem(r.message.empty() ? "the run stopped before a HLT" : r.message);
        } else {
            std::optional<CpuFault> fault = cpu.step();
            if (rules_.wide) {
                // native32 recordings stop at a fault (state untouched); the
                // flat setup has no IDT, so Amber's delivery fails without
                // touching state either, and only the vector is compared.
                std::string raised = fault ? exception_mnemonic(fault->vector) : std::string();
                if (raised != test.exception)
                    problem(fmt::format("raised {} where the hardware raised {}", raised.empty() ? "nothing" : raised,
                                        test.exception.empty() ? "nothing" : test.exception));
            } else if (cpu.shutdown) {
                problem("triple fault: the CPU shut down");
            }
        }
    } catch (const CpuFault& f) {
        problem(fmt::format("CPU fault {} escaped the CPU instead of being delivered", f.vector));
    } catch (const std::exception& e) {
        problem(fmt::format("the emulator threw: {}", e.what()));
    } catch (...) {
        problem("the emulator threw an unknown exception");
    }
}

void Judge::compare_registers(const TestCase& test, uint32_t flags_mask, Verdict& v) {
    const Cpu& cpu = machine_.cpu();
    uint16_t fields = compared_fields(rules_.wide);
    for (unsigned i = 0; i < kFieldCount; ++i) {
        if (!(fields >> i & 1)) continue;
        Field f = static_cast<Field>(i);
        bool changed = test.final.regs.has(f);
        uint32_t expected = changed ? test.final.regs.get(f) : test.initial.regs.get(f);
        uint32_t mask = test.compare_mask[i];
        if (f == Field::EFLAGS) {
            if (!changed) expected &= ~rules_.flags_clear;
            mask = flags_mask;
        }
        uint32_t actual = read_field(cpu, f, rules_.wide);
        if ((expected ^ actual) & mask) {
            v.diffs.push_back({Difference::Kind::Register, f, 0, expected, actual, mask, {}});
        } else if (is_segment(f) && !rules_.wide && segment_base(cpu, f) != (expected & 0xFFFF) << 4) {
            v.diffs.push_back({Difference::Kind::SegmentBase, f, 0, (expected & 0xFFFF) << 4, segment_base(cpu, f),
                               0xFFFFFFFF, {}});
        }
    }
}

namespace {

// The README's tolerance for the approximate (transcendental) forms:
// |a - b| <= 2^-60 |b|, or the same zero, infinity or NaN encoding.
bool close_enough(fpu::Float80 a, fpu::Float80 b) {
    using namespace fpu;
    if (a == b) return true;
    if (!is_normal(a) || !is_normal(b)) {
        if (classify(a) == FpClass::Zero && classify(b) == FpClass::Zero) return a.sign() == b.sign();
        if (classify(a) != FpClass::Denormal || classify(b) != FpClass::Denormal) return false;
    }
    if (a.sign() != b.sign()) return false;
    FpuEnv env;
    const Float80 scaled_diff = scale(fpu::abs(sub(a, b, env)), from_int(60), env);
    return compare(scaled_diff, fpu::abs(b), false, env) != Relation::Greater;
}

// RCPPS/RSQRTPS: the same sign and class, and within 2^-11 relative error
// (Intel documents |error| <= 1.5 * 2^-12; other vendors differ a little).
bool single_close_enough(uint32_t a, uint32_t b) {
    if (a == b) return true;
    if ((a ^ b) >> 31) return false;
    const uint32_t ea = (a >> 23) & 0xFF, eb = (b >> 23) & 0xFF;
    if (ea == 0xFF || eb == 0xFF || ea == 0 || eb == 0) return false;
    const int64_t ua = a & 0x7FFFFFFF, ub = b & 0x7FFFFFFF;  // ordered like the values
    const int64_t diff = ua > ub ? ua - ub : ub - ua;
    return diff <= (1 << 12);  // 2^12 units in the last place of 23 bits: 2^-11 relative
}

}  // namespace

// FCW, FSW (minus its undefined bits; for approximate forms also C1 and PE,
// which follow the last bit of the result), the full tag word and every
// non-empty register.
void Judge::compare_fpu(const TestCase& test, const FormInfo& info, Verdict& v) {
    const FpuImage got = read_fpu_state(machine_.cpu());
    const FpuImage& want = test.final.fpu;
    auto differs = [&](std::string note) {
        v.diffs.push_back({Difference::Kind::Fpu, Field::EAX, 0, 0, 0, 0xFFFFFFFF, std::move(note)});
    };
    uint16_t fsw_undefined = test.fsw_undefined;
    if (info.approximate) fsw_undefined |= fpu::kC1 | fpu::exc::PE;
    if (got.fcw != want.fcw) differs(fmt::format("fcw {:04x} expected {:04x}", got.fcw, want.fcw));
    if ((got.fsw ^ want.fsw) & ~fsw_undefined)
        differs(fmt::format("fsw {:04x} expected {:04x} (undefined {:04x})", got.fsw, want.fsw, fsw_undefined));
    if (got.ftw != want.ftw) differs(fmt::format("ftw {:04x} expected {:04x}", got.ftw, want.ftw));
    const unsigned top = (want.fsw >> 11) & 7;
    for (unsigned i = 0; i < 8; ++i) {
        if (((want.ftw >> (2 * ((top + i) & 7))) & 3) == 3) continue;  // empty: contents not compared
        const fpu::Float80 g{got.sig[i], got.se[i]}, w{want.sig[i], want.se[i]};
        if (info.approximate ? close_enough(g, w) : g == w) continue;
        differs(fmt::format("st{} {:04x}{:016x} expected {:04x}{:016x}", i, g.se, g.sig, w.se, w.sig));
    }
}

// MXCSR and every XMM register, exactly; the approximate forms (RCPPS,
// RSQRTPS) within the README's relative error, per single-precision lane.
void Judge::compare_sse(const TestCase& test, const FormInfo& info, Verdict& v) {
    const SseImage got = read_sse_state(machine_.cpu());
    const SseImage& want = test.final.sse;
    auto differs = [&](std::string note) {
        v.diffs.push_back({Difference::Kind::Sse, Field::EAX, 0, 0, 0, 0xFFFFFFFF, std::move(note)});
    };
    if (got.mxcsr != want.mxcsr) differs(fmt::format("mxcsr {:08x} expected {:08x}", got.mxcsr, want.mxcsr));
    for (unsigned i = 0; i < 8; ++i) {
        bool same = got.xmm[i] == want.xmm[i];
        if (!same && info.approximate) {
            same = true;
            for (unsigned lane = 0; lane < 4; ++lane) {
                const uint64_t half = lane < 2 ? 0 : 1;
                const unsigned shift = 32 * (lane & 1);
                const auto g = static_cast<uint32_t>(got.xmm[i][half] >> shift);
                const auto w = static_cast<uint32_t>(want.xmm[i][half] >> shift);
                same = same && single_close_enough(g, w);
            }
        }
        if (!same)
            differs(fmt::format("xmm{} {:016x}{:016x} expected {:016x}{:016x}", i, got.xmm[i][1], got.xmm[i][0],
                                want.xmm[i][1], want.xmm[i][0]));
    }
}

void Judge::compare_memory(Verdict& v) {
    const PhysMemory& mem = machine_.memory();
    for (const Expect& e : expect_) {
        uint8_t actual = mem.read8(e.addr);
        if ((actual ^ e.value) & e.mask)
            v.diffs.push_back({Difference::Kind::Memory, Field::EAX, e.addr, e.value, actual, e.mask, {}});
    }
}

bool Judge::expected_at(uint32_t addr) const {
    return std::binary_search(expect_.begin(), expect_.end(), Expect{addr, 0, 0},
                              [](const Expect& a, const Expect& b) { return a.addr < b.addr; });
}

void Judge::find_strays(Verdict& v) {
    strays_.clear();
    auto check = [&](uint32_t addr, uint8_t value) {
        if (expected_at(addr)) return;
        strays_.push_back(addr);
        if (strays_.size() <= kMaxStraysListed)
            v.diffs.push_back({Difference::Kind::Stray, Field::EAX, addr, 0, value, 0xFF, {}});
        else
            ++v.strays_not_listed;
    };
    const PhysMemory& mem = machine_.memory();
    if (full_scan_) {
        for_each_nonzero_byte(mem, 0, rules_.reachable_top, check);
    } else {
        for (uint32_t page : pages_)
            for_each_nonzero_byte(mem, page << kPageBits, (page << kPageBits) + kPageSize, check);
    }
}

void Judge::restore_memory() {
    PhysMemory& mem = machine_.memory();
    for (const Expect& e : expect_) mem.write8(e.addr, 0);
    for (uint32_t addr : strays_) mem.write8(addr, 0);
}

size_t Judge::sweep() {
    PhysMemory& mem = machine_.memory();
    size_t found = 0;
    for_each_nonzero_byte(mem, 0, rules_.reachable_top, [&](uint32_t addr, uint8_t) {
        mem.write8(addr, 0);
        ++found;
    });
    leftovers_ = false;
    return found;
}

}  // namespace amber::vectors
