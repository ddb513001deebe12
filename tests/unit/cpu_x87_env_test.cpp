// FNSTENV/FLDENV/FNSAVE/FRSTOR: the four image layouts (16/32-bit operand
// size x real/v86 and protected mode, SDM vol. 1 figures 8-9 to 8-12), the
// tag word computed from the registers, FNSTENV's masking and FNSAVE's
// reinitialisation, exceptions pending after a load, and faults that leave
// both memory and the FPU as they were.
#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "cpu/x87_env.hpp"
#include "tests/unit/cpu32_harness.hpp"

using namespace amber;
using amber::test::Flat32;

namespace {

std::vector<uint8_t> with_disp32(std::vector<uint8_t> op, uint32_t a) {
    for (int i = 0; i < 4; ++i) op.push_back(static_cast<uint8_t>(a >> (8 * i)));
    return op;
}
std::vector<uint8_t> with_disp16(std::vector<uint8_t> op, uint16_t a) {
    op.push_back(static_cast<uint8_t>(a));
    op.push_back(static_cast<uint8_t>(a >> 8));
    return op;
}
std::vector<uint8_t> prefixed(uint8_t prefix, std::vector<uint8_t> op) {
    op.insert(op.begin(), prefix);
    return op;
}

// The ModRM for [disp32] (32-bit addressing) and [disp16] (16-bit), reg field r.
constexpr uint8_t mem32(unsigned r) { return static_cast<uint8_t>((r << 3) | 5); }
constexpr uint8_t mem16(unsigned r) { return static_cast<uint8_t>((r << 3) | 6); }

const std::vector<uint8_t> kFninit{0xDB, 0xE3}, kFld1{0xD9, 0xE8}, kFldz{0xD9, 0xEE}, kFwait{0x9B};

constexpr uint32_t kInfinityF32 = 0x7F800000;

// A P6 in real mode: CS = 7123 (code at linear 71330), DS = 2000. The
// segments are chosen so the linear pointers have high bits to split.
struct RealP6 {
    static constexpr uint16_t kCs = 0x7123, kDs = 0x2000, kIp = 0x100;
    Machine m{MachineConfig{.cpu = CpuModel::p6, .ram_bytes = 640 * 1024, .ticks_per_second = 1'000'000}};
    RealP6() {
        Cpu& c = m.cpu();
        for (unsigned sr : {ES, SS, DS, FS, GS}) c.load_segment(sr, kDs);
        c.load_segment(CS, kCs);
        c.r[ESP] = 0xF000;
    }
    Cpu& cpu() { return m.cpu(); }
    std::optional<CpuFault> exec(const std::vector<uint8_t>& code) {
        cpu().eip = kIp;
        m.memory().write_block(uint32_t(kCs) * 16 + kIp, code);
        return cpu().step();
    }
    uint8_t byte(uint16_t off) { return m.memory().read<uint8_t>(uint32_t(kDs) * 16 + off); }
    uint16_t word(uint16_t off) { return m.memory().read<uint16_t>(uint32_t(kDs) * 16 + off); }
    uint32_t dword(uint16_t off) { return m.memory().read<uint32_t>(uint32_t(kDs) * 16 + off); }
    void put32(uint16_t off, uint32_t v) { m.memory().write<uint32_t>(uint32_t(kDs) * 16 + off, v); }
};

// Three values on the stack: R7 = 1.0 (valid), R6 = 0 (zero), R5 = +inf
// (special), loaded from [data], so TOP = 5.
template <typename T> void push_three(T& t, const std::vector<uint8_t>& fld_inf) {
    REQUIRE_FALSE(t.exec(kFninit));
    REQUIRE_FALSE(t.exec(kFld1));
    REQUIRE_FALSE(t.exec(kFldz));
    REQUIRE_FALSE(t.exec(fld_inf));
}
constexpr uint16_t kThreeTags = 0x1BFF;  // R7 00, R6 01, R5 10, R4..R0 11
constexpr uint16_t kThreeFsw = 5u << 11;

bool same_state(const X87State& a, const X87State& b) {
    for (unsigned p = 0; p < 8; ++p)
        if (!(a.reg[p] == b.reg[p])) return false;
    return a.used == b.used && a.fcw == b.fcw && a.fsw == b.fsw && a.fip == b.fip && a.fdp == b.fdp &&
           a.fcs == b.fcs && a.fds == b.fds && a.fop == b.fop;
}

}  // namespace

