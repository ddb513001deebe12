#include "cpu/msr.hpp"

namespace amber {

namespace {
constexpr uint64_t kCounterMask = (uint64_t(1) << 40) - 1;  // P6 counters are 40 bits wide
bool is_mtrr(uint32_t i) {
    return (i >= msr::kMtrrPhysBase0 && i <= msr::kMtrrPhysMaskLast) || i == msr::kMtrrFix64k ||
           i == msr::kMtrrFix16k0 || i == msr::kMtrrFix16k1 || (i >= msr::kMtrrFix4kFirst && i <= msr::kMtrrFix4kLast) ||
           i == msr::kMtrrDefType;
}
}  // namespace

void MsrFile::reset() {
    *this = MsrFile{};
    apic_base_ = 0xFEE00000u | (1u << 8);  // the bootstrap processor's default
    pat_ = 0x0007040600070406ull;           // the power-on PAT
}

uint64_t MsrFile::performance_counter(unsigned n, uint64_t ticks) const {
    uint64_t v = counter_[n];
    if (counts(evtsel_[n])) v += ticks - counting_since_[n];
    return v & kCounterMask;
}

std::optional<uint64_t> MsrFile::read(uint32_t i, uint64_t ticks) const {
    switch (i) {
    case msr::kTsc: return tsc(ticks);
    case msr::kApicBase: return apic_base_;
    case msr::kMtrrCap: return 0x508;  // 8 variable ranges, fixed ranges, write-combining
    case msr::kSysenterCs: return sysenter_cs;
    case msr::kSysenterEsp: return sysenter_esp;
    case msr::kSysenterEip: return sysenter_eip;
    case msr::kPerfEvtSel0: return evtsel_[0];
    case msr::kPerfEvtSel1: return evtsel_[1];
    case msr::kPerfCtr0: return performance_counter(0, ticks);
    case msr::kPerfCtr1: return performance_counter(1, ticks);
    case msr::kPat: return pat_;
    case msr::kBiosSignId: return bios_sign_id_;
    default: break;
    }
    if (is_mtrr(i)) {
        auto it = mtrr_.find(i);
        return it == mtrr_.end() ? 0 : it->second;
    }
    return std::nullopt;
}

bool MsrFile::write(uint32_t i, uint64_t v, uint64_t ticks) {
    switch (i) {
    case msr::kTsc: tsc_offset_ = v - ticks; return true;
    case msr::kApicBase: apic_base_ = v & 0xFFFFF900u; return true;
    case msr::kSysenterCs: sysenter_cs = static_cast<uint32_t>(v); return true;
    case msr::kSysenterEsp: sysenter_esp = static_cast<uint32_t>(v); return true;
    case msr::kSysenterEip: sysenter_eip = static_cast<uint32_t>(v); return true;
    case msr::kPerfEvtSel0:
    case msr::kPerfEvtSel1: {
        const unsigned n = i - msr::kPerfEvtSel0;
        counter_[n] = performance_counter(n, ticks);  // freeze what was counted so far
        counting_since_[n] = ticks;
        evtsel_[n] = v & 0xFFFFFFFFu;
        return true;
    }
    case msr::kPerfCtr0:
    case msr::kPerfCtr1: {
        const unsigned n = i - msr::kPerfCtr0;
        counter_[n] = v & kCounterMask;
        counting_since_[n] = ticks;
        return true;
    }
    case msr::kPat: pat_ = v; return true;
    case msr::kBiosUpdateTrigger: return true;
    case msr::kBiosSignId: bios_sign_id_ = v; return true;
    default: break;
    }
    if (is_mtrr(i)) {
        mtrr_[i] = v;
        return true;
    }
    return false;
}

}  // namespace amber
