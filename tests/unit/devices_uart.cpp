// The 16550A UART, register by register, driven through the I/O bus.
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "devices/uart16550.hpp"
#include "machine/io_bus.hpp"
#include "tests/unit/tape_archive.hpp"

using namespace amber;
using namespace amber::uart;

namespace {

constexpr uint16_t kBase = Uart16550::kCom1;

// A UART on its own bus with a scripted backend.
struct Rig {
    IoBus io;
    BufferCharBackend* line;
    std::unique_ptr<Uart16550> uart;
    std::vector<bool> irq_changes;

    explicit Rig(std::string input = {}) {
        auto backend = std::make_unique<BufferCharBackend>(std::move(input));
        line = backend.get();
        uart = std::make_unique<Uart16550>(io, std::move(backend), kBase);
        uart->set_irq_callback([this](bool on) { irq_changes.push_back(on); });
    }
    uint8_t in(uint16_t reg) { return static_cast<uint8_t>(io.read(kBase + reg, 1)); }
    void out(uint16_t reg, uint8_t v) { io.write(kBase + reg, v, 1); }
};

using amber::test::TapeArchive;

}  // namespace

TEST_CASE("uart: registers after reset", "[uart]") {
    Rig r;
    CHECK(r.in(IER) == 0);
    CHECK(r.in(IIR) == IIR_NONE);
    CHECK(r.in(LCR) == 0);
    CHECK(r.in(MCR) == 0);
    CHECK(r.in(MSR) == (MSR_CTS | MSR_DSR | MSR_DCD));  // a peer is attached
    CHECK(r.in(LSR) == (LSR_THRE | LSR_TEMT));
}

TEST_CASE("uart: the divisor latch hides behind DLAB", "[uart]") {
    Rig r;
    r.out(IER, IER_RDA);
    r.out(LCR, LCR_DLAB | 0x03);
    r.out(DLL, 0x01);
    r.out(DLM, 0x02);
    CHECK(r.in(DLL) == 0x01);
    CHECK(r.in(DLM) == 0x02);
    CHECK(r.line->output().empty());  // DLL writes are not data

    r.out(LCR, 0x03);
    CHECK(r.in(IER) == IER_RDA);
    r.out(THR, 'A');
    CHECK(r.line->output() == "A");
    r.out(LCR, LCR_DLAB);
    CHECK(r.in(DLL) == 0x01);  // the latch kept its value
}

TEST_CASE("uart: transmitting is immediate", "[uart]") {
    Rig r;
    for (char c : std::string("hi\r\n")) {
        CHECK((r.in(LSR) & (LSR_THRE | LSR_TEMT)) == (LSR_THRE | LSR_TEMT));
        r.out(THR, static_cast<uint8_t>(c));
    }
    CHECK(r.line->output() == "hi\r\n");
}

TEST_CASE("uart: input is pulled only when the guest polls an empty receiver", "[uart]") {
    Rig r("ab");
    CHECK(r.line->reads() == 0);
    CHECK(r.in(LSR) & LSR_DR);
    CHECK(r.line->reads() == 1);
    CHECK(r.in(LSR) & LSR_DR);  // still holding 'a': no new read
    CHECK(r.line->reads() == 1);
    CHECK(r.in(RBR) == 'a');
    CHECK(r.line->reads() == 1);  // reading RBR alone never pulls
    CHECK(r.in(LSR) & LSR_DR);
    CHECK(r.in(RBR) == 'b');
    CHECK(r.line->reads() == 2);
}

