// The PIT, the PIC and the CPU together: a real-mode guest programs both,
// halts, and counts timer interrupts; a second one counts RTC periodic
// interrupts through the slave PIC.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "devices/pic8259.hpp"
#include "devices/pit8254.hpp"
#include "devices/rtc_cmos.hpp"
#include "machine/machine.hpp"

using namespace amber;

namespace {

// Guest code assembled by hand. The ROM is the top 64 KiB below 1 MiB
// (segment F000); the reset vector jumps to F000:0000.
std::vector<uint8_t> make_rom(const std::vector<uint8_t>& main, const std::vector<uint8_t>& handler) {
    std::vector<uint8_t> rom(0x10000, 0x90);
    std::copy(main.begin(), main.end(), rom.begin());
    std::copy(handler.begin(), handler.end(), rom.begin() + 0x100);
    const uint8_t reset[] = {0xEA, 0x00, 0x00, 0x00, 0xF0};  // jmp far F000:0000
    std::copy(std::begin(reset), std::end(reset), rom.begin() + 0xFFF0);
    return rom;
}

// cli; ds = ss = 0; sp = 7000h; IVT[vector] = F000:0100; `setup`; PIC init
// (08h/70h), which clears the edge latches of whatever `setup` raised.
std::vector<uint8_t> prologue(uint8_t vector, std::initializer_list<uint8_t> setup) {
    uint16_t off = uint16_t(vector * 4);
    uint8_t lo = uint8_t(off), hi = uint8_t(off >> 8), lo2 = uint8_t(off + 2), hi2 = uint8_t((off + 2) >> 8);
    std::vector<uint8_t> head = {
        0xFA,                                            // cli
        0x31, 0xC0, 0x8E, 0xD8, 0x8E, 0xD0,              // xor ax,ax; mov ds,ax; mov ss,ax
        0xBC, 0x00, 0x70,                                // mov sp,7000h
        0xC7, 0x06, lo, hi, 0x00, 0x01,                  // mov word [vector*4], 0100h
        0xC7, 0x06, lo2, hi2, 0x00, 0xF0,                // mov word [vector*4+2], F000h
    };
    head.insert(head.end(), setup);
    std::vector<uint8_t> pic = {
        0xB0, 0x11, 0xE6, 0x20, 0xB0, 0x08, 0xE6, 0x21,  // ICW1, ICW2 master
        0xB0, 0x04, 0xE6, 0x21, 0xB0, 0x01, 0xE6, 0x21,  // ICW3, ICW4
        0xB0, 0x11, 0xE6, 0xA0, 0xB0, 0x70, 0xE6, 0xA1,  // ICW1, ICW2 slave
        0xB0, 0x02, 0xE6, 0xA1, 0xB0, 0x01, 0xE6, 0xA1,  // ICW3, ICW4
    };
    head.insert(head.end(), pic.begin(), pic.end());
    return head;
}

void append(std::vector<uint8_t>& v, std::initializer_list<uint8_t> bytes) { v.insert(v.end(), bytes); }

struct Board {
    std::unique_ptr<Machine> m;
    Pic8259* pic;
    Pit8254* pit;
    RtcCmos* rtc;

    explicit Board(std::vector<uint8_t> rom) {
        MachineConfig cfg;
        cfg.rom = std::move(rom);
        m = std::make_unique<Machine>(cfg);
        Cpu& cpu = m->cpu();
        pic = m->add_device(std::make_unique<Pic8259>(m->io(), [&cpu](bool l) { cpu.set_irq(l); }));
        cpu.set_interrupt_source(pic);
        auto now = [&cpu] { return cpu.ticks; };
        pit = m->add_device(std::make_unique<Pit8254>(m->io(), m->scheduler(), now, pic->irq(0)));
        rtc = m->add_device(std::make_unique<RtcCmos>(m->io(), m->scheduler(), now, 0, pic->irq(8)));
        m->reset();
    }
    uint16_t counter() { return m->memory().read<uint16_t>(0x500); }
};

}  // namespace

TEST_CASE("timer interrupts: PIT channel 0 through the PIC wakes a halted CPU", "[pit][pic]") {
    // The mode 2 control word raises OUT (an edge the PIC init then forgets).
    std::vector<uint8_t> code = prologue(0x08, {
        0xB0, 0x34, 0xE6, 0x43,  // counter 0, mode 2
        0xB0, 0xA9, 0xE6, 0x40,  // count 1193 (04A9h): 1 kHz
        0xB0, 0x04, 0xE6, 0x40,
    });
    append(code, {
        0xB0, 0xFE, 0xE6, 0x21,  // unmask IRQ0 only
        0xFB,                    // sti
        0xF4,                    // hlt
        0xEB, 0xFD,              // jmp back to hlt
    });
    std::vector<uint8_t> handler = {
        0xFF, 0x06, 0x00, 0x05,  // inc word [0500h]
        0xB0, 0x20, 0xE6, 0x20,  // non-specific EOI
        0xCF,                    // iret
    };
    Board b(make_rom(code, handler));
    // 100 M ticks per second: an interrupt every 100,000 ticks or so.
    b.m->run(1'050'000);
    CHECK(b.counter() == 10);
    b.m->run(100'000'000 - 1'050'000);
    CHECK(b.counter() == 1000);
}

TEST_CASE("timer interrupts: RTC periodic interrupts arrive through the slave PIC", "[rtc][pic]") {
    std::vector<uint8_t> code = prologue(0x70, {});
    append(code, {
        0xB0, 0xFB, 0xE6, 0x21,  // unmask the cascade
        0xB0, 0xFE, 0xE6, 0xA1,  // unmask IRQ8
        0xB0, 0x0A, 0xE6, 0x70,  // register A: 32 kHz divider, rate 6 (1024 Hz)
        0xB0, 0x26, 0xE6, 0x71,
        0xB0, 0x0B, 0xE6, 0x70,  // register B: PIE, 24-hour
        0xB0, 0x42, 0xE6, 0x71,
        0xFB,                    // sti
        0xF4,                    // hlt
        0xEB, 0xFD,
    });
    std::vector<uint8_t> handler = {
        0xFF, 0x06, 0x00, 0x05,  // inc word [0500h]
        0xB0, 0x0C, 0xE6, 0x70,  // read register C: acknowledges the RTC
        0xE4, 0x71,
        0xB0, 0x20, 0xE6, 0xA0,  // EOI slave
        0xE6, 0x20,              // EOI master
        0xCF,                    // iret
    };
    Board b(make_rom(code, handler));
    b.m->run(100'000'000);  // one second
    CHECK(b.counter() >= 1023);
    CHECK(b.counter() <= 1024);
}
