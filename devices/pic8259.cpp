#include "devices/pic8259.hpp"

#include <string>

#include "machine/log.hpp"

namespace amber {

namespace {
constexpr uint8_t kElcrWritable[2] = {0xF8, 0xDE};  // PIIX: IRQ 0, 1, 2, 8 and 13 are always edge
constexpr uint8_t kCascadeBit = 1u << Pic8259::kCascadeLine;
}  // namespace

Pic8259::Pic8259(IoBus& io, IntrCallback intr) : io_(io), intr_cb_(std::move(intr)) {
    io_.map(kMasterBase, 2, this);
    io_.map(kSlaveBase, 2, this);
    io_.map(kElcrBase, 2, this);
    reset();
}

Pic8259::~Pic8259() { io_.unmap(this); }

void Pic8259::reset() {
    // The BIOS programs both chips; until then they behave as it will leave
    // them (vectors 08h and 70h, cascade on IR2), with every line masked.
    for (unsigned i = 0; i < 2; ++i) {
        Chip& c = chips_[i];
        uint8_t inputs = c.inputs;  // the wires keep their levels across a reset
        c = Chip{};
        c.inputs = inputs;
        c.icw1 = 0x11;
        c.icw4 = 0x01;
        c.imr = 0xFF;
        c.vector_base = i == 0 ? 0x08 : 0x70;
        c.icw3 = i == 0 ? kCascadeBit : kCascadeLine;
    }
    update();
}

void Pic8259::visit(Archive& ar) {
    static constexpr const char* kPrefix[2] = {"master_", "slave_"};
    for (unsigned i = 0; i < 2; ++i) {
        Chip& c = chips_[i];
        std::string p = kPrefix[i];
        ar.field(p + "irr", c.irr);
        ar.field(p + "isr", c.isr);
        ar.field(p + "imr", c.imr);
        ar.field(p + "inputs", c.inputs);
        ar.field(p + "elcr", c.elcr);
        ar.field(p + "lowest", c.lowest);
        ar.field(p + "vector_base", c.vector_base);
        ar.field(p + "icw1", c.icw1);
        ar.field(p + "icw3", c.icw3);
        ar.field(p + "icw4", c.icw4);
        ar.field(p + "init_step", c.init_step);
        ar.field(p + "read_isr", c.read_isr);
        ar.field(p + "poll", c.poll);
        ar.field(p + "special_mask", c.special_mask);
        ar.field(p + "rotate_on_aeoi", c.rotate_on_aeoi);
        if (ar.loading()) {
            c.lowest &= 7;
            c.vector_base &= 0xF8;
            c.elcr &= kElcrWritable[i];
            if (c.init_step != 2 && c.init_step != 3 && c.init_step != 4) c.init_step = 0;
        }
    }
    if (ar.loading()) {
        update();
        if (intr_cb_) intr_cb_(intr_);  // the CPU's pin may hold another machine's level
    }
}

// ---------------------------------------------------------------- priority

int Pic8259::Chip::highest(uint8_t bits) const {
    for (unsigned i = 1; i <= 8; ++i) {
        unsigned ir = (lowest + i) & 7;
        if (bits & (1u << ir)) return static_cast<int>(ir);
    }
    return -1;
}

int Pic8259::pending(const Chip& c, bool master) const {
    uint8_t requests = c.irr & ~c.imr;
    if (!requests) return -1;
    // Special mask mode: anything unmasked that is not itself in service may
    // interrupt, lower priorities included.
    if (c.special_mask) return c.highest(requests & ~c.isr);
    int req = c.highest(requests);
    int cur = c.highest(c.isr);
    if (cur < 0) return req;
    auto rank = [&](int ir) { return (ir - c.lowest - 1) & 7; };  // 0 = highest priority
    if (rank(req) < rank(cur)) return req;
    // Special fully nested mode: the slave may interrupt again while the
    // master still has its cascade input in service.
    if (master && c.special_fully_nested() && req == cur && req == int(kCascadeLine)) return req;
    return -1;
}

// ---------------------------------------------------------------- inputs

void Pic8259::set_input(Chip& c, unsigned ir, bool level) {
    uint8_t bit = uint8_t(1u << ir);
    if (level) {
        bool rising = !(c.inputs & bit);
        c.inputs |= bit;
        if (rising || (c.level_mask() & bit)) c.irr |= bit;
    } else {
        // Both modes need the request to stay high until INTA: when it goes
        // away first, the IRR bit goes with it.
        c.inputs &= ~bit;
        c.irr &= ~bit;
    }
}

void Pic8259::set_irq(unsigned line, bool level) {
    if (line >= 16 || line == kCascadeLine) {
        log::get("pic")->debug("ignoring a request on IRQ {}", line);
        return;
    }
    set_input(chips_[line >> 3], line & 7, level);
    update();
}

IrqLine Pic8259::irq(unsigned line) {
    return IrqLine([this, line](bool level) { set_irq(line, level); });
}

void Pic8259::update() {
    Chip& m = chips_[0];
    // The slave's INT output is the master's IR2, seen as a level.
    bool slave_out = pending(chips_[1], false) >= 0;
    slave_out ? (m.inputs |= kCascadeBit, m.irr |= kCascadeBit) : (m.inputs &= ~kCascadeBit, m.irr &= ~kCascadeBit);
    bool out = pending(m, true) >= 0;
    if (out != intr_) {
        intr_ = out;
        if (intr_cb_) intr_cb_(out);
    }
}

// ---------------------------------------------------------------- acknowledge

void Pic8259::take(Chip& c, unsigned ir) {
    uint8_t bit = uint8_t(1u << ir);
    bool is_cascade = &c == &chips_[0] && ir == kCascadeLine;
    if (!(c.level_mask() & bit) && !is_cascade) c.irr &= ~bit;  // the edge latch is consumed
    if (c.auto_eoi()) {
        if (c.rotate_on_aeoi) c.lowest = uint8_t(ir);
    } else {
        c.isr |= bit;
    }
}

uint8_t Pic8259::acknowledge() {
    Chip& m = chips_[0];
    Chip& s = chips_[1];
    int ir = pending(m, true);
    uint8_t vector;
    if (ir < 0) {
        // The request went away between INTR and INTA: the chip answers
        // with its IR7 vector and sets no ISR bit.
        vector = m.vector_base | 7;
    } else {
        take(m, unsigned(ir));
        bool cascaded = !(m.icw1 & 0x02) && (m.icw3 & (1u << ir));
        if (cascaded) {
            int sir = pending(s, false);
            if (sir < 0) {
                vector = s.vector_base | 7;  // spurious IRQ15; the master's IR2 stays in service
            } else {
                take(s, unsigned(sir));
                vector = uint8_t(s.vector_base + sir);
            }
        } else {
            vector = uint8_t(m.vector_base + ir);
        }
    }
    update();
    return vector;
}

uint8_t Pic8259::poll_byte(Chip& c, bool master) {
    c.poll = false;
    int ir = pending(c, master);
    if (ir < 0) return 0;
    take(c, unsigned(ir));
    update();
    return uint8_t(0x80 | ir);
}

// ---------------------------------------------------------------- ports

uint32_t Pic8259::io_read(uint16_t port, unsigned size) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
        uint16_t p = uint16_t(port + i);
        uint8_t b;
        if (p == kElcrBase || p == kElcrBase + 1) b = chips_[p - kElcrBase].elcr;
        else b = read_port(chips_[p >= kSlaveBase ? 1 : 0], p & 1, p < kSlaveBase);
        v |= uint32_t(b) << (8 * i);
    }
    return v;
}