TEST_CASE("x87 env: FNSTENV in 32-bit protected mode stores selector:offset pointers and the opcode", "[x87env]") {
    Flat32 t(CpuModel::p6, 0);
    t.write32(Flat32::kData + 0x200, kInfinityF32);
    REQUIRE_FALSE(t.exec_fresh(kFninit));
    t.write16(Flat32::kData + 0x210, 0x0360);  // every exception unmasked
    REQUIRE_FALSE(t.exec_fresh(with_disp32({0xD9, mem32(5)}, Flat32::kData + 0x210)));  // fldcw
    REQUIRE_FALSE(t.exec_fresh(kFld1));
    REQUIRE_FALSE(t.exec_fresh(kFldz));
    REQUIRE_FALSE(t.exec_fresh(with_disp32({0xD9, mem32(0)}, Flat32::kData + 0x200)));  // fld dword [inf]
    REQUIRE_FALSE(t.exec_fresh(with_disp32({0xD9, mem32(6)}, Flat32::kData)));  // fnstenv [kData]
    CHECK(t.read32(Flat32::kData + 0) == 0xFFFF0360u);
    CHECK(t.read32(Flat32::kData + 4) == (0xFFFF0000u | kThreeFsw));
    CHECK(t.read32(Flat32::kData + 8) == (0xFFFF0000u | kThreeTags));
    CHECK(t.read32(Flat32::kData + 12) == Flat32::kCode);      // FIP: the FLD's offset
    CHECK(t.read32(Flat32::kData + 16) == (0x105u << 16 | 0x08));  // opcode D9 05, CS
    CHECK(t.read32(Flat32::kData + 20) == Flat32::kData + 0x200);  // FDP
    CHECK(t.read32(Flat32::kData + 24) == 0xFFFF0010u);            // DS
    // The store itself changes nothing but the masks.
    const X87State& x = t.cpu().x87;
    CHECK(x.fcw == 0x037F);
    CHECK(x.top() == 5);
    CHECK(x.fip == Flat32::kCode);
}

TEST_CASE("x87 env: FNSTENV with a 16-bit operand size in protected mode is the 14-byte 286 layout", "[x87env]") {
    Flat32 t(CpuModel::p6, 0);
    t.write32(Flat32::kData + 0x200, kInfinityF32);
    t.cpu().eip = Flat32::kCode;
    // Pointers above 64 KiB: the image keeps their low 16 bits.
    t.write32(Flat32::kData + 0x1234, kInfinityF32);
    push_three(t, with_disp32({0xD9, mem32(0)}, Flat32::kData + 0x1234));
    const uint32_t fip = t.cpu().x87.fip;
    CHECK(fip == Flat32::kCode + 6);  // the third instruction
    for (unsigned k = 0; k < 16; k += 4) t.write32(Flat32::kData + k, 0xA5A5A5A5);
    t.cpu().eip = Flat32::kCode;
    REQUIRE_FALSE(t.exec(prefixed(0x66, with_disp32({0xD9, mem32(6)}, Flat32::kData))));  // o16 fnstenv
    CHECK(t.read16(Flat32::kData + 0) == 0x037F);
    CHECK(t.read16(Flat32::kData + 2) == kThreeFsw);
    CHECK(t.read16(Flat32::kData + 4) == kThreeTags);
    CHECK(t.read16(Flat32::kData + 6) == (fip & 0xFFFF));
    CHECK(t.read16(Flat32::kData + 8) == 0x08);
    CHECK(t.read16(Flat32::kData + 10) == ((Flat32::kData + 0x1234) & 0xFFFF));
    CHECK(t.read16(Flat32::kData + 12) == 0x10);
    CHECK(t.read16(Flat32::kData + 14) == 0xA5A5);  // 14 bytes, no more
}

