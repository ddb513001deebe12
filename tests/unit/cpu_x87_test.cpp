// The x87 as the CPU runs it: the register stack through real opcodes,
// #NM from CR0.EM/TS/MP, and unmasked exceptions signalled as #MF at the
// next waiting instruction when CR0.NE=1. Results of every form against
// the hardware are the vectors_native32_x87 test's business.
#include <catch2/catch.hpp>

#include "tests/unit/cpu32_harness.hpp"

using namespace amber;
using amber::test::Flat32;

namespace {
const std::vector<uint8_t> kFninit{0xDB, 0xE3}, kFld1{0xD9, 0xE8}, kFldz{0xD9, 0xEE}, kFwait{0x9B};
const std::vector<uint8_t> kFdivStSt1{0xD8, 0xF1};  // fdiv st(0), st(1)
const std::vector<uint8_t> kFnstswAx{0xDF, 0xE0};
// fldcw / fstp dword [kData] (absolute disp32)
std::vector<uint8_t> with_disp(std::vector<uint8_t> op, uint32_t a) {
    for (int i = 0; i < 4; ++i) op.push_back(static_cast<uint8_t>(a >> (8 * i)));
    return op;
}
}  // namespace

TEST_CASE("x87: FLD1 FLDZ FDIVP-style arithmetic through the stack, FSTP m32, FNSTSW AX") {
    Flat32 t(CpuModel::p6, 0);
    REQUIRE_FALSE(t.exec_fresh(kFninit));
    CHECK(t.cpu().x87.fcw == 0x037F);
    REQUIRE_FALSE(t.exec_fresh(kFld1));
    REQUIRE_FALSE(t.exec_fresh(kFld1));
    REQUIRE_FALSE(t.exec_fresh({0xDE, 0xC1}));  // faddp st(1), st(0): 2.0
    REQUIRE_FALSE(t.exec_fresh(with_disp({0xD9, 0x1D}, Flat32::kData)));  // fstp dword [kData]
    CHECK(t.read32(Flat32::kData) == 0x40000000u);  // 2.0f
    REQUIRE_FALSE(t.exec_fresh(kFnstswAx));
    CHECK((t.cpu().r[EAX] & 0x3800) == 0);  // TOP back at 0
    CHECK(t.cpu().x87.empty(0));
}

TEST_CASE("x87: ESC raises #NM with CR0.EM or TS, WAIT only with MP and TS") {
    Flat32 t(CpuModel::p6, 0);
    t.cpu().cr0 |= cr0_bit::EM;
    auto f = t.exec_fresh(kFld1);
    REQUIRE(f);
    CHECK(f->vector == vec::NM);
    CHECK_FALSE(t.exec_fresh(kFwait));  // EM alone does not stop WAIT
    t.cpu().cr0 = (t.cpu().cr0 & ~cr0_bit::EM) | cr0_bit::TS;
    f = t.exec_fresh(kFnstswAx);
    REQUIRE(f);
    CHECK(f->vector == vec::NM);
    CHECK_FALSE(t.exec_fresh(kFwait));  // TS without MP
    t.cpu().cr0 |= cr0_bit::MP;
    f = t.exec_fresh(kFwait);
    REQUIRE(f);
    CHECK(f->vector == vec::NM);
}

