// EFLAGS with lazily evaluated arithmetic flags. The common ALU operations
// only record their operands and result; CF/PF/AF/ZF/SF/OF are computed
// when something reads them (a Jcc, PUSHF, an ADC...), usually one flag at
// a time. Less common operations (shifts, multiply, BCD) store flags eagerly.
#pragma once
#include <bit>
#include <cstdint>

namespace amber {

namespace flag {
constexpr uint32_t CF = 1u << 0, PF = 1u << 2, AF = 1u << 4, ZF = 1u << 6, SF = 1u << 7;
constexpr uint32_t TF = 1u << 8, IF = 1u << 9, DF = 1u << 10, OF = 1u << 11;
constexpr uint32_t IOPL = 3u << 12, NT = 1u << 14, RF = 1u << 16, VM = 1u << 17, AC = 1u << 18;
constexpr uint32_t VIF = 1u << 19, VIP = 1u << 20, ID = 1u << 21;  // VIF/VIP: Pentium and later
constexpr uint32_t ARITH = CF | PF | AF | ZF | SF | OF;
}  // namespace flag

class Flags {
public:
    enum class Op : uint8_t { None, Add, Sub, Logic, Inc, Dec };

    uint32_t get() const {
        if (op_ == Op::None) return bits_;
        return (bits_ & ~flag::ARITH) | (cf() ? flag::CF : 0) | (pf() ? flag::PF : 0) | (af() ? flag::AF : 0) |
               (zf() ? flag::ZF : 0) | (sf() ? flag::SF : 0) | (of() ? flag::OF : 0);
    }
    void set(uint32_t v) {
        bits_ = v;
        op_ = Op::None;
    }
    // Replace only the arithmetic flags (for eagerly evaluated instructions).
    void set_arith(uint32_t v) { set((get() & ~flag::ARITH) | (v & flag::ARITH)); }
    void set_flag(uint32_t mask, bool on) {
        uint32_t v = get();
        set(on ? (v | mask) : (v & ~mask));
    }

    // Record a lazy result. size is the operand width in bytes (1, 2, 4).
    template <typename T> void lazy(Op op, T dst, T src, T res) {
        if (op == Op::Inc || op == Op::Dec) bits_ = (bits_ & ~flag::CF) | (cf() ? flag::CF : 0);
        op_ = op;
        msb_ = sizeof(T) * 8 - 1;
        dst_ = dst;
        src_ = src;
        res_ = res;
    }

    bool cf() const {
        switch (op_) {
        case Op::Add: return (((dst_ & src_) | ((dst_ | src_) & ~res_)) >> msb_) & 1;
        case Op::Sub: return (((~dst_ & src_) | ((~dst_ | src_) & res_)) >> msb_) & 1;
        case Op::Logic: return false;
        default: return bits_ & flag::CF;
        }
    }
    bool of() const {
        switch (op_) {
        case Op::Add:
        case Op::Inc: return (((dst_ ^ res_) & (src_ ^ res_)) >> msb_) & 1;
        case Op::Sub:
        case Op::Dec: return (((dst_ ^ src_) & (dst_ ^ res_)) >> msb_) & 1;
        case Op::Logic: return false;
        default: return bits_ & flag::OF;
        }
    }
    bool af() const {
        switch (op_) {
        case Op::None: return bits_ & flag::AF;
        case Op::Logic: return false;
        default: return ((dst_ ^ src_ ^ res_) >> 4) & 1;
        }
    }
    bool zf() const { return op_ == Op::None ? (bits_ & flag::ZF) != 0 : res_ == 0; }
    bool sf() const { return op_ == Op::None ? (bits_ & flag::SF) != 0 : (res_ >> msb_) & 1; }
    bool pf() const { return op_ == Op::None ? (bits_ & flag::PF) != 0 : parity_even(res_); }

    // Flags outside the arithmetic group are never lazy.
    bool df() const { return bits_ & flag::DF; }
    bool if_() const { return bits_ & flag::IF; }
    bool tf() const { return bits_ & flag::TF; }
    uint32_t raw_bits() const { return bits_; }

    static bool parity_even(uint32_t v) { return (std::popcount(v & 0xFFu) & 1) == 0; }

private:
    uint32_t bits_ = 0x2;
    uint32_t dst_ = 0, src_ = 0, res_ = 0;
    Op op_ = Op::None;
    uint8_t msb_ = 7;
};

}  // namespace amber
