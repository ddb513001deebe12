// What every emulated device is to the machine: a name, a reset, and its
// state exposed through one visit(). Port and MMIO access come from
// IoHandler / MmioHandler, which a device implements as it needs.
#pragma once
#include <string_view>

#include "machine/archive.hpp"

namespace amber {

class Device {
public:
    virtual ~Device() = default;
    virtual std::string_view name() const = 0;
    virtual void reset() {}
    // Save, load and hash the modelled hardware state (not incidental fields).
    virtual void visit(Archive&) {}
};

}  // namespace amber
