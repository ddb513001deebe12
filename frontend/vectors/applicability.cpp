#include "frontend/vectors/applicability.hpp"

#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace amber::vectors {

namespace {

// CPU generations in order; a model runs forms whose generation is <= its own.
enum Generation : int { k8086, k286, k386, k486, kPentium, kP6, kSse, kSse2 };

std::optional<int> generation_of(std::string_view req) {
    if (req.empty() || req == "86" || req == "8086" || req == "88" || req == "v20" || req == "v30") return k8086;
    if (req == "186" || req == "286") return k286;  // the 286 has every 186 addition
    if (req == "386") return k386;
    if (req == "486" || req == "387") return k486;  // x87 on chip from the 486DX on
    if (req == "pentium") return kPentium;
    if (req == "p6") return kP6;
    if (req == "sse") return kSse;
    if (req == "sse2") return kSse2;
    return std::nullopt;
}

int generation_of(CpuModel m) {
    switch (m) {
    case CpuModel::i8086: return k8086;
    case CpuModel::i80286: return k286;
    case CpuModel::i386: return k386;
    case CpuModel::i486: return k486;
    case CpuModel::pentium: return kPentium;
    case CpuModel::p6: return kP6;
    case CpuModel::pentium3: return kSse;
    case CpuModel::pentium4: return kSse2;
    }
    return k8086;
}

}  // namespace

std::string not_applicable_reason(CpuModel model, Format format, const FormInfo& info) {
    auto needed = generation_of(info.required_cpu);
    if (!needed) return fmt::format("unknown requirement '{}'", info.required_cpu);
    if (*needed > generation_of(model)) return fmt::format("requires {}", info.required_cpu);
    if (format == Format::Native32 && generation_of(model) < k386) return "32-bit forms need a 386 or later";
    return {};
}

}  // namespace amber::vectors
