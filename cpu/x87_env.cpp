#include "cpu/x87_env.hpp"

#include "mmu/endian.hpp"

namespace amber {
namespace {

constexpr uint16_t kReserved = 0xFFFF;  // what the P6 writes in unused halves
constexpr uint16_t kOpcodeMask = 0x07FF;

// Real mode has no descriptors: the pointers are stored as linear addresses.
uint32_t linear(uint16_t selector, uint32_t offset) { return (uint32_t(selector) << 4) + offset; }

// Writes one field: 16 bits in the 14-byte image, 32 in the 28-byte one.
struct Writer {
    uint8_t* out;
    bool o32;
    unsigned pos = 0;
    void field(uint32_t v) {
        if (o32) {
            store_le<uint32_t>(out + pos, v);
            pos += 4;
        } else {
            store_le<uint16_t>(out + pos, static_cast<uint16_t>(v));
            pos += 2;
        }
    }
    // A 16-bit value whose upper half in the 28-byte image is reserved.
    void word(uint16_t v) { field(uint32_t(kReserved) << 16 | v); }
};

struct Reader {
    const uint8_t* in;
    bool o32;
    unsigned pos = 0;
    uint32_t field() {
        if (o32) {
            pos += 4;
            return load_le<uint32_t>(in + pos - 4);
        }
        pos += 2;
        return load_le<uint16_t>(in + pos - 2);
    }
};

}  // namespace

void store_x87_env(const X87State& x, X87EnvFormat f, uint8_t* out) {
    Writer w{out, f.o32};
    w.word(x.fcw);
    w.word(x.fsw);
    w.word(x.full_tags());
    if (f.real) {
        // Low 16 bits of each pointer, then the high bits (4 in the 14-byte
        // image, 16 in the 28-byte one) at bit 12 beside the opcode.
        const uint32_t ip = linear(x.fcs, x.fip), dp = linear(x.fds, x.fdp);
        const uint32_t high_mask = f.o32 ? 0xFFFF : 0xF;
        w.word(static_cast<uint16_t>(ip));
        w.field(((ip >> 16) & high_mask) << 12 | (x.fop & kOpcodeMask));
        w.word(static_cast<uint16_t>(dp));
        w.field(((dp >> 16) & high_mask) << 12);
    } else if (f.o32) {
        w.field(x.fip);
        w.field(uint32_t(x.fop & kOpcodeMask) << 16 | x.fcs);
        w.field(x.fdp);
        w.word(x.fds);
    } else {  // the 286 layout: 16-bit offsets, no opcode
        w.field(x.fip);
        w.field(x.fcs);
        w.field(x.fdp);
        w.field(x.fds);
    }
}

void store_x87_save(const X87State& x, X87EnvFormat f, uint8_t* out) {
    store_x87_env(x, f, out);
    for (unsigned i = 0; i < 8; ++i) x.st(i).store(out + f.env_size() + 10 * i);
}

void load_x87_env(X87State& x, X87EnvFormat f, const uint8_t* in) {
    Reader r{in, f.o32};
    x.fcw = loaded_fcw(static_cast<uint16_t>(r.field()));
    x.fsw = static_cast<uint16_t>(r.field());
    x.set_full_tags(static_cast<uint16_t>(r.field()));
    if (f.real) {
        const uint32_t high_mask = f.o32 ? 0xFFFF : 0xF;
        const uint32_t ip_low = r.field() & 0xFFFF, ip_high = r.field();
        const uint32_t dp_low = r.field() & 0xFFFF, dp_high = r.field();
        // Kept as offsets from selector 0, so storing again gives the same linear addresses.
        x.fip = (((ip_high >> 12) & high_mask) << 16) | ip_low;
        x.fdp = (((dp_high >> 12) & high_mask) << 16) | dp_low;
        x.fcs = x.fds = 0;
        x.fop = static_cast<uint16_t>(ip_high & kOpcodeMask);
    } else {
        x.fip = r.field();
        const uint32_t cs_op = r.field();
        x.fcs = static_cast<uint16_t>(cs_op);
        if (f.o32) x.fop = static_cast<uint16_t>((cs_op >> 16) & kOpcodeMask);
        x.fdp = r.field();
        x.fds = static_cast<uint16_t>(r.field());
    }
    x.update_error_summary();
}

void load_x87_save(X87State& x, X87EnvFormat f, const uint8_t* in) {
    load_x87_env(x, f, in);
    for (unsigned i = 0; i < 8; ++i) x.reg[x.phys(i)] = fpu::Float80::load(in + f.env_size() + 10 * i);
}

}  // namespace amber
