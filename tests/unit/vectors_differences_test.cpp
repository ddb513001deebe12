// The 286 -> 386 difference list of the vector runner: the instruction-form
// decoder it selects by, which tests each difference claims, the expectation
// it rewrites, and (on a real 386 machine) that a rewritten test passes where
// the recording as is would not.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "frontend/vectors/baseline.hpp"
#include "frontend/vectors/insn_form.hpp"
#include "frontend/vectors/judge.hpp"
#include "frontend/vectors/model_differences.hpp"

using namespace amber;
using namespace amber::vectors;

namespace {

constexpr uint16_t kCs = 0x0100;  // code at 0x1000
constexpr uint16_t kSs = 0x2000;  // stack segment at 0x20000

RegFile real_mode_regs(uint16_t sp, uint16_t flags) {
    RegFile r;
    for (Field f : {Field::EAX, Field::ECX, Field::EDX, Field::EBX, Field::EBP, Field::ESI, Field::EDI, Field::ES,
                    Field::DS})
        r.set(f, 0);
    r.set(Field::CS, kCs);
    r.set(Field::EIP, 0);
    r.set(Field::SS, kSs);
    r.set(Field::ESP, sp);
    r.set(Field::EFLAGS, flags);
    return r;
}

// A test of `bytes` (the HLT after them is added) at CS:0 with the given SP.
TestCase test_of(std::vector<uint8_t> bytes, uint16_t sp = 0x1000, uint16_t flags = 0x0002) {
    TestCase t;
    bytes.push_back(0xF4);
    t.bytes = bytes;
    t.initial.regs = real_mode_regs(sp, flags);
    uint32_t at = kCs << 4;
    for (uint8_t b : bytes) t.initial.ram.push_back({at++, b});
    return t;
}

void took_interrupt(TestCase& t, uint8_t vector) { t.pushed_flags = PushedFlags{vector, 0}; }

std::vector<std::string> names(const Explanation& e) {
    std::vector<std::string> out;
    for (const ModelDifference* d : e.applied) out.emplace_back(d->name);
    return out;
}

Explanation on_386(const TestCase& t) { return explain(model_differences(CpuModel::i386, Format::Moo), t); }

bool has_byte(const std::vector<MemByte>& ram, uint32_t addr, uint8_t value) {
    return std::any_of(ram.begin(), ram.end(), [&](const MemByte& b) { return b.addr == addr && b.value == value; });
}

}  // namespace

TEST_CASE("insn form: prefixes, opcode, ModRM operand and length") {
    // ES: CS: LOCK REP, add word [bp+si+12h], ax -- the last segment prefix wins.
    InsnForm f = decode_form({0x26, 0x2E, 0xF0, 0xF3, 0x01, 0x42, 0x12, 0xF4});
    CHECK(f.prefix_count == 4);
    CHECK(f.lock);
    CHECK(f.rep);
    CHECK(f.segment_override == Field::CS);
    CHECK(f.opcode == 0x01);
    REQUIRE(f.modrm);
    CHECK(f.has_memory_operand());
    CHECK(f.displacement == 0x12);
    CHECK(f.length == 7);  // the HLT is not part of it
    CHECK(operand_segment(f) == Field::CS);
    CHECK(operand_bytes(f) == 2);

    RegFile r = real_mode_regs(0, 0);
    r.set(Field::EBP, 0xFFF0);
    r.set(Field::ESI, 0x0010);
    CHECK(operand_offset(f, r) == 0x0012);  // wraps at 64 KiB

    InsnForm bp_based = decode_form({0x8B, 0x46, 0xFE, 0xF4});  // mov ax,[bp-2]
    CHECK(operand_segment(bp_based) == Field::SS);
    CHECK(bp_based.displacement == -2);
    InsnForm direct = decode_form({0xA1, 0x34, 0x12, 0xF4});  // mov ax,[1234h]: no ModRM
    CHECK_FALSE(direct.modrm);
    InsnForm absolute = decode_form({0x8B, 0x06, 0xFF, 0xFF, 0xF4});  // mov ax,[0FFFFh]: mod 0, rm 6
    CHECK(operand_offset(absolute, r) == 0xFFFF);
    CHECK(operand_segment(absolute) == Field::DS);
    CHECK(operand_bytes(decode_form({0xC4, 0x07, 0xF4})) == 4);        // les ax,[bx]
    CHECK(operand_bytes(decode_form({0xFF, 0x1F, 0xF4})) == 4);        // call far [bx]
    CHECK(operand_bytes(decode_form({0x8D, 0x07, 0xF4})) == 0);        // lea: no access
    CHECK_FALSE(decode_form({0x89, 0xC3, 0xF4}).has_memory_operand());  // mov bx,ax
}

