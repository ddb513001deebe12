// The 8259A pair, programmed through its ports as a BIOS or an OS would.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/pic8259.hpp"
#include "machine/io_bus.hpp"
#include "tape_archive.hpp"

using namespace amber;

namespace {

struct Rig {
    IoBus io;
    bool intr = false;
    int intr_changes = 0;
    Pic8259 pic{io, [this](bool l) {
                    intr = l;
                    ++intr_changes;
                }};

    explicit Rig(bool program = true) {
        if (program) init();
    }
    uint8_t in(uint16_t port) { return uint8_t(io.read(port, 1)); }
    void out(uint16_t port, uint8_t v) { io.write(port, v, 1); }
    // What a PC BIOS does: master at 08h, slave at 70h, cascade on IR2, 8086 mode.
    void init(uint8_t master_icw4 = 0x01, uint8_t slave_icw4 = 0x01) {
        out(0x20, 0x11), out(0x21, 0x08), out(0x21, 0x04), out(0x21, master_icw4);
        out(0xA0, 0x11), out(0xA1, 0x70), out(0xA1, 0x02), out(0xA1, slave_icw4);
        out(0x21, 0x00), out(0xA1, 0x00);
    }
    uint8_t read_irr(uint16_t base) {
        out(base, 0x0A);
        return in(base);
    }
    uint8_t read_isr(uint16_t base) {
        out(base, 0x0B);
        uint8_t v = in(base);
        out(base, 0x0A);
        return v;
    }
    void eoi(uint16_t base) { out(base, 0x20); }
    void pulse(unsigned line) {
        pic.set_irq(line, true);
        pic.set_irq(line, false);
    }
};

}  // namespace

TEST_CASE("pic: an edge request raises INTR and acknowledging gives its vector", "[pic]") {
    Rig r;
    CHECK_FALSE(r.intr);
    r.pic.set_irq(0, true);
    CHECK(r.intr);
    CHECK(r.read_irr(0x20) == 0x01);
    CHECK(r.pic.acknowledge() == 0x08);
    CHECK_FALSE(r.intr);
    CHECK(r.read_isr(0x20) == 0x01);
    CHECK(r.read_irr(0x20) == 0x00);  // the edge latch was consumed
    // IRQ1 has a lower priority than the IRQ0 in service: it waits for the EOI.
    r.pic.set_irq(1, true);
    CHECK_FALSE(r.intr);
    r.eoi(0x20);
    CHECK(r.read_isr(0x20) == 0x00);
    CHECK(r.intr);
    CHECK(r.pic.acknowledge() == 0x09);
}

TEST_CASE("pic: a higher priority request nests inside a lower one in service", "[pic]") {
    Rig r;
    r.pic.set_irq(3, true);
    CHECK(r.pic.acknowledge() == 0x0B);
    r.pic.set_irq(1, true);
    CHECK(r.intr);
    CHECK(r.pic.acknowledge() == 0x09);
    CHECK(r.read_isr(0x20) == 0x0A);
    r.eoi(0x20);  // non-specific EOI ends the highest priority one: IRQ1
    CHECK(r.read_isr(0x20) == 0x08);
    r.eoi(0x20);
    CHECK(r.read_isr(0x20) == 0x00);
}

TEST_CASE("pic: specific EOI clears the named level only", "[pic]") {
    Rig r;
    r.pic.set_irq(3, true);
    r.pic.acknowledge();
    r.pic.set_irq(1, true);
    r.pic.acknowledge();
    r.out(0x20, 0x63);  // specific EOI, IR3
    CHECK(r.read_isr(0x20) == 0x02);
}

TEST_CASE("pic: IMR masks requests, which stay visible in IRR", "[pic]") {
    Rig r;
    r.out(0x21, 0x01);
    CHECK(r.in(0x21) == 0x01);
    r.pic.set_irq(0, true);
    CHECK_FALSE(r.intr);
    CHECK(r.read_irr(0x20) == 0x01);
    r.out(0x21, 0x00);
    CHECK(r.intr);
    CHECK(r.pic.acknowledge() == 0x08);
}

