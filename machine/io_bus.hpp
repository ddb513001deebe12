// The I/O port space (64 Ki ports). Devices claim port ranges; an access of
// 2 or 4 bytes goes to one handler when it claims every byte of it, and is
// split into byte accesses otherwise (as the ISA bus does). Unclaimed ports
// read as all ones and ignore writes.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

namespace amber {

class IoHandler {
public:
    virtual ~IoHandler() = default;
    virtual uint32_t io_read(uint16_t port, unsigned size) = 0;            // size 1, 2 or 4
    virtual void io_write(uint16_t port, uint32_t value, unsigned size) = 0;
};

// Sees every port access (for traces and the debugger); null when unused.
class IoObserver {
public:
    virtual ~IoObserver() = default;
    virtual void io_access(uint16_t port, unsigned size, uint32_t value, bool is_write) = 0;
};

class IoBus {
public:
    IoBus();
    void map(uint16_t first, uint32_t count, IoHandler* handler);
    void unmap(IoHandler* handler);
    IoHandler* handler_at(uint16_t port) const { return ports_[port]; }

    uint32_t read(uint16_t port, unsigned size);
    void write(uint16_t port, uint32_t value, unsigned size);

    void set_observer(IoObserver* o) { observer_ = o; }

private:
    std::vector<IoHandler*> ports_;
    IoObserver* observer_ = nullptr;
};

}  // namespace amber
