#include "cpu/x87.hpp"

namespace amber {

uint16_t X87State::full_tags() const {
    uint16_t t = 0;
    for (unsigned p = 0; p < 8; ++p) {
        const unsigned tag = (used & (1u << p)) ? fpu::tag_of(reg[p]) : 3u;
        t = static_cast<uint16_t>(t | (tag << (2 * p)));
    }
    return t;
}

void X87State::set_full_tags(uint16_t ftw) {
    used = 0;
    for (unsigned p = 0; p < 8; ++p)
        if (((ftw >> (2 * p)) & 3) != 3) used = static_cast<uint8_t>(used | (1u << p));
}

void X87State::update_error_summary() {
    if (fsw & ~fcw & fpu::exc::kAll) fsw |= fsw_bit::ES | fsw_bit::B;
    else fsw &= static_cast<uint16_t>(~(fsw_bit::ES | fsw_bit::B));
}

bool X87State::stack_fault(bool overflow) {
    fsw |= fpu::exc::IE | fsw_bit::SF;
    set_c1(overflow);
    raise_error_summary();
    return fcw & fpu::exc::IE;
}

bool X87State::commit(const fpu::FpuEnv& env, bool c1) {
    fsw |= env.flags;
    if (c1) set_c1(env.c1);
    raise_error_summary();
    return !env.suppressed;
}

}  // namespace amber