TEST_CASE("x87 env: FNSTENV in real mode stores linear pointers split beside the opcode", "[x87env]") {
    RealP6 t;
    t.put32(0x40, kInfinityF32);
    push_three(t, with_disp16({0xD9, mem16(0)}, 0x40));  // fld dword [0x40]: FDP 2000:0040 = 20040
    const uint32_t fip = uint32_t(RealP6::kCs) * 16 + RealP6::kIp;  // 71330

    SECTION("16-bit operand size: 20-bit addresses") {
        REQUIRE_FALSE(t.exec(with_disp16({0xD9, mem16(6)}, 0x100)));  // fnstenv [0x100]
        CHECK(t.word(0x100) == 0x037F);
        CHECK(t.word(0x102) == kThreeFsw);
        CHECK(t.word(0x104) == kThreeTags);
        CHECK(t.word(0x106) == (fip & 0xFFFF));
        CHECK(t.word(0x108) == ((fip >> 16) << 12 | 0x106));  // FIP 19..16, opcode D9 06
        CHECK(t.word(0x10A) == 0x0040);
        CHECK(t.word(0x10C) == 0x2000);  // FDP 19..16 = 2
    }
    SECTION("32-bit operand size: 32-bit addresses in 16 + 16 bits") {
        REQUIRE_FALSE(t.exec(prefixed(0x66, with_disp16({0xD9, mem16(6)}, 0x100))));
        CHECK(t.dword(0x100) == 0xFFFF037Fu);
        CHECK(t.dword(0x104) == (0xFFFF0000u | kThreeFsw));
        CHECK(t.dword(0x108) == (0xFFFF0000u | kThreeTags));
        CHECK(t.dword(0x10C) == (0xFFFF0000u | (fip & 0xFFFF)));
        CHECK(t.dword(0x110) == ((fip >> 16) << 12 | 0x106));
        CHECK(t.dword(0x114) == 0xFFFF0040u);
        CHECK(t.dword(0x118) == 0x2000u);
    }
}

TEST_CASE("x87 env: virtual-8086 mode uses the real-mode layout", "[x87env]") {
    Flat32 t(CpuModel::p6, 0);
    // IRETD from ring 0 to v86 at 1000:0010, SS:SP 2000:0100.
    const uint32_t frame[9] = {0x10, 0x1000, flag::VM | 0x2, 0x100, 0x2000, 0x3000, 0x3000, 0, 0};
    t.cpu().r[ESP] = Flat32::kStack - 36;
    for (unsigned k = 0; k < 9; ++k) t.write32(Flat32::kStack - 36 + 4 * k, frame[k]);
    REQUIRE_FALSE(t.exec_fresh({0xCF}));
    REQUIRE(t.cpu().v86());
    const uint32_t code = 0x10000 + 0x10;
    t.m.memory().write_block(code, std::vector<uint8_t>{0xDB, 0xE3});  // fninit (no pointers)
    REQUIRE_FALSE(t.cpu().step());
    t.m.memory().write_block(code + 2, std::vector<uint8_t>{0xD9, 0xE8});  // fld1 at 1000:0012
    REQUIRE_FALSE(t.cpu().step());
    t.m.memory().write_block(code + 4, with_disp16({0xD9, mem16(6)}, 0x20));  // fnstenv [0x20] (DS = 3000)
    REQUIRE_FALSE(t.cpu().step());
    const uint32_t image = 0x30000 + 0x20;
    CHECK(t.read16(image + 6) == 0x0012);                 // linear 10012: low 16 bits
    CHECK(t.read16(image + 8) == (0x1u << 12 | 0x1E8));  // FIP 19..16 = 1, opcode D9 E8
}