TEST_CASE("insn form: stack words") {
    auto words = [](std::vector<uint8_t> b) { return stack_words(decode_form(b)); };
    auto pop = words({0x07});
    REQUIRE(pop);
    CHECK((pop->base == Field::ESP && pop->first == 0 && pop->words == 1));
    auto pusha = words({0x60});
    REQUIRE(pusha);
    CHECK((pusha->first == -16 && pusha->words == 8));
    auto leave = words({0xC9});
    REQUIRE(leave);
    CHECK(leave->base == Field::EBP);
    CHECK(words({0xCF})->words == 3);
    CHECK(words({0xFF, 0x36, 0, 0})->first == -2);  // push word [0]
    CHECK_FALSE(words({0x90}));
    CHECK_FALSE(words({0xFF, 0x06, 0, 0}));  // inc word [0]
}

TEST_CASE("model differences: only 80286 vectors on a 386 or later") {
    CHECK(model_differences(CpuModel::i80286, Format::Moo).empty());
    CHECK(model_differences(CpuModel::i8086, Format::Moo).empty());
    CHECK(model_differences(CpuModel::i386, Format::Json8086).empty());
    CHECK(model_differences(CpuModel::i486, Format::Native32).empty());
    auto list = model_differences(CpuModel::i386, Format::Moo);
    REQUIRE_FALSE(list.empty());
    CHECK(model_differences(CpuModel::i486, Format::Moo).size() == list.size());
    for (const ModelDifference& d : list) {
        INFO(d.name);
        CHECK_FALSE(d.why.empty());
        CHECK_FALSE(d.judged.empty());
        CHECK((d.treatment == Treatment::Adjust) == (d.adjust != nullptr));
    }
    // Nothing applies to a plain instruction, and the 80286 itself gets no list.
    CHECK(on_386(test_of({0x01, 0xD8})).applied.empty());
    CHECK(explain(model_differences(CpuModel::i80286, Format::Moo), test_of({0x9D})).applied.empty());
}

TEST_CASE("model differences: POPF and IRET load IOPL and NT on a 386") {
    TestCase popf = test_of({0x9D}, 0x1000);
    popf.initial.ram.push_back({(kSs << 4) + 0x1000, 0xD7});
    popf.initial.ram.push_back({(kSs << 4) + 0x1001, 0xF8});  // popped F8D7: bits 12-15 all set
    popf.final.regs.set(Field::EFLAGS, 0x08D7);               // the 286 kept 12-15 clear
    Explanation e = on_386(popf);
    CHECK(names(e) == std::vector<std::string>{"popf-iret-iopl-nt"});
    CHECK_FALSE(e.skip);
    REQUIRE(e.adjusted);
    CHECK(e.adjusted->final.regs.get(Field::EFLAGS) == 0x78D7);  // 12-14 from the stack, 15 still 0

    // IRET reads FLAGS at SP+4; with FLAGS unchanged in the recording the
    // expectation starts from the initial value less bits 12-15.
    TestCase iret = test_of({0xCF}, 0x2000, 0xF202);
    iret.initial.ram.push_back({(kSs << 4) + 0x2005, 0x22});
    e = on_386(iret);
    REQUIRE(e.adjusted);
    CHECK(e.adjusted->final.regs.get(Field::EFLAGS) == 0x2202);

    // Without the popped word in the recording the bits are left uncompared.
    e = on_386(test_of({0x9D}, 0x3000));
    REQUIRE(e.adjusted);
    CHECK(e.adjusted->compare_mask[static_cast<unsigned>(Field::EFLAGS)] == ~0x7000u);

    // A POPF that faulted pushed its own FLAGS: not this difference.
    took_interrupt(popf, 13);
    CHECK(on_386(popf).applied.empty());
}

