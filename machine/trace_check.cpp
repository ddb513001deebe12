#include "machine/trace_check.hpp"

#include <map>

#include <fmt/format.h>

namespace amber {

std::vector<std::string> checkpoint_differences(const TraceCheckpoint& want, const TraceCheckpoint& got,
                                                const Machine* m) {
    static const char* const kRegs[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
    static const char* const kSegs[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    std::vector<std::string> out;
    auto reg = [&](const char* name, uint32_t a, uint32_t b) {
        if (a != b) out.push_back(fmt::format("{}: recorded {:08X}, now {:08X}", name, a, b));
    };
    for (unsigned i = 0; i < 8; ++i) reg(kRegs[i], want.regs[i], got.regs[i]);
    reg("EIP", want.eip, got.eip);
    reg("EFLAGS", want.eflags, got.eflags);
    reg("CR0", want.cr0, got.cr0);
    reg("CR3", want.cr3, got.cr3);
    for (unsigned i = 0; i < 6; ++i) reg(kSegs[i], want.selectors[i], got.selectors[i]);
    // Pages: the changed-page lists name the pages whose contents moved
    // differently since the previous checkpoint.
    std::map<uint32_t, std::pair<std::optional<uint64_t>, std::optional<uint64_t>>> pages;
    for (auto [p, h] : want.changed_pages) pages[p].first = h;
    for (auto [p, h] : got.changed_pages) pages[p].second = h;
    for (const auto& [p, hs] : pages)
        if (hs.first != hs.second) out.push_back(fmt::format("RAM page {:08X} differs", p));
    if (want.ram_hash != got.ram_hash && pages.empty()) out.push_back("RAM differs");
    for (size_t i = 0; i < std::max(want.device_hashes.size(), got.device_hashes.size()); ++i) {
        const bool differs = i >= want.device_hashes.size() || i >= got.device_hashes.size() ||
                             want.device_hashes[i] != got.device_hashes[i];
        if (!differs) continue;
        std::string name = m && i < m->devices().size() ? std::string(m->devices()[i]->name()) : fmt::format("#{}", i);
        out.push_back(fmt::format("device {} differs", name));
    }
    return out;
}

void TraceComparer::add(const TraceEvent& e) {
    if (divergence_) return;
    if (next_ < expected_.events.size() && expected_.events[next_] == e) {
        ++next_;
        return;
    }
    Divergence d;
    d.seen = e;
    if (next_ < expected_.events.size()) {
        d.expected = expected_.events[next_];
        if (d.expected->checkpoint && e.checkpoint)
            d.details = checkpoint_differences(*d.expected->checkpoint, *e.checkpoint, &m_);
    }
    divergence_ = std::move(d);
    m_.stop(StopReason::Requested, 0, "trace diverged");
}

}  // namespace amber