TEST_CASE("uart: end of input drops the carrier (DCD)", "[uart]") {
    Rig r("x");
    r.out(MCR, MCR_DTR | MCR_RTS);
    CHECK(r.in(LSR) & LSR_DR);
    CHECK(r.in(RBR) == 'x');
    CHECK(r.in(MSR) == (MSR_CTS | MSR_DSR | MSR_DCD));

    CHECK((r.in(LSR) & LSR_DR) == 0);  // this poll meets the end of input
    CHECK(r.in(MSR) == (MSR_CTS | MSR_DSR | MSR_DDCD));
    CHECK(r.in(MSR) == (MSR_CTS | MSR_DSR));  // reading MSR clears the delta

    unsigned reads = r.line->reads();
    CHECK((r.in(LSR) & LSR_DR) == 0);
    CHECK(r.line->reads() == reads);  // a hung-up line is not asked again

    r.uart->reset();
    CHECK((r.in(MSR) & MSR_DCD) == 0);  // and a reset does not bring the carrier back
}

TEST_CASE("uart: nothing attached means no modem lines", "[uart]") {
    IoBus io;
    Uart16550 uart(io, std::make_unique<NullCharBackend>(), kBase);
    CHECK(io.read(kBase + MSR, 1) == 0);
    CHECK((io.read(kBase + LSR, 1) & LSR_DR) == 0);
}

TEST_CASE("uart: loopback mode", "[uart]") {
    Rig r("never read");
    r.out(MCR, MCR_LOOP);
    CHECK(r.in(MSR) == (MSR_DCTS | MSR_DDSR | MSR_DDCD));  // the lines fell with the switch
    r.out(MCR, MCR_LOOP | MCR_DTR | MCR_RTS | MCR_OUT1 | MCR_OUT2);
    CHECK(r.in(MSR) == (MSR_CTS | MSR_DSR | MSR_RI | MSR_DCD | MSR_DCTS | MSR_DDSR | MSR_DDCD));
    r.out(MCR, MCR_LOOP | MCR_DTR | MCR_RTS | MCR_OUT2);
    CHECK(r.in(MSR) == (MSR_CTS | MSR_DSR | MSR_DCD | MSR_TERI));  // RI's trailing edge

    r.out(THR, 0x42);
    CHECK(r.line->output().empty());
    CHECK(r.line->reads() == 0);
    CHECK(r.in(LSR) & LSR_DR);
    CHECK(r.in(RBR) == 0x42);

    // Without FIFOs the receiver holds one byte; a second one overruns.
    r.out(THR, 1);
    r.out(THR, 2);
    CHECK(r.in(LSR) == (LSR_DR | LSR_OE | LSR_THRE | LSR_TEMT));
    CHECK(r.in(LSR) == (LSR_DR | LSR_THRE | LSR_TEMT));  // OE clears on read
    CHECK(r.in(RBR) == 1);
}

TEST_CASE("uart: 16-byte receive FIFO", "[uart]") {
    Rig r;
    r.out(FCR, FCR_ENABLE);
    CHECK((r.in(IIR) & IIR_FIFO) == IIR_FIFO);
    r.out(MCR, MCR_LOOP);
    for (int i = 0; i < 17; ++i) r.out(THR, static_cast<uint8_t>(i));
    CHECK(r.in(LSR) & LSR_OE);  // the 17th byte did not fit
    for (int i = 0; i < 16; ++i) {
        REQUIRE(r.in(LSR) & LSR_DR);
        CHECK(r.in(RBR) == i);
    }
    CHECK((r.in(LSR) & LSR_DR) == 0);

    r.out(THR, 7);
    r.out(FCR, FCR_ENABLE | FCR_CLEAR_RX);
    CHECK((r.in(LSR) & LSR_DR) == 0);

    r.out(THR, 8);
    r.out(FCR, 0);  // switching the FIFOs off empties them
    CHECK((r.in(LSR) & LSR_DR) == 0);
    CHECK((r.in(IIR) & IIR_FIFO) == 0);
}

