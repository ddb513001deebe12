// One interrupt request wire from a device to an input of the interrupt
// controller. The board connects it when it wires the machine; an unconnected
// line goes nowhere (a device works the same whether or not anyone listens).
//
// A line carries a level. Edge-triggered inputs (the 8259A's default) see a
// request on the low-to-high transition, so a device that wants to signal a
// fresh event on a line it already holds high lowers it first (pulse()).
#pragma once
#include <functional>
#include <utility>

namespace amber {

class IrqLine {
public:
    using Sink = std::function<void(bool level)>;

    IrqLine() = default;
    explicit IrqLine(Sink sink) : sink_(std::move(sink)) {}

    void set(bool level) {
        if (sink_) sink_(level);
    }
    void raise() { set(true); }
    void lower() { set(false); }
    void pulse() {
        set(false);
        set(true);
    }
    bool connected() const { return static_cast<bool>(sink_); }

private:
    Sink sink_;
};

}  // namespace amber
