#include "cpu/model.hpp"

namespace amber {

namespace {
// flags: CF=0, PF=2, AF=4, ZF=6, SF=7, TF=8, IF=9, DF=10, OF=11, IOPL=12-13, NT=14
constexpr ModelTraits kModels[] = {
    // model   name  186ops  #UD   PUSHSP shmask #DEat  wrapGP maxlen strfault GP-all bus flags1  flagsW
    {CpuModel::i8086, "8086", false, false, false, false, false, false, 0, false, false, 20, 0xF002, 0x0FD5},
    {CpuModel::i80286, "80286", true, true, true, true, true, true, 10, true, true, 24, 0x0002, 0x0FD5},
    {CpuModel::i386, "386", true, true, true, true, true, true, 15, false, false, 32, 0x0002, 0x7FD5},
    {CpuModel::i486, "486", true, true, true, true, true, true, 15, false, false, 32, 0x0002, 0x7FD5},
    {CpuModel::pentium, "pentium", true, true, true, true, true, true, 15, false, false, 32, 0x0002, 0x7FD5},
    {CpuModel::p6, "p6", true, true, true, true, true, true, 15, false, false, 32, 0x0002, 0x7FD5},
    // The Pentium Pro's core with MMX and SSE (Pentium III), then SSE2 (Pentium 4).
    {CpuModel::pentium3, "pentium3", true, true, true, true, true, true, 15, false, false, 32, 0x0002, 0x7FD5, Simd::Sse},
    {CpuModel::pentium4, "pentium4", true, true, true, true, true, true, 15, false, false, 32, 0x0002, 0x7FD5, Simd::Sse2},
};
}  // namespace

const ModelTraits& traits_of(CpuModel m) { return kModels[static_cast<int>(m)]; }

std::optional<CpuModel> parse_cpu_model(std::string_view name) {
    for (const auto& t : kModels)
        if (t.name == name) return t.model;
    if (name == "286") return CpuModel::i80286;
    if (name == "80386") return CpuModel::i386;
    if (name == "80486") return CpuModel::i486;
    if (name == "586" || name == "i586") return CpuModel::pentium;
    if (name == "686" || name == "i686" || name == "pentiumpro") return CpuModel::p6;
    if (name == "p3") return CpuModel::pentium3;
    if (name == "p4") return CpuModel::pentium4;
    return std::nullopt;
}

}  // namespace amber