TEST_CASE("x87 env: FNSAVE stores the registers in stack order, then reinitialises like FNINIT", "[x87env]") {
    Flat32 t(CpuModel::p6, 0);
    t.write32(Flat32::kData + 0x200, kInfinityF32);
    push_three(t, with_disp32({0xD9, mem32(0)}, Flat32::kData + 0x200));
    t.cpu().x87.fcw = 0x0B72;  // round up, three exceptions unmasked (none pending)
    REQUIRE_FALSE(t.exec_fresh(with_disp32({0xDD, mem32(6)}, Flat32::kData)));  // fnsave [kData]
    CHECK(t.read32(Flat32::kData + 0) == 0xFFFF0B72u);
    CHECK(t.read32(Flat32::kData + 8) == (0xFFFF0000u | kThreeTags));
    // ST(0) = +inf, ST(1) = 0, ST(2) = 1.0, then the empty registers' contents.
    auto reg_at = [&](unsigned i) {
        std::array<uint8_t, 10> b;
        for (unsigned k = 0; k < 10; ++k) b[k] = t.m.memory().read<uint8_t>(Flat32::kData + 28 + 10 * i + k);
        return fpu::Float80::load(b.data());
    };
    CHECK(reg_at(0) == fpu::infinity(false));
    CHECK(reg_at(1) == fpu::zero(false));
    CHECK(reg_at(2) == fpu::one(false));
    const X87State& x = t.cpu().x87;
    CHECK(x.fcw == 0x037F);
    CHECK(x.fsw == 0);
    CHECK(x.used == 0);
    CHECK(x.full_tags() == 0xFFFF);
    CHECK(x.fip == 0);
    CHECK(x.fdp == 0);
    CHECK(x.fop == 0);
}

TEST_CASE("x87 env: FNSAVE/FRSTOR and FNSTENV/FLDENV round-trip in all four layouts", "[x87env]") {
    for (const bool o32 : {false, true}) {
        for (const bool real : {false, true}) {
            CAPTURE(o32, real);
            const uint8_t prefix = 0x66;  // flips the operand size in either mode
            X87State before;
            std::vector<uint8_t> first, second;
            const unsigned size = X87EnvFormat{o32, real}.save_size();
            auto image = [&](auto& t, auto read8, auto exec_save, auto exec_restore) {
                before = t.cpu().x87;
                REQUIRE_FALSE(exec_save());
                first.clear();
                for (unsigned k = 0; k < size; ++k) first.push_back(read8(k));
                CHECK(t.cpu().x87.used == 0);  // reinitialised
                REQUIRE_FALSE(exec_restore());
                // The FPU is back (in real mode, the pointers come back as the
                // same linear addresses: store again and compare the images).
                // The 14-byte protected-mode image keeps 16-bit offsets and no opcode.
                X87State expect = before;
                if (!o32) expect.fip &= 0xFFFF, expect.fdp &= 0xFFFF, expect.fop = 0;
                if (!real) CHECK(same_state(t.cpu().x87, expect));
                for (unsigned p = 0; p < 8; ++p) CHECK(t.cpu().x87.reg[p] == before.reg[p]);
                CHECK(t.cpu().x87.used == before.used);
                REQUIRE_FALSE(exec_save());
                second.clear();
                for (unsigned k = 0; k < size; ++k) second.push_back(read8(k));
                CHECK(first == second);
            };
            if (real) {
                RealP6 t;
                t.put32(0x40, kInfinityF32);
                push_three(t, with_disp16({0xD9, mem16(0)}, 0x40));
                t.cpu().x87.fsw |= fpu::exc::PE | fpu::kC1;  // a masked flag, a condition code
                auto op = [&](uint8_t opc, unsigned r) {
                    std::vector<uint8_t> code = with_disp16({opc, mem16(r)}, 0x200);
                    return o32 ? prefixed(prefix, code) : code;
                };
                image(t, [&](unsigned k) { return t.byte(static_cast<uint16_t>(0x200 + k)); },
                      [&] { return t.exec(op(0xDD, 6)); }, [&] { return t.exec(op(0xDD, 4)); });
            } else {
                Flat32 t(CpuModel::p6, 0);
                t.write32(Flat32::kData + 0x40, kInfinityF32);
                push_three(t, with_disp32({0xD9, mem32(0)}, Flat32::kData + 0x40));
                t.cpu().x87.fsw |= fpu::exc::PE | fpu::kC1;
                auto op = [&](uint8_t opc, unsigned r) {
                    std::vector<uint8_t> code = with_disp32({opc, mem32(r)}, Flat32::kData + 0x200);
                    return o32 ? code : prefixed(prefix, code);
                };
                image(t, [&](unsigned k) { return t.m.memory().read<uint8_t>(Flat32::kData + 0x200 + k); },
                      [&] { return t.exec_fresh(op(0xDD, 6)); }, [&] { return t.exec_fresh(op(0xDD, 4)); });
                // FNSTENV/FLDENV: the same environment back (masks aside).
                Flat32& f = t;
                const X87State env_before = f.cpu().x87;
                REQUIRE_FALSE(f.exec_fresh(op(0xD9, 6)));
                CHECK(f.cpu().x87.fcw == (env_before.fcw | fpu::exc::kAll));
                f.cpu().x87.init();
                REQUIRE_FALSE(f.exec_fresh(op(0xD9, 4)));
                X87State expect = env_before;
                for (unsigned p = 0; p < 8; ++p) expect.reg[p] = f.cpu().x87.reg[p];  // FLDENV leaves registers
                if (!o32) expect.fop = f.cpu().x87.fop;  // not in the 14-byte image
                if (!o32) expect.fip &= 0xFFFF, expect.fdp &= 0xFFFF;
                CHECK(same_state(f.cpu().x87, expect));
            }
        }
    }
}