TEST_CASE("x87: an unmasked zero divide sets ES and B, and #MF comes at the next waiting instruction with CR0.NE") {
    Flat32 t(CpuModel::p6, 0);
    t.cpu().cr0 |= cr0_bit::NE;
    REQUIRE_FALSE(t.exec_fresh(kFninit));
    t.write16(Flat32::kData, 0x037B);  // ZE unmasked
    REQUIRE_FALSE(t.exec_fresh(with_disp({0xD9, 0x2D}, Flat32::kData)));  // fldcw [kData]
    REQUIRE_FALSE(t.exec_fresh(kFldz));
    REQUIRE_FALSE(t.exec_fresh(kFld1));
    REQUIRE_FALSE(t.exec_fresh(kFdivStSt1));  // 1 / 0: ZE, no result
    const X87State& x = t.cpu().x87;
    CHECK((x.fsw & fpu::exc::ZE) != 0);
    CHECK((x.fsw & (fsw_bit::ES | fsw_bit::B)) == (fsw_bit::ES | fsw_bit::B));
    CHECK(x.st(0) == fpu::one(false));  // the operands are left as they were
    // No-wait forms do not signal it...
    REQUIRE_FALSE(t.exec_fresh(kFnstswAx));
    // ...waiting ones do, before doing anything.
    auto f = t.exec_fresh(kFld1);
    REQUIRE(f);
    CHECK(f->vector == vec::MF);
    f = t.exec_fresh(kFwait);
    REQUIRE(f);
    CHECK(f->vector == vec::MF);
    // FNCLEX clears the condition.
    REQUIRE_FALSE(t.exec_fresh({0xDB, 0xE2}));
    CHECK_FALSE(t.exec_fresh(kFwait));
}

TEST_CASE("x87: with CR0.NE clear a pending error asserts FERR# at the next waiting instruction, which goes on") {
    Flat32 t(CpuModel::i486, 0);
    t.cpu().cr0 &= ~cr0_bit::NE;
    std::vector<bool> edges;
    t.cpu().set_ferr_output([&](bool level) { edges.push_back(level); });
    REQUIRE_FALSE(t.exec_fresh(kFninit));
    t.write16(Flat32::kData, 0x037B);  // ZE unmasked
    REQUIRE_FALSE(t.exec_fresh(with_disp({0xD9, 0x2D}, Flat32::kData)));  // fldcw [kData]
    REQUIRE_FALSE(t.exec_fresh(kFldz));
    REQUIRE_FALSE(t.exec_fresh(kFld1));
    REQUIRE_FALSE(t.exec_fresh(kFdivStSt1));  // 1 / 0: ZE pending
    CHECK(edges.empty());                      // not at the instruction that erred...
    REQUIRE_FALSE(t.exec_fresh(kFnstswAx));
    CHECK(edges.empty());                      // ...nor at a no-wait one
    REQUIRE_FALSE(t.exec_fresh(kFld1));        // a waiting one: FERR#, no fault...
    CHECK(edges == std::vector<bool>{true});
    CHECK(t.cpu().ferr());
    CHECK(t.cpu().x87.st(0) == fpu::one(false));  // ...and it executed: 1.0 pushed
    CHECK(t.cpu().x87.st(1) == fpu::one(false));
    REQUIRE_FALSE(t.exec_fresh(kFwait));       // still pending: FERR# stays up, no new edge
    CHECK(edges == std::vector<bool>{true});
    REQUIRE_FALSE(t.exec_fresh({0xDB, 0xE2})); // FNCLEX drops it
    CHECK(edges == std::vector<bool>{true, false});
    CHECK_FALSE(t.cpu().ferr());
    REQUIRE_FALSE(t.exec_fresh(kFwait));
    CHECK(edges.size() == 2);
    // A second error makes a second edge; FNINIT drops it too.
    REQUIRE_FALSE(t.exec_fresh(with_disp({0xD9, 0x2D}, Flat32::kData)));
    REQUIRE_FALSE(t.exec_fresh(kFldz));
    REQUIRE_FALSE(t.exec_fresh(kFld1));
    REQUIRE_FALSE(t.exec_fresh(kFdivStSt1));
    REQUIRE_FALSE(t.exec_fresh(kFwait));
    CHECK(edges == std::vector<bool>{true, false, true});
    REQUIRE_FALSE(t.exec_fresh(kFninit));
    CHECK(edges == std::vector<bool>{true, false, true, false});
}

TEST_CASE("x87: the 386 keeps the coprocessor-less ESC, FCOMI is p6 only") {
    Flat32 old(CpuModel::i386, 0);
    CHECK_FALSE(old.exec_fresh(kFld1));
    CHECK(old.cpu().x87.empty(0));
    Flat32 p5(CpuModel::pentium, 0);
    auto f = p5.exec_fresh({0xDB, 0xF1});  // fcomi st, st(1)
    REQUIRE(f);
    CHECK(f->vector == vec::UD);
}
