// Model-specific registers of the Pentium and P6 as Amber keeps them: the
// time-stamp counter (an offset from the virtual clock), the SYSENTER
// registers, the performance counters (counting instructions while enabled),
// and the MTRRs, PAT and APIC base as plain state a guest can read back.
#pragma once
#include <cstdint>
#include <map>
#include <optional>

namespace amber {

namespace msr {
constexpr uint32_t kTsc = 0x10, kApicBase = 0x1B, kMtrrCap = 0xFE;
// Microcode update: the trigger (writes ignored: Amber has no microcode to
// load) and the signature, whose high half holds the loaded revision (0).
constexpr uint32_t kBiosUpdateTrigger = 0x79, kBiosSignId = 0x8B;
constexpr uint32_t kSysenterCs = 0x174, kSysenterEsp = 0x175, kSysenterEip = 0x176;
constexpr uint32_t kPerfEvtSel0 = 0x186, kPerfEvtSel1 = 0x187, kPerfCtr0 = 0xC1, kPerfCtr1 = 0xC2;
constexpr uint32_t kMtrrPhysBase0 = 0x200, kMtrrPhysMaskLast = 0x20F, kMtrrFix64k = 0x250, kMtrrFix16k0 = 0x258,
                   kMtrrFix16k1 = 0x259, kMtrrFix4kFirst = 0x268, kMtrrFix4kLast = 0x26F, kPat = 0x277,
                   kMtrrDefType = 0x2FF;
}  // namespace msr

class MsrFile {
public:
    void reset();
    // Nothing: the MSR does not exist on this model (RDMSR/WRMSR raise #GP).
    std::optional<uint64_t> read(uint32_t index, uint64_t ticks) const;
    bool write(uint32_t index, uint64_t value, uint64_t ticks);

    uint64_t tsc(uint64_t ticks) const { return ticks + tsc_offset_; }
    uint64_t performance_counter(unsigned n, uint64_t ticks) const;
    uint32_t sysenter_cs = 0, sysenter_esp = 0, sysenter_eip = 0;

private:
    static bool counts(uint64_t evtsel) { return (evtsel >> 22) & 1; }  // EN
    uint64_t tsc_offset_ = 0;
    uint64_t evtsel_[2] = {};
    uint64_t counter_[2] = {};      // value when last written or stopped
    uint64_t counting_since_[2] = {};
    uint64_t apic_base_ = 0;
    std::map<uint32_t, uint64_t> mtrr_;  // variable and fixed ranges, default type
    uint64_t pat_ = 0;
    uint64_t bios_sign_id_ = 0;
};

}  // namespace amber
