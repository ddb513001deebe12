// One interrupt request wire from a device to an input of the interrupt
// controller. The board connects it when it wires the machine; an unconnected
// line goes nowhere (a device works the same whether or not anyone listens).
//
// A line carries a level. Edge-triggered inputs (the 8259A's default) see a
// request on the low-to-high transition, so a device that wants to signal a
// fresh event on a line it already holds high lowers it first (pulse()).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
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

// Several devices wired to one controller input, as ISA boards share IRQ 4
// between COM1 and COM3: the input sees the OR of the devices' levels, so
// one device lowering its line does not drop another's request. The output
// only hears changes of the combined level (a pulse by one device while
// another holds the line high makes no new edge, as on the real wire).
// Create it with std::make_shared: its inputs share ownership of it.
class SharedIrqLine : public std::enable_shared_from_this<SharedIrqLine> {
public:
    static constexpr unsigned kMaxInputs = 32;

    explicit SharedIrqLine(IrqLine out) : out_(std::move(out)) {}

    // The line for device number `index` (0..kMaxInputs-1).
    IrqLine input(unsigned index) {
        if (index >= kMaxInputs) throw std::out_of_range("SharedIrqLine input index");
        // The inputs keep the shared line alive; it holds none of them.
        return IrqLine([self = shared_from_this(), index](bool level) { self->set(index, level); });
    }
    bool level() const { return levels_ != 0; }

private:
    void set(unsigned index, bool level) {
        const bool before = levels_ != 0;
        const uint32_t bit = uint32_t{1} << index;
        levels_ = level ? (levels_ | bit) : (levels_ & ~bit);
        if ((levels_ != 0) != before) out_.set(levels_ != 0);
    }

    IrqLine out_;
    uint32_t levels_ = 0;
};

}  // namespace amber
