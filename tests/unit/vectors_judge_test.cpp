// The vector judge on a real machine: flags masks from metadata, the masked
// FLAGS word an exception pushes, stray-write detection and clean-up.
#include <catch2/catch.hpp>

#include <vector>

#include "frontend/vectors/baseline.hpp"
#include "frontend/vectors/judge.hpp"

using namespace amber;
using namespace amber::vectors;

namespace {

// Real-mode registers: everything zero but what the test sets.
RegFile real_mode_regs(uint16_t cs, uint16_t ip, uint16_t ss, uint16_t sp, uint16_t flags) {
    RegFile r;
    for (Field f : {Field::EAX, Field::ECX, Field::EDX, Field::EBX, Field::EBP, Field::ESI, Field::EDI, Field::ES,
                    Field::DS})
        r.set(f, 0);
    r.set(Field::CS, cs);
    r.set(Field::EIP, ip);
    r.set(Field::SS, ss);
    r.set(Field::ESP, sp);
    r.set(Field::EFLAGS, flags);
    return r;
}

void put_code(TestCase& t, uint32_t at, std::vector<uint8_t> bytes) {
    t.bytes = bytes;
    for (uint8_t b : bytes) t.initial.ram.push_back({at++, b});
}

// and al,bl with AL=0F, BL=F0: result 0, so ZF=PF=1; AF is undefined after AND.
TestCase and_test(uint16_t expected_flags) {
    TestCase t;
    t.name = "and al, bl";
    t.initial.regs = real_mode_regs(0x0010, 0x0000, 0, 0x1000, 0xF002);
    t.initial.regs.set(Field::EAX, 0x000F);
    t.initial.regs.set(Field::EBX, 0x00F0);
    put_code(t, 0x100, {0x20, 0xD8});
    t.final.regs.set(Field::EAX, 0);
    t.final.regs.set(Field::EIP, 2);
    t.final.regs.set(Field::EFLAGS, expected_flags);
    return t;
}

FormInfo with_mask(uint32_t mask) {
    FormInfo f;
    f.flags_mask = mask;
    return f;
}

bool has_kind(const Verdict& v, Difference::Kind k) {
    for (const auto& d : v.diffs)
        if (d.kind == k) return true;
    return false;
}

}  // namespace

TEST_CASE("judge: the metadata flags mask hides undefined flags only") {
    Judge judge(CpuModel::i8086, Format::Json8086);
    const uint16_t defined = 0xF046;           // ZF PF and the 8086's fixed bits
    const uint16_t with_af = defined | 0x10;   // AF set, where the CPU leaves it clear
    CHECK(judge.run(and_test(defined), FormInfo{}).passed());
    CHECK(judge.run(and_test(with_af), with_mask(0xFFFF0000u | 0xFFEF)).passed());

    Verdict v = judge.run(and_test(with_af), FormInfo{});
    REQUIRE(v.diffs.size() == 1);
    CHECK(v.diffs[0].kind == Difference::Kind::Register);
    CHECK(v.diffs[0].field == Field::EFLAGS);
    CHECK(((v.diffs[0].expected ^ v.diffs[0].actual) & v.diffs[0].mask) == 0x10);

    // A defined flag (ZF) is still compared under the same mask.
    CHECK_FALSE(judge.run(and_test(with_af & ~0x40), with_mask(0xFFFF0000u | 0xFFEF)).passed());
}

TEST_CASE("judge: a wrong register and the memory it leaves are reported, then cleaned") {
    Judge judge(CpuModel::i8086, Format::Json8086);
    TestCase t = and_test(0xF046);
    t.final.regs.set(Field::EAX, 0x0001);
    Verdict v = judge.run(t, FormInfo{});
    REQUIRE(v.diffs.size() == 1);
    CHECK(v.diffs[0].field == Field::EAX);
    CHECK(v.diffs[0].expected == 1);
    CHECK(v.diffs[0].actual == 0);
    CHECK(judge.machine().memory().read8(0x100) == 0);  // code bytes put back to zero
    CHECK(judge.sweep() == 0);
}

