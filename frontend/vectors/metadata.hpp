// metadata.json of a test-vector folder: per file, its status (normal, alias,
// undocumented, undefined, fpu, prefix...), which FLAGS bits are defined, and
// the oldest CPU that has the instruction.
//
// SingleStepTests folders key entries by opcode ("F6") with ModRM-reg
// sub-entries ("F6" -> reg "6" for file F6.6); native32 folders key them by
// form ("66.81.0") under "forms".
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace amber::vectors {

struct FormInfo {
    std::string status = "normal";    // native32: the suite (int, x87, sse)
    uint32_t flags_mask = 0xFFFFFFFF; // FLAGS bits that are defined (compared)
    std::string required_cpu;             // "86", "186", "286", "386", "486", "pentium", "387", "sse"...; empty: any
    std::string description;
    bool approximate = false;  // native32 transcendentals: results within the README's tolerance
};

class Metadata {
public:
    // Throws std::runtime_error on a missing or malformed file.
    static Metadata load(const std::filesystem::path& file);
    // Parses metadata text (for tests); `origin` names it in errors.
    static Metadata parse(std::string_view text, const std::string& origin);

    // Entry for a file id ("00", "F6.6", "66.81.0"); null when not listed.
    const FormInfo* find(const std::string& file_id) const;
    bool is_native32() const { return native32_; }
    const std::string& cpu() const { return cpu_; }  // SingleStepTests: "8086", "286"...

private:
    std::map<std::string, FormInfo> forms_;
    bool native32_ = false;
    std::string cpu_;
};

}  // namespace amber::vectors