TEST_CASE("pic: an edge input must fall and rise again to request again", "[pic]") {
    Rig r;
    r.pic.set_irq(4, true);
    CHECK(r.pic.acknowledge() == 0x0C);
    r.eoi(0x20);
    CHECK_FALSE(r.intr);  // still high, but no new edge
    r.pic.set_irq(4, false);
    r.pic.set_irq(4, true);
    CHECK(r.intr);
    CHECK(r.pic.acknowledge() == 0x0C);
}

TEST_CASE("pic: a level input requests again after EOI while it stays high", "[pic]") {
    Rig r;
    r.out(0x4D1, 0x08);  // IRQ11 level-triggered
    CHECK(r.in(0x4D1) == 0x08);
    r.pic.set_irq(11, true);
    CHECK(r.pic.acknowledge() == 0x73);
    CHECK(r.read_irr(0xA0) == 0x08);  // a level request is not consumed by INTA
    r.eoi(0xA0);
    r.eoi(0x20);
    CHECK(r.intr);
    CHECK(r.pic.acknowledge() == 0x73);
    r.eoi(0xA0);
    r.eoi(0x20);
    r.pic.set_irq(11, false);
    CHECK_FALSE(r.intr);
    CHECK(r.read_irr(0xA0) == 0x00);
}

TEST_CASE("pic: ELCR bits for IRQ 0, 1, 2, 8 and 13 cannot be set", "[pic]") {
    Rig r;
    r.out(0x4D0, 0xFF);
    r.out(0x4D1, 0xFF);
    CHECK(r.in(0x4D0) == 0xF8);
    CHECK(r.in(0x4D1) == 0xDE);
    CHECK(r.io.read(0x4D0, 2) == 0xDEF8);
}

TEST_CASE("pic: a slave request goes through the master's IR2", "[pic]") {
    Rig r;
    r.pic.set_irq(10, true);
    CHECK(r.intr);
    CHECK(r.read_irr(0x20) == 0x04);
    CHECK(r.pic.acknowledge() == 0x72);
    CHECK(r.read_isr(0x20) == 0x04);
    CHECK(r.read_isr(0xA0) == 0x04);
    // Master IRQ3 is below the cascade in priority and must wait.
    r.pic.set_irq(3, true);
    CHECK_FALSE(r.intr);
    r.eoi(0xA0);
    r.eoi(0x20);
    CHECK(r.intr);
    CHECK(r.pic.acknowledge() == 0x0B);
}

TEST_CASE("pic: masking the cascade hides the whole slave", "[pic]") {
    Rig r;
    r.out(0x21, 0x04);
    r.pic.set_irq(14, true);
    CHECK_FALSE(r.intr);
    CHECK(r.read_irr(0xA0) == 0x40);
    r.out(0x21, 0x00);
    CHECK(r.pic.acknowledge() == 0x76);
}

TEST_CASE("pic: a request that vanishes before INTA gives the spurious IR7 vector", "[pic]") {
    Rig r;
    r.pic.set_irq(5, true);
    CHECK(r.intr);
    r.pic.set_irq(5, false);  // gone before the CPU's acknowledge
    CHECK_FALSE(r.intr);
    CHECK(r.pic.acknowledge() == 0x0F);
    CHECK(r.read_isr(0x20) == 0x00);  // a spurious IRQ7 sets no ISR bit
    // The same on the slave: the master has nothing either, so IRQ7 again.
    r.pic.set_irq(12, true);
    r.pic.set_irq(12, false);
    CHECK(r.pic.acknowledge() == 0x0F);
    CHECK(r.read_isr(0xA0) == 0x00);
}

TEST_CASE("pic: special fully nested mode lets the slave nest inside its own cascade", "[pic]") {
    Rig r;
    // Special fully nested mode lets the master see IR2 again while it is in
    // service; the slave then has nothing above its own in-service level.
    r.init(0x11, 0x01);
    r.pic.set_irq(9, true);
    CHECK(r.pic.acknowledge() == 0x71);
    CHECK(r.read_isr(0x20) == 0x04);
    r.pic.set_irq(8, true);  // slave IR0: higher than IR1 in service
    CHECK(r.intr);
    CHECK(r.pic.acknowledge() == 0x70);
    CHECK(r.read_isr(0xA0) == 0x03);
}