void Pic8259::io_write(uint16_t port, uint32_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) {
        uint16_t p = uint16_t(port + i);
        uint8_t b = uint8_t(value >> (8 * i));
        if (p == kElcrBase || p == kElcrBase + 1) {
            unsigned idx = p - kElcrBase;
            Chip& c = chips_[idx];
            c.elcr = b & kElcrWritable[idx];
            uint8_t lvl = c.level_mask();
            c.irr = uint8_t((c.irr & ~lvl) | (c.inputs & lvl));
            update();
        } else if (p & 1) {
            write_data(chips_[p >= kSlaveBase ? 1 : 0], b);
        } else {
            write_command(chips_[p >= kSlaveBase ? 1 : 0], b);
        }
    }
}

uint8_t Pic8259::read_port(Chip& c, bool a0, bool master) {
    if (c.poll) return poll_byte(c, master);
    if (a0) return c.imr;
    return c.read_isr ? c.isr : c.irr;
}

void Pic8259::write_command(Chip& c, uint8_t v) {
    if (v & 0x10) {
        // ICW1 starts initialization: masks, priorities and the edge sense
        // latches are reset, so an edge input must rise again to request.
        c.icw1 = v;
        c.init_step = 2;
        c.imr = 0;
        c.isr = 0;
        c.irr = c.inputs & c.level_mask();
        c.lowest = 7;
        c.special_mask = false;
        c.read_isr = false;
        c.poll = false;
        c.rotate_on_aeoi = false;
        if (!(v & 0x01)) c.icw4 = 0;  // no ICW4: all its functions are zero
    } else if (v & 0x08) {
        // OCW3
        if (v & 0x02) c.read_isr = v & 0x01;
        if (v & 0x04) c.poll = true;
        if (v & 0x40) c.special_mask = v & 0x20;
    } else {
        write_ocw2(c, v);
    }
    update();
}

void Pic8259::write_ocw2(Chip& c, uint8_t v) {
    uint8_t level = v & 7;
    auto end_highest = [&c]() {
        int ir = c.highest(c.isr);
        if (ir >= 0) c.isr &= uint8_t(~(1u << ir));
        return ir;
    };
    switch (v & 0xE0) {
    case 0x20: end_highest(); break;                          // non-specific EOI
    case 0x60: c.isr &= uint8_t(~(1u << level)); break;       // specific EOI
    case 0xA0:                                                // rotate on non-specific EOI
        if (int ir = end_highest(); ir >= 0) c.lowest = uint8_t(ir);
        break;
    case 0xE0:                                                // rotate on specific EOI
        c.isr &= uint8_t(~(1u << level));
        c.lowest = level;
        break;
    case 0xC0: c.lowest = level; break;                       // set priority
    case 0x80: c.rotate_on_aeoi = true; break;
    case 0x00: c.rotate_on_aeoi = false; break;
    default: break;                                           // 0x40: no operation
    }
}

void Pic8259::write_data(Chip& c, uint8_t v) {
    switch (c.init_step) {
    case 2:
        c.vector_base = v & 0xF8;
        c.init_step = (c.icw1 & 0x02) ? ((c.icw1 & 0x01) ? 4 : 0) : 3;
        break;
    case 3:
        c.icw3 = v;
        c.init_step = (c.icw1 & 0x01) ? 4 : 0;
        break;
    case 4:
        c.icw4 = v;
        c.init_step = 0;
        break;
    default: c.imr = v; break;  // OCW1
    }
    update();
}

}  // namespace amber