TEST_CASE("model differences: forms the 386 treats differently are left out") {
    SECTION("MOV to and from FS and GS") {
        TestCase t = test_of({0x8E, 0xE0});  // mov fs,ax
        took_interrupt(t, 6);
        Explanation e = on_386(t);
        CHECK(e.skip);
        CHECK(names(e) == std::vector<std::string>{"mov-fs-gs"});
        CHECK(on_386(test_of({0x8E, 0xD8})).applied.empty());  // mov ds,ax
    }
    SECTION("LOCK where the 386 does not allow it") {
        CHECK(on_386(test_of({0xF0, 0x00, 0x07})).applied.empty());  // lock add [bx],al
        CHECK(on_386(test_of({0xF0, 0xFF, 0x07})).applied.empty());  // lock inc word [bx]
        CHECK(on_386(test_of({0xF0, 0x87, 0x07})).applied.empty());  // lock xchg [bx],ax
        for (std::vector<uint8_t> bytes : {std::vector<uint8_t>{0xF0, 0x02, 0x07},  // lock add al,[bx]
                                           {0xF0, 0x00, 0xC0},                      // lock add al,al
                                           {0xF0, 0x38, 0x07},                      // lock cmp [bx],al
                                           {0xF0, 0x80, 0x3F, 0x01},                // lock cmp byte [bx],1
                                           {0xF0, 0x9D}}) {                         // lock popf
            INFO(bytes.size());
            Explanation e = on_386(test_of(bytes));
            CHECK(e.skip);
            CHECK(std::count_if(e.applied.begin(), e.applied.end(),
                                [](const ModelDifference* d) { return d->name == "lock-not-lockable"; }) == 1);
        }
        TestCase undefined = test_of({0xF0, 0x8F, 0xC8});  // the 286 raised #UD: so does the 386
        took_interrupt(undefined, 6);
        CHECK(on_386(undefined).applied.empty());
    }
    SECTION("instructions over 10 bytes") {
        // cs: ss: cs: ds: ds: or word [si+1DDFh],7693h -- 11 bytes
        TestCase t = test_of({0x2E, 0x36, 0x2E, 0x3E, 0x3E, 0x81, 0x8C, 0xDF, 0x1D, 0x93, 0x76});
        took_interrupt(t, 13);
        CHECK(names(on_386(t)) == std::vector<std::string>{"longer-than-10-bytes"});
        t.pushed_flags->vector = 6;  // an undefined form: #UD on both
        CHECK(on_386(t).applied.empty());
    }
    SECTION("386-only opcodes") {
        CHECK(on_386(test_of({0x0F, 0x01, 0xE0})).skip);  // smsw ax
        CHECK(on_386(test_of({0x66, 0x40})).skip);        // inc eax
    }
}

TEST_CASE("model differences: a stack overrun expects INT 12") {
    // pop es at SP=FFFF: the 286 took INT 13 through IVT[13] = 0000:0500.
    TestCase t = test_of({0x07}, 0xFFFF);
    for (uint32_t i = 0; i < 4; ++i) t.initial.ram.push_back({0x34 + i, uint8_t(i == 1 ? 0x05 : 0x00)});
    t.initial.ram.push_back({0x500, 0xF4});
    took_interrupt(t, 13);
    Explanation e = on_386(t);
    CHECK(names(e) == std::vector<std::string>{"ss-overrun-int12"});
    REQUIRE(e.adjusted);
    CHECK(e.adjusted->pushed_flags->vector == 12);
    CHECK(has_byte(e.adjusted->initial.ram, 0x31, 0x05));        // the handler now sits at IVT[12]...
    CHECK_FALSE(has_byte(e.adjusted->initial.ram, 0x35, 0x05));  // ...and no longer at IVT[13]

    // A DS operand at FFFF stays INT 13, and so does INT 0Dh itself.
    TestCase ds_word = test_of({0x8B, 0x06, 0xFF, 0xFF});  // mov ax,[0FFFFh]
    took_interrupt(ds_word, 13);
    CHECK(on_386(ds_word).applied.empty());
    TestCase int13 = test_of({0xCD, 0x0D});
    took_interrupt(int13, 13);
    CHECK(on_386(int13).applied.empty());
    // An SS operand at FFFF is an overrun through SS, like the stack.
    TestCase ss_word = test_of({0x36, 0x8B, 0x06, 0xFF, 0xFF});  // mov ax,[ss:0FFFFh]
    took_interrupt(ss_word, 13);
    CHECK(names(on_386(ss_word)) == std::vector<std::string>{"ss-overrun-int12"});
}