TEST_CASE("pic: without special fully nested mode the slave cannot nest", "[pic]") {
    Rig r;
    r.pic.set_irq(9, true);
    CHECK(r.pic.acknowledge() == 0x71);
    r.pic.set_irq(8, true);
    CHECK_FALSE(r.intr);  // master IR2 already in service blocks it
}

TEST_CASE("pic: automatic EOI leaves nothing in service", "[pic]") {
    Rig r;
    r.init(0x03, 0x03);
    r.pic.set_irq(0, true);
    r.pic.set_irq(6, true);
    CHECK(r.pic.acknowledge() == 0x08);
    CHECK(r.read_isr(0x20) == 0x00);
    CHECK(r.intr);  // a lower priority request is not blocked
    CHECK(r.pic.acknowledge() == 0x0E);
    r.pic.set_irq(13, true);
    CHECK(r.pic.acknowledge() == 0x75);
    CHECK(r.read_isr(0x20) == 0x00);
    CHECK(r.read_isr(0xA0) == 0x00);
}

TEST_CASE("pic: rotate in automatic EOI mode makes the served level the lowest", "[pic]") {
    Rig r;
    r.init(0x03, 0x03);
    r.out(0x20, 0x80);  // set rotate in AEOI
    r.pic.set_irq(0, true);
    r.pic.set_irq(1, true);
    CHECK(r.pic.acknowledge() == 0x08);  // IR0 served, now the lowest
    r.pic.set_irq(0, false);
    r.pic.set_irq(0, true);
    CHECK(r.pic.acknowledge() == 0x09);  // IR1 beats IR0
    r.out(0x20, 0x00);  // clear rotate in AEOI
    r.pic.set_irq(3, true);
    CHECK(r.pic.acknowledge() == 0x0B);  // IR3 (after IR1, the lowest is IR1: 2..7 then 0, 1)
    CHECK(r.pic.acknowledge() == 0x08);  // IR0 still waiting; no rotation this time
}

TEST_CASE("pic: set priority and rotate on EOI", "[pic]") {
    Rig r;
    SECTION("set priority makes IR4 the lowest, IR5 the highest") {
        r.out(0x20, 0xC4);
        r.pic.set_irq(0, true);
        r.pic.set_irq(5, true);
        CHECK(r.pic.acknowledge() == 0x0D);
        // IR0 (below IR5 now) must wait for the EOI.
        CHECK_FALSE(r.intr);
        r.eoi(0x20);
        CHECK(r.pic.acknowledge() == 0x08);
    }
    SECTION("rotate on non-specific EOI") {
        r.pic.set_irq(0, true);
        r.pic.set_irq(1, true);
        CHECK(r.pic.acknowledge() == 0x08);
        r.out(0x20, 0xA0);  // EOI and IR0 becomes the lowest
        r.pic.set_irq(0, false);
        r.pic.set_irq(0, true);
        CHECK(r.pic.acknowledge() == 0x09);
        r.eoi(0x20);
        CHECK(r.pic.acknowledge() == 0x08);
    }
    SECTION("rotate on specific EOI") {
        r.pic.set_irq(6, true);
        CHECK(r.pic.acknowledge() == 0x0E);
        r.out(0x20, 0xE6);  // end IR6, IR6 lowest: IR7 now has the highest priority
        CHECK(r.read_isr(0x20) == 0x00);
        r.pic.set_irq(0, true);
        r.pic.set_irq(7, true);
        CHECK(r.pic.acknowledge() == 0x0F);
        CHECK(r.read_isr(0x20) == 0x80);  // a real IR7, in service
    }
}

TEST_CASE("pic: special mask mode lets lower levels through", "[pic]") {
    Rig r;
    r.pic.set_irq(1, true);
    CHECK(r.pic.acknowledge() == 0x09);
    r.pic.set_irq(4, true);
    CHECK_FALSE(r.intr);
    r.out(0x20, 0x68);  // set special mask mode
    r.out(0x21, 0x02);  // and mask the level in service
    CHECK(r.intr);
    CHECK(r.pic.acknowledge() == 0x0C);
    CHECK(r.read_isr(0x20) == 0x12);
    r.out(0x20, 0x48);  // reset special mask mode
    r.out(0x20, 0x64);  // specific EOI IR4
    r.out(0x21, 0x00);
    r.pic.set_irq(5, true);
    CHECK_FALSE(r.intr);  // IR1 in service blocks IR5 again
}