TEST_CASE("uart: interrupt identification and priorities", "[uart]") {
    Rig r;
    r.out(MCR, MCR_LOOP | MCR_OUT2);
    r.in(MSR);  // forget the deltas from entering loopback
    r.out(FCR, FCR_ENABLE | 0x40);  // receive trigger at 4 bytes

    r.out(IER, IER_THRE);
    CHECK(r.in(IIR) == (IIR_THRE | IIR_FIFO));
    CHECK(r.in(IIR) == (IIR_NONE | IIR_FIFO));  // reading IIR acknowledged it

    r.out(IER, IER_RDA | IER_RLS | IER_MS);
    r.out(THR, 'a');
    CHECK(r.in(IIR) == (IIR_TIMEOUT | IIR_FIFO));  // below the trigger level
    for (int i = 0; i < 3; ++i) r.out(THR, 'b');
    CHECK(r.in(IIR) == (IIR_RDA | IIR_FIFO));
    for (int i = 0; i < 13; ++i) r.out(THR, 'c');  // one too many
    CHECK(r.in(IIR) == (IIR_RLS | IIR_FIFO));     // line status outranks data
    r.in(LSR);
    CHECK(r.in(IIR) == (IIR_RDA | IIR_FIFO));
    r.out(FCR, FCR_ENABLE | FCR_CLEAR_RX);
    CHECK(r.in(IIR) == (IIR_NONE | IIR_FIFO));

    r.out(MCR, MCR_LOOP | MCR_OUT2 | MCR_RTS);  // CTS follows RTS: a modem-status change
    CHECK(r.in(IIR) == (IIR_MS | IIR_FIFO));
    r.in(MSR);
    CHECK(r.in(IIR) == (IIR_NONE | IIR_FIFO));
}

TEST_CASE("uart: the interrupt output needs OUT2 and no loopback", "[uart]") {
    Rig r;
    r.out(IER, IER_THRE);
    CHECK_FALSE(r.uart->irq_line());
    CHECK(r.irq_changes.empty());
    r.out(MCR, MCR_OUT2);
    CHECK(r.uart->irq_line());
    r.in(IIR);  // acknowledge THRE
    CHECK_FALSE(r.uart->irq_line());
    r.out(THR, 'z');  // sent at once: THR is empty again
    CHECK(r.uart->irq_line());
    r.out(MCR, MCR_OUT2 | MCR_LOOP);
    CHECK_FALSE(r.uart->irq_line());
    CHECK(r.irq_changes == std::vector<bool>{true, false, true, false});
}

TEST_CASE("uart: scratch register and wide accesses", "[uart]") {
    Rig r;
    r.out(SCR, 0x5A);
    CHECK(r.in(SCR) == 0x5A);
    // A word access covers two registers at once.
    r.io.write(kBase + LCR, 0x0B03, 2);
    CHECK(r.in(LCR) == 0x03);
    CHECK(r.in(MCR) == 0x0B);
    CHECK(r.io.read(kBase + LCR, 2) == 0x0B03);
}

TEST_CASE("uart: state survives a save and load", "[uart]") {
    Rig a;
    a.out(LCR, LCR_DLAB);
    a.out(DLL, 0x30);
    a.out(LCR, 0x1B);
    a.out(FCR, FCR_ENABLE | 0x80);
    a.out(MCR, MCR_LOOP | MCR_DTR);
    a.out(THR, 'q');
    a.out(SCR, 0x77);

    TapeArchive tape;
    a.uart->visit(tape);
    HashArchive before;
    a.uart->visit(before);

    Rig b;
    tape.rewind_for_loading();
    b.uart->visit(tape);
    HashArchive after;
    b.uart->visit(after);
    CHECK(after.digest() == before.digest());
    CHECK(b.in(LCR) == 0x1B);
    CHECK(b.in(SCR) == 0x77);
    CHECK(b.in(RBR) == 'q');
    b.out(LCR, LCR_DLAB);
    CHECK(b.in(DLL) == 0x30);
}

TEST_CASE("uart: destroying it frees its ports", "[uart]") {
    IoBus io;
    {
        Uart16550 uart(io, nullptr, kBase);
        CHECK(io.read(kBase + LSR, 1) != 0xFF);
    }
    CHECK(io.read(kBase + LSR, 1) == 0xFF);
}