TEST_CASE("model differences: a string instruction that overruns restarts") {
    // rep movsw from SI=FFED: nine words move, the tenth read overruns.
    TestCase t = test_of({0xF3, 0xA5});
    t.initial.regs.set(Field::ECX, 0x28);
    t.initial.regs.set(Field::ESI, 0xFFED);
    t.initial.regs.set(Field::EDI, 0x5F89);
    t.final.regs.set(Field::ECX, 0x1E);  // the 286 counted the faulting iteration
    t.final.regs.set(Field::ESI, 0x0001);
    took_interrupt(t, 13);
    Explanation e = on_386(t);
    CHECK(names(e) == std::vector<std::string>{"string-fault-restarts"});
    REQUIRE(e.adjusted);
    CHECK(e.adjusted->final.regs.get(Field::ECX) == 0x1F);
    CHECK(e.adjusted->final.regs.get(Field::ESI) == 0xFFFF);
    CHECK(e.adjusted->final.regs.get(Field::EDI) == 0x5F9B);

    // Downwards, a store at DI=FFFF faults at once: nothing moves.
    TestCase down = test_of({0xAB}, 0x1000, 0x0402);  // stosw, DF=1
    down.initial.regs.set(Field::EDI, 0xFFFF);
    took_interrupt(down, 13);
    e = on_386(down);
    REQUIRE(e.adjusted);
    CHECK(e.adjusted->final.regs.get(Field::EDI) == 0xFFFF);
    CHECK_FALSE(e.adjusted->final.regs.has(Field::ESI));

    // Byte strings never overrun; a word string whose pointers never reach FFFF is not this either.
    TestCase bytes = test_of({0xAA});
    bytes.initial.regs.set(Field::EDI, 0xFFFF);
    took_interrupt(bytes, 13);
    CHECK(on_386(bytes).applied.empty());
    TestCase odd = test_of({0xAB});
    odd.initial.regs.set(Field::EDI, 0xFFF0);
    took_interrupt(odd, 13);
    CHECK(on_386(odd).applied.empty());
}

TEST_CASE("model differences: a rewritten test passes on a 386 machine") {
    // pop es at SP=FFFF, recorded on a 286: INT 13, frame at SS:FFF9.
    TestCase t = test_of({0x07}, 0xFFFF);
    for (uint32_t i = 0; i < 4; ++i) t.initial.ram.push_back({0x34 + i, uint8_t(i == 1 ? 0x05 : 0x00)});
    t.initial.ram.push_back({0x500, 0xF4});
    t.final.regs.set(Field::CS, 0);
    t.final.regs.set(Field::EIP, 0x501);
    t.final.regs.set(Field::ESP, 0xFFF9);
    uint32_t frame = (kSs << 4) + 0xFFF9;
    for (uint8_t b : {0x00, 0x00, 0x00, 0x01, 0x02, 0x00}) t.final.ram.push_back({frame++, b});  // IP CS FLAGS
    t.pushed_flags = PushedFlags{13, ((kSs << 4) + 0xFFFD) & ~1u};

    Judge i286(CpuModel::i80286, Format::Moo);
    CHECK(i286.run(t, FormInfo{}).passed());
    Judge i386(CpuModel::i386, Format::Moo);
    CHECK_FALSE(i386.run(t, FormInfo{}).passed());  // #SS finds no handler
    i386.sweep();                                   // whatever that run left behind
    Explanation e = on_386(t);
    REQUIRE(e.adjusted);
    CHECK(i386.run(*e.adjusted, FormInfo{}).passed());
    i386.sweep();
}

TEST_CASE("baseline: tests covered by model differences") {
    SuiteReport r;
    r.cpu = "386";
    r.format = "moo";
    FileResult f;
    f.id = "CF";
    f.passed = 64;
    f.covered = 436;
    f.covered_by["popf-iret-iopl-nt"] = 436;
    r.files = {f};
    std::string text = format_baseline(r, "amber vectors ...");
    CHECK_THAT(text, Catch::Contains("CF 64 64 436"));
    Baseline base = parse_baseline(text, "mem");
    CHECK(base.files.at("CF").covered == 436);
    CHECK(check_against(base, r, true).regressions.empty());

    // A covered test that now fails is a regression even though passes hold.
    r.files[0].covered = 435;
    r.files[0].failed = 1;
    CHECK_FALSE(check_against(base, r, true).regressions.empty());

    // Three columns still parse (covered 0).
    CHECK(parse_baseline("00 500 500\n", "mem").files.at("00").covered == 0);
    CHECK_THROWS(parse_baseline("00 500 500 x\n", "mem"));
}