TEST_CASE("x87 env: the stored tag word is computed from the register contents", "[x87env]") {
    // Through the image codec: every class of value in a non-empty register.
    X87State x;
    const fpu::Float80 values[8] = {
        fpu::one(false),                                 // valid
        fpu::zero(true),                                 // zero (either sign)
        fpu::Float80::make(false, 0, 1),                 // denormal: special
        fpu::infinity(true),                             // special
        fpu::kIndefinite,                                // NaN: special
        fpu::Float80::make(false, 0x3FFF, 0x4000000000000000u),  // unnormal: special
        fpu::Float80::make(false, 0x4000, 0x8000000000000000u),  // 2.0 but empty
        fpu::Float80::make(false, 0, 0x8000000000000000u),       // pseudo-denormal: special
    };
    for (unsigned p = 0; p < 8; ++p) x.reg[p] = values[p];
    x.used = 0xFF & ~(1u << 6);
    uint8_t image[28];
    store_x87_env(x, X87EnvFormat{true, false}, image);
    const uint16_t ftw = static_cast<uint16_t>(image[8] | image[9] << 8);
    CHECK(ftw == (0u << 0 | 1u << 2 | 2u << 4 | 2u << 6 | 2u << 8 | 2u << 10 | 3u << 12 | 2u << 14));

    // FLDENV takes only "empty or not": a tag of "zero" on a register that
    // holds 1.0 comes back as valid, and "empty" empties a register with
    // contents.
    Flat32 t(CpuModel::p6, 0);
    REQUIRE_FALSE(t.exec_fresh(kFninit));
    REQUIRE_FALSE(t.exec_fresh(kFld1));  // R7 = 1.0
    REQUIRE_FALSE(t.exec_fresh(kFld1));  // R6 = 1.0
    REQUIRE_FALSE(t.exec_fresh(with_disp32({0xD9, mem32(6)}, Flat32::kData)));  // fnstenv
    t.write16(Flat32::kData + 8, 0x7FFF);  // R7 "zero", R6 empty, the rest empty
    REQUIRE_FALSE(t.exec_fresh(with_disp32({0xD9, mem32(4)}, Flat32::kData)));  // fldenv
    CHECK(t.cpu().x87.used == 0x80);
    CHECK(t.cpu().x87.full_tags() == 0x3FFF);  // R7 valid again
}

