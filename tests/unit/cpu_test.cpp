// Small real-mode programs run on a bare machine: the code cache, self-
// modifying code, repeated string instructions that yield, model differences.
#include <catch2/catch.hpp>

#include <vector>

#include "machine/machine.hpp"

using namespace amber;

namespace {
// A machine with 1 MiB of RAM whose CPU starts at 0000:0100 with SS:SP = 0:F000.
struct Bare {
    Machine m;
    explicit Bare(CpuModel model) : m(MachineConfig{model, 0x100000, 0, {}, 1'000'000}) {
        Cpu& c = m.cpu();
        c.load_segment(CS, 0);
        c.load_segment(SS, 0);
        c.load_segment(DS, 0);
        c.load_segment(ES, 0);
        c.eip = 0x100;
        c.r[ESP] = 0xF000;
    }
    void load(std::vector<uint8_t> code, uint32_t at = 0x100) { m.memory().write_block(at, code); }
    RunResult run(uint64_t ticks = 10000) { return m.run(ticks); }
};
}  // namespace

TEST_CASE("a loop runs from the code cache and halts") {
    Bare b(CpuModel::i80286);
    // mov cx,10; xor ax,ax; l: add ax,cx; loop l; hlt
    b.load({0xB9, 0x0A, 0x00, 0x31, 0xC0, 0x01, 0xC8, 0xE2, 0xFC, 0xF4});
    RunResult r = b.run();
    CHECK(r.reason == StopReason::HaltedForever);
    CHECK(b.m.cpu().reg<uint16_t>(EAX) == 55);
    CHECK(b.m.cpu().code_cache().size() >= 1);
}

TEST_CASE("self-modifying code in the running block takes effect") {
    Bare b(CpuModel::i80286);
    // mov byte [0x108], 0x42 ; the next instruction's immediate is patched
    // mov al, 0x00 (at 0x105: B0 00, imm at 0x106) -- patch 0x106 instead
    b.load({0xC6, 0x06, 0x06, 0x01, 0x42,  // mov byte [0x106], 0x42
            0xB0, 0x00,                    // mov al, 0x00  -> becomes mov al, 0x42
            0xF4});
    b.run();
    CHECK(b.m.cpu().reg<uint8_t>(EAX) == 0x42);
}

TEST_CASE("code rewritten between runs is decoded again") {
    Bare b(CpuModel::i8086);
    b.load({0xB0, 0x01, 0xF4});  // mov al,1; hlt
    b.run();
    CHECK(b.m.cpu().reg<uint8_t>(EAX) == 1);
    b.load({0xB0, 0x02, 0xF4});
    b.m.cpu().eip = 0x100;
    b.m.cpu().halted = false;
    b.run();
    CHECK(b.m.cpu().reg<uint8_t>(EAX) == 2);
}

TEST_CASE("REP MOVSB yields to the tick budget and resumes where it stopped") {
    for (uint64_t slice : {1ull, 7ull, 1000ull}) {
        Bare b(CpuModel::i80286);
        for (uint32_t k = 0; k < 300; ++k) b.m.memory().write8(0x2000 + k, uint8_t(k * 7));
        // mov si,0x2000; mov di,0x3000; mov cx,300; cld; rep movsb; hlt
        b.load({0xBE, 0x00, 0x20, 0xBF, 0x00, 0x30, 0xB9, 0x2C, 0x01, 0xFC, 0xF3, 0xA4, 0xF4});
        RunResult r;
        do r = b.run(slice);
        while (r.reason == StopReason::TickLimit);
        CHECK(r.reason == StopReason::HaltedForever);
        for (uint32_t k = 0; k < 300; ++k) REQUIRE(b.m.memory().read8(0x3000 + k) == uint8_t(k * 7));
        CHECK(b.m.cpu().reg<uint16_t>(ECX) == 0);
        CHECK(b.m.cpu().ticks == 4 + 300 + 1);  // 4 setup instructions, 300 iterations, HLT
    }
}

TEST_CASE("PUSH SP differs between the 8086 and the 286") {
    for (auto [model, expect] : {std::pair{CpuModel::i8086, 0xEFFE}, std::pair{CpuModel::i80286, 0xF000}}) {
        Bare b(model);
        b.load({0x54, 0xF4});  // push sp; hlt
        b.run();
        CHECK(b.m.memory().read<uint16_t>(0xEFFE) == expect);
    }
}

TEST_CASE("an undefined opcode raises #UD on the 286 through the IVT") {
    Bare b(CpuModel::i80286);
    b.m.memory().write<uint16_t>(6 * 4, 0x0200);  // vector 6 -> 0000:0200
    b.m.memory().write<uint16_t>(6 * 4 + 2, 0);
    b.load({0xF4}, 0x200);
    b.load({0x63, 0xC0});  // ARPL: not valid in real mode
    b.run();
    CHECK(b.m.cpu().eip == 0x201);
    CHECK(b.m.memory().read<uint16_t>(0xEFFA) == 0x100);  // return IP = the faulting instruction
}

TEST_CASE("divide error return address: next instruction on the 8086, the DIV itself on the 286") {
    for (auto [model, expect] : {std::pair{CpuModel::i8086, 0x102}, std::pair{CpuModel::i80286, 0x100}}) {
        Bare b(model);
        b.m.memory().write<uint16_t>(0, 0x0200);
        b.m.memory().write<uint16_t>(2, 0);
        b.load({0xF4}, 0x200);
        b.load({0xF6, 0xF3});  // div bl (bl = 0)
        b.run();
        CHECK(b.m.memory().read<uint16_t>(0xEFFA) == expect);
    }
}

TEST_CASE("two runs of the same program take the same number of ticks") {
    auto once = [] {
        Bare b(CpuModel::i80286);
        b.load({0xB9, 0xFF, 0x7F, 0xE2, 0xFE, 0xF4});  // mov cx,0x7fff; loop $; hlt
        b.run(1'000'000);
        return b.m.cpu().ticks;
    };
    CHECK(once() == once());
    CHECK(once() == 1 + 0x7FFF + 1);
}

TEST_CASE("a stop requested before run() ends that run at once") {
    Bare b(CpuModel::i80286);
    b.load({0xEB, 0xFE});  // jmp $
    b.m.stop(StopReason::Requested, 5, "asked early");
    RunResult r = b.run(1000);
    CHECK(r.reason == StopReason::Requested);
    CHECK(r.exit_code == 5);
    CHECK(b.run(100).reason == StopReason::TickLimit);  // the next run starts afresh
}