TEST_CASE("pic: poll mode reads and acknowledges the highest request", "[pic]") {
    Rig r;
    r.out(0x20, 0x0C);
    CHECK(r.in(0x20) == 0x00);  // nothing pending
    r.pic.set_irq(6, true);
    r.pic.set_irq(3, true);
    r.out(0x20, 0x0C);
    CHECK(r.in(0x21) == 0x83);  // either port answers a poll
    CHECK(r.read_isr(0x20) == 0x08);
    CHECK(r.in(0x21) == 0x00);  // the poll is over: IMR again
    r.eoi(0x20);
    r.out(0x20, 0x0C);
    CHECK(r.in(0x20) == 0x86);
}

TEST_CASE("pic: ICW1 resets masks and the edge sense latches", "[pic]") {
    Rig r;
    r.out(0x21, 0xF0);
    r.pic.set_irq(3, true);  // already high before initialization
    r.init();
    CHECK(r.in(0x21) == 0x00);
    CHECK_FALSE(r.intr);
    CHECK(r.read_irr(0x20) == 0x00);
    r.pic.set_irq(3, false);
    r.pic.set_irq(3, true);
    CHECK(r.pic.acknowledge() == 0x0B);
}

TEST_CASE("pic: reprogramming the vector base and single mode without ICW3/ICW4", "[pic]") {
    Rig r;
    r.out(0x20, 0x12);  // single, no ICW4
    r.out(0x21, 0x20);
    r.out(0x21, 0xFE);  // this is OCW1 already
    CHECK(r.in(0x21) == 0xFE);
    r.pic.set_irq(0, true);
    CHECK(r.pic.acknowledge() == 0x20);
}

TEST_CASE("pic: irq() hands out wires; IRQ 2 cannot be driven", "[pic]") {
    Rig r;
    IrqLine line = r.pic.irq(7);
    line.raise();
    CHECK(r.read_irr(0x20) == 0x80);
    CHECK(r.pic.acknowledge() == 0x0F);
    CHECK(r.read_isr(0x20) == 0x80);  // a real IRQ7 is in service, unlike a spurious one
    r.pic.set_irq(2, true);
    r.pic.set_irq(16, true);
    CHECK(r.read_irr(0x20) == 0x00);
}

TEST_CASE("pic: word access reads both ports of a chip", "[pic]") {
    Rig r;
    r.out(0x21, 0x5A);
    r.pic.set_irq(4, true);
    r.out(0x20, 0x0A);
    CHECK(r.io.read(0x20, 2) == 0x5A10);
}

TEST_CASE("pic: reset masks everything and keeps the wires' levels", "[pic]") {
    Rig r;
    r.pic.set_irq(3, true);
    CHECK(r.intr);
    r.pic.reset();
    CHECK_FALSE(r.intr);
    CHECK(r.in(0x21) == 0xFF);
    r.out(0x21, 0x00);
    CHECK_FALSE(r.intr);  // the edge latch was cleared; the line must rise again
}

TEST_CASE("pic: state survives a save and load", "[pic]") {
    Rig a;
    a.out(0x4D1, 0x10);
    a.out(0xA1, 0x11);
    a.out(0x20, 0xC5);  // IR5 lowest: IR6 is the highest
    a.pic.set_irq(4, true);
    CHECK(a.pic.acknowledge() == 0x0C);
    a.pic.set_irq(6, true);
    CHECK(a.intr);

    test::TapeArchive tape;
    a.pic.visit(tape);
    tape.rewind_for_loading();
    Rig b(false);
    b.pic.visit(tape);
    CHECK(b.intr);
    CHECK(b.in(0x4D1) == 0x10);
    CHECK(b.in(0xA1) == 0x11);
    CHECK(b.read_isr(0x20) == 0x10);
    CHECK(b.pic.acknowledge() == 0x0E);  // IR6: above IR4 only because of the rotation

    HashArchive ha, hb;
    a.pic.visit(ha);
    b.pic.visit(hb);
    CHECK(ha.digest() != hb.digest());  // b acknowledged once more
}