TEST_CASE("x87 env: a loaded status word with an unmasked flag makes the next waiting instruction #MF", "[x87env]") {
    Flat32 t(CpuModel::p6, 0);
    t.cpu().cr0 |= cr0_bit::NE;
    REQUIRE_FALSE(t.exec_fresh(kFninit));
    REQUIRE_FALSE(t.exec_fresh(with_disp32({0xD9, mem32(6)}, Flat32::kData)));  // fnstenv: a clean image
    SECTION("unmasked: ES and B set, #MF at the next FLD and FWAIT, not at FNSTSW") {
        t.write16(Flat32::kData + 0, 0x037B);  // ZE unmasked
        t.write16(Flat32::kData + 4, fpu::exc::ZE);
        REQUIRE_FALSE(t.exec_fresh(with_disp32({0xD9, mem32(4)}, Flat32::kData)));  // fldenv
        const X87State& x = t.cpu().x87;
        CHECK((x.fsw & (fsw_bit::ES | fsw_bit::B)) == (fsw_bit::ES | fsw_bit::B));
        CHECK_FALSE(t.exec_fresh({0xDF, 0xE0}));  // fnstsw ax: no wait
        auto f = t.exec_fresh(kFld1);
        REQUIRE(f);
        CHECK(f->vector == vec::MF);
        CHECK(x.used == 0);  // the FLD did nothing
        f = t.exec_fresh(kFwait);
        REQUIRE(f);
        CHECK(f->vector == vec::MF);
        // FRSTOR waits too: it raises the pending #MF before loading.
        f = t.exec_fresh(with_disp32({0xDD, mem32(4)}, Flat32::kData));
        REQUIRE(f);
        CHECK(f->vector == vec::MF);
        // FNSTENV masks everything, which clears ES: a handler can go on.
        REQUIRE_FALSE(t.exec_fresh(with_disp32({0xD9, mem32(6)}, Flat32::kData + 0x100)));
        CHECK_FALSE(x.error_pending());
        CHECK_FALSE(t.exec_fresh(kFwait));
        CHECK(t.read16(Flat32::kData + 0x104) == (fpu::exc::ZE | fsw_bit::ES | fsw_bit::B));
    }
    SECTION("masked, or ES claimed without a flag: nothing pending") {
        t.write16(Flat32::kData + 0, 0x037F);
        t.write16(Flat32::kData + 4, fpu::exc::ZE | fsw_bit::ES | fsw_bit::B);
        REQUIRE_FALSE(t.exec_fresh(with_disp32({0xD9, mem32(4)}, Flat32::kData)));
        CHECK((t.cpu().x87.fsw & (fsw_bit::ES | fsw_bit::B)) == 0);
        CHECK_FALSE(t.exec_fresh(kFld1));
    }
}

TEST_CASE("x87 env: a faulting store or load leaves memory and the FPU as they were", "[x87env]") {
    Flat32 t(CpuModel::p6, 0);
    t.write32(Flat32::kData + 0x40, kInfinityF32);
    push_three(t, with_disp32({0xD9, mem32(0)}, Flat32::kData + 0x40));
    t.cpu().x87.fcw = 0x0372;
    const X87State before = t.cpu().x87;
    // DS ends 50 bytes after the image's start: the environment fits, the
    // whole state does not.
    Segment ds = t.cpu().seg[DS];
    ds.limit = Flat32::kData + 49;
    t.cpu().set_segment_cache(DS, ds);
    for (unsigned k = 0; k < 50; k += 2) t.write16(Flat32::kData + k, 0x5A5A);

    auto f = t.exec_fresh(with_disp32({0xDD, mem32(6)}, Flat32::kData));  // fnsave: 108 bytes
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    CHECK(same_state(t.cpu().x87, before));  // not reinitialised
    for (unsigned k = 0; k < 50; k += 2) CHECK(t.read16(Flat32::kData + k) == 0x5A5A);

    f = t.exec_fresh(with_disp32({0xD9, mem32(6)}, Flat32::kData + 30));  // fnstenv: 28 bytes, 8 past the end
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    CHECK(t.cpu().x87.fcw == 0x0372);  // not masked
    CHECK(t.read16(Flat32::kData + 30) == 0x5A5A);

    // FRSTOR from an image that runs past the limit: nothing loaded.
    f = t.exec_fresh(with_disp32({0xDD, mem32(4)}, Flat32::kData));
    REQUIRE(f);
    CHECK(f->vector == vec::GP);
    CHECK(same_state(t.cpu().x87, before));
    // FLDENV of a whole image inside the limit works.
    REQUIRE_FALSE(t.exec_fresh(with_disp32({0xD9, mem32(4)}, Flat32::kData)));
    CHECK(t.cpu().x87.fcw == 0x1A5A);  // 0x5A5A with the reserved bits cleared, bit 6 set
}
