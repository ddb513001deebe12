// The port 0xF0 latch between the CPU's FERR# and IRQ13.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/fpu_error_port.hpp"

using namespace amber;

TEST_CASE("fpu error port: FERR# latches IRQ13 until port 0xF0 is written", "[fpuirq]") {
    IoBus io;
    std::vector<bool> irq;
    FpuErrorPort port(io, IrqLine([&](bool level) { irq.push_back(level); }));

    port.set_ferr(true);
    CHECK(irq == std::vector<bool>{true});
    CHECK(port.irq_latched());
    CHECK_FALSE(port.ignne());

    io.write(0xF0, 0x00, 1);  // the handler acknowledges
    CHECK(irq == std::vector<bool>{true, false});
    CHECK(port.ignne());      // FERR# still up: the error is ignored from now on
    io.write(0xF0, 0x00, 1);  // nothing more to clear
    CHECK(irq.size() == 2);

    port.set_ferr(true);      // no new edge while it stays asserted
    CHECK(irq.size() == 2);
    port.set_ferr(false);     // FNCLEX
    CHECK_FALSE(port.ignne());
    CHECK(irq.size() == 2);   // the latch was already clear

    port.set_ferr(true);      // the next error interrupts again
    CHECK(irq == std::vector<bool>{true, false, true});
    port.set_ferr(false);     // FERR# dropping does not clear the latch: only the port does
    CHECK(port.irq_latched());
    port.reset();
    CHECK(irq == std::vector<bool>{true, false, true, false});
    CHECK_FALSE(port.irq_latched());
    CHECK(io.read(0xF0, 1) == 0xFF);
}
