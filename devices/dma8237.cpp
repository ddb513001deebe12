#include "devices/dma8237.hpp"

#include "machine/log.hpp"
#include "mmu/phys_memory.hpp"

namespace amber {

using namespace dma;

namespace {

// Register offsets inside one controller (port offset for controller 0,
// port offset / 2 for controller 1). 0-7 are the channels' address/count.
constexpr unsigned REG_STATUS_COMMAND = 8, REG_REQUEST = 9, REG_SINGLE_MASK = 10, REG_MODE = 11;
constexpr unsigned REG_CLEAR_FLIP_FLOP = 12, REG_TEMP_MASTER_CLEAR = 13, REG_CLEAR_MASK = 14, REG_ALL_MASK = 15;

// Page register port (offset from 0x80) of each channel; channel 4 has none.
constexpr std::array<uint8_t, 8> kPagePort = {0x7, 0x3, 0x1, 0x2, 0x0, 0xB, 0x9, 0xA};

}  // namespace

Dma8237::Dma8237(IoBus& io, PhysMemory& memory) : io_(io), mem_(memory) {
    io_.map(0x00, 16, this);
    io_.map(0x81, 15, this);
    io_.map(0xC0, 32, this);
    reset();
}

Dma8237::~Dma8237() { io_.unmap(this); }

void Dma8237::master_clear(Controller& c) {
    c.command = c.status = c.request = c.temp = 0;
    c.flip_flop = false;
    c.mask = 0x0F;
}

void Dma8237::reset() {
    for (Controller& c : ctl_) {
        master_clear(c);
        c.ch = {};
    }
    page_ = {};
}

void Dma8237::visit(Archive& ar) {
    for (unsigned i = 0; i < 2; ++i) {
        Controller& c = ctl_[i];
        const char* p = i ? "dma1." : "dma0.";
        auto n = [&](const char* f) { return std::string(p) + f; };
        for (Channel& ch : c.ch) {
            ar.field(n("base_address"), ch.base_address);
            ar.field(n("current_address"), ch.current_address);
            ar.field(n("base_count"), ch.base_count);
            ar.field(n("current_count"), ch.current_count);
            ar.field(n("mode"), ch.mode);
        }
        ar.field(n("command"), c.command);
        ar.field(n("status"), c.status);
        ar.field(n("request"), c.request);
        ar.field(n("mask"), c.mask);
        ar.field(n("temp"), c.temp);
        ar.field(n("flip_flop"), c.flip_flop);
    }
    ar.bytes("page", page_);
}

uint32_t Dma8237::io_read(uint16_t port, unsigned size) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
        uint16_t p = uint16_t(port + i);
        uint8_t b = 0xFF;
        if (p < 0x10) b = read_reg(0, p);
        else if (p >= 0x81 && p <= 0x8F) b = page_[p - 0x80];
        else if (p >= 0xC0 && p <= 0xDF) b = read_reg(1, (p - 0xC0) >> 1);
        v |= uint32_t(b) << (8 * i);
    }
    return v;
}

void Dma8237::io_write(uint16_t port, uint32_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) {
        uint16_t p = uint16_t(port + i);
        uint8_t b = uint8_t(value >> (8 * i));
        if (p < 0x10) write_reg(0, p, b);
        else if (p >= 0x81 && p <= 0x8F) page_[p - 0x80] = b;
        else if (p >= 0xC0 && p <= 0xDF) write_reg(1, (p - 0xC0) >> 1, b);
    }
}

uint8_t Dma8237::read_reg(unsigned ci, unsigned reg) {
    Controller& c = ctl_[ci];
    if (reg < 8) {
        const Channel& ch = c.ch[reg >> 1];
        uint16_t v = (reg & 1) ? ch.current_count : ch.current_address;
        uint8_t b = c.flip_flop ? uint8_t(v >> 8) : uint8_t(v);
        c.flip_flop = !c.flip_flop;
        return b;
    }
    switch (reg) {
    case REG_STATUS_COMMAND: {
        uint8_t s = uint8_t(c.status | (c.request << 4));
        c.status &= 0xF0;  // reading clears the TC bits
        return s;
    }
    case REG_TEMP_MASTER_CLEAR: return c.temp;
    case REG_ALL_MASK: return uint8_t(0xF0 | c.mask);  // readable on later chipsets; harmless here
    default: return 0xFF;
    }
}