TEST_CASE("judge: an 80286 exception's pushed FLAGS word is masked like FLAGS") {
    // INT 3 at 0100:0000 with the handler's HLT at 0000:0500; SS:SP = 0:SP.
    auto int3 = [](uint16_t sp, uint16_t pushed_flags) {
        TestCase t;
        t.name = "int3";
        t.initial.regs = real_mode_regs(0x0100, 0, 0, sp, 0x0202);  // IF set
        put_code(t, 0x1000, {0xCC});
        t.initial.ram.push_back({0x0C, 0x00});  // IVT[3] = 0000:0500
        t.initial.ram.push_back({0x0D, 0x05});
        t.initial.ram.push_back({0x0E, 0x00});
        t.initial.ram.push_back({0x0F, 0x00});
        t.initial.ram.push_back({0x500, 0xF4});
        t.final.regs.set(Field::CS, 0);
        t.final.regs.set(Field::EIP, 0x501);
        t.final.regs.set(Field::ESP, sp - 6);
        t.final.regs.set(Field::EFLAGS, 0x0002);
        uint32_t top = sp - 6;  // IP, CS, FLAGS
        for (uint8_t b : std::vector<uint8_t>{0x01, 0x00, 0x00, 0x01, uint8_t(pushed_flags), uint8_t(pushed_flags >> 8)})
            t.final.ram.push_back({top++, b});
        t.pushed_flags = PushedFlags{3, uint32_t(sp - 2) & ~1u};  // recorded rounded down to even
        return t;
    };
    Judge judge(CpuModel::i80286, Format::Moo);
    for (uint16_t sp : {0x1000, 0x1001}) {
        INFO("SP = " << sp);
        CHECK(judge.run(int3(sp, 0x0202), FormInfo{}).passed());
        Verdict wrong_af = judge.run(int3(sp, 0x0212), FormInfo{});
        CHECK_FALSE(wrong_af.passed());
        CHECK(has_kind(wrong_af, Difference::Kind::Memory));
        CHECK(judge.run(int3(sp, 0x0212), with_mask(0xFFFF0000u | 0xFFEF)).passed());
        CHECK_FALSE(judge.run(int3(sp, 0x0242), with_mask(0xFFFF0000u | 0xFFEF)).passed());  // ZF is defined
    }
    CHECK(judge.sweep() == 0);
}

TEST_CASE("judge: stray writes are found near the test and, with a full scan, anywhere") {
    // mov [addr],al with AL=55 and DS=0, while the recording lists no such write.
    auto store = [](uint16_t addr) {
        TestCase t;
        t.name = "mov [addr], al";
        t.initial.regs = real_mode_regs(0x0010, 0, 0, 0x1000, 0xF002);
        t.initial.regs.set(Field::EAX, 0x55);
        put_code(t, 0x100, {0xA2, uint8_t(addr), uint8_t(addr >> 8)});
        t.final.regs.set(Field::EIP, 3);
        return t;
    };
    Judge judge(CpuModel::i8086, Format::Json8086);
    Verdict near = judge.run(store(0x0200), FormInfo{});
    REQUIRE(near.diffs.size() == 1);
    CHECK(near.diffs[0].kind == Difference::Kind::Stray);
    CHECK(near.diffs[0].addr == 0x200);
    CHECK(near.diffs[0].actual == 0x55);
    CHECK(judge.machine().memory().read8(0x200) == 0);

    // Page 8 is not near the test: only the end-of-file sweep sees it...
    CHECK(judge.run(store(0x8000), FormInfo{}).passed());
    CHECK(judge.sweep() == 1);
    // ...and a full scan pins it on the test.
    judge.set_full_scan(true);
    Verdict far = judge.run(store(0x8000), FormInfo{});
    REQUIRE(far.diffs.size() == 1);
    CHECK(far.diffs[0].addr == 0x8000);
    CHECK(judge.sweep() == 0);
}

TEST_CASE("judge: a runaway 80286 test stops at the tick limit") {
    TestCase t;
    t.name = "jmp $";
    t.initial.regs = real_mode_regs(0x0010, 0, 0, 0x1000, 0x0002);
    put_code(t, 0x100, {0xEB, 0xFE});
    Judge judge(CpuModel::i80286, Format::Moo);
    Verdict v = judge.run(t, FormInfo{});
    REQUIRE_FALSE(v.diffs.empty());
    CHECK(v.diffs[0].kind == Difference::Kind::Run);
}

TEST_CASE("baseline: round trip and regressions") {
    SuiteReport r;
    r.cpu = "8086";
    r.format = "8086-json";
    FileResult a, b;
    a.id = "00";
    a.passed = 500;
    b.id = "F6.6";
    b.passed = 250;
    b.failed = 250;
    r.files = {a, b};
    Baseline base = parse_baseline(format_baseline(r, "amber vectors ..."), "mem");
    CHECK(base.cpu == "8086");
    CHECK(base.files.at("F6.6").passed == 250);
    CHECK(base.files.at("F6.6").total == 500);
    CHECK(check_against(base, r, true).regressions.empty());

    r.files[1].passed = 249;
    r.files[1].failed = 251;
    auto worse = check_against(base, r, true);
    REQUIRE(worse.regressions.size() == 2);  // the file, and the overall count
    CHECK_THAT(worse.regressions[0], Catch::Contains("F6.6"));

    r.files[1].passed = 260;
    r.files[1].failed = 240;
    auto better = check_against(base, r, true);
    CHECK(better.regressions.empty());
    CHECK_FALSE(better.notes.empty());

    r.files.pop_back();
    CHECK_FALSE(check_against(base, r, true).regressions.empty());  // a file went missing
    CHECK(check_against(base, r, false).regressions.empty());       // ...unless filtered out
    CHECK_THROWS(parse_baseline("00 five 500\n", "mem"));
    CHECK_THROWS(parse_baseline("00 501 500\n", "mem"));
}