void Dma8237::write_reg(unsigned ci, unsigned reg, uint8_t v) {
    Controller& c = ctl_[ci];
    if (reg < 8) {
        Channel& ch = c.ch[reg >> 1];
        uint16_t& base = (reg & 1) ? ch.base_count : ch.base_address;
        uint16_t& cur = (reg & 1) ? ch.current_count : ch.current_address;
        base = c.flip_flop ? uint16_t((base & 0x00FF) | (v << 8)) : uint16_t((base & 0xFF00) | v);
        cur = base;  // writing the base register writes the current one too
        c.flip_flop = !c.flip_flop;
        return;
    }
    unsigned n = v & 3;
    switch (reg) {
    case REG_STATUS_COMMAND: c.command = v; break;
    case REG_REQUEST:
        if (v & 4) c.request |= uint8_t(1u << n);
        else c.request &= uint8_t(~(1u << n));
        break;
    case REG_SINGLE_MASK:
        if (v & 4) c.mask |= uint8_t(1u << n);
        else c.mask &= uint8_t(~(1u << n));
        break;
    case REG_MODE: c.ch[n].mode = v & 0xFC; break;
    case REG_CLEAR_FLIP_FLOP: c.flip_flop = false; break;
    case REG_TEMP_MASTER_CLEAR: master_clear(c); break;
    case REG_CLEAR_MASK: c.mask = 0; break;
    case REG_ALL_MASK: c.mask = v & 0x0F; break;
    default: break;
    }
}

uint8_t Dma8237::page_of(unsigned channel) const {
    return channel == 4 ? 0 : page_[kPagePort[channel]];
}

uint32_t Dma8237::physical_address(unsigned channel) const {
    channel &= 7;
    const Channel& ch = ctl_[channel / 4].ch[channel % 4];
    if (channel < 4) return uint32_t(page_of(channel)) << 16 | ch.current_address;
    // 16-bit channels: the address counts words and page bit 0 is unused.
    return uint32_t(page_of(channel) & 0xFE) << 16 | uint32_t(ch.current_address) << 1;
}

uint16_t Dma8237::current_count(unsigned channel) const {
    channel &= 7;
    return ctl_[channel / 4].ch[channel % 4].current_count;
}

bool Dma8237::ready(unsigned channel) const {
    if (channel >= kChannels || channel == 4) return false;
    const Controller& c = ctl_[channel / 4];
    unsigned n = channel % 4;
    if ((c.command & CMD_DISABLE) || (c.mask >> n & 1)) return false;
    if ((c.ch[n].mode & MODE_CASCADE) == MODE_CASCADE) return false;
    // Controller 0 reaches the bus through channel 4 of controller 1.
    if (channel < 4 && ((ctl_[1].command & CMD_DISABLE) || (ctl_[1].mask & 1))) return false;
    return true;
}

DmaTransfer Dma8237::transfer(unsigned channel, std::span<uint8_t> buf, DmaDirection dir) {
    DmaTransfer r;
    if (!ready(channel)) return r;
    Controller& c = ctl_[channel / 4];
    unsigned n = channel % 4;
    Channel& ch = c.ch[n];
    const uint8_t kind = ch.mode & MODE_XFER_MASK;
    if ((kind == MODE_WRITE && dir != DmaDirection::ToMemory) || (kind == MODE_READ && dir != DmaDirection::FromMemory))
        log::get("dma")->debug("channel {}: device direction differs from the programmed mode {:#04x}", channel,
                               ch.mode);
    const size_t unit = channel < 4 ? 1 : 2;
    const bool down = ch.mode & MODE_DECREMENT;
    while (r.bytes + unit <= buf.size()) {
        uint32_t pa = physical_address(channel);
        for (size_t i = 0; i < unit; ++i) {
            if (kind == MODE_WRITE) mem_.write8(pa + uint32_t(i), buf[r.bytes + i]);
            else if (kind == MODE_READ) buf[r.bytes + i] = mem_.read8(pa + uint32_t(i));
        }
        // The address wraps inside its 64 KiB (or 128 KiB) page: the page
        // register is not a counter.
        ch.current_address = uint16_t(down ? ch.current_address - 1 : ch.current_address + 1);
        r.bytes += unit;
        if (ch.current_count-- == 0) {
            r.terminal_count = true;
            break;
        }
    }
    if (r.terminal_count) {
        c.status |= uint8_t(1u << n);
        c.request &= uint8_t(~(1u << n));
        if (ch.mode & MODE_AUTOINIT) {
            ch.current_address = ch.base_address;
            ch.current_count = ch.base_count;
        } else {
            c.mask |= uint8_t(1u << n);
        }
    }
    return r;
}

}  // namespace amber
