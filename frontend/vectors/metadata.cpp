#include "frontend/vectors/metadata.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "frontend/vectors/gzip_file.hpp"

namespace amber::vectors {

namespace {

using Json = nlohmann::json;

std::string text_or(const Json& j, const char* key, std::string fallback) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::move(fallback);
}

// One SingleStepTests entry; `parent` supplies defaults for a ModRM-reg entry.
FormInfo opcode_entry(const Json& j, const FormInfo& parent) {
    FormInfo f = parent;
    f.status = text_or(j, "status", f.status);
    f.required_cpu = text_or(j, "arch", f.required_cpu);
    f.description = text_or(j, "flags", f.description);
    if (auto it = j.find("flags-mask"); it != j.end() && it->is_number_unsigned())
        f.flags_mask = 0xFFFF0000u | (it->get<uint32_t>() & 0xFFFF);  // a 16-bit FLAGS mask
    return f;
}

}  // namespace

Metadata Metadata::load(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file)) throw std::runtime_error(fmt::format("{}: not found", file.string()));
    return parse(read_gzip_file(file), file.string());
}

Metadata Metadata::parse(std::string_view text, const std::string& origin) {
    Json doc = Json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) throw std::runtime_error(fmt::format("{}: malformed JSON", origin));
    Metadata m;
    m.cpu_ = text_or(doc, "cpu", "");
    try {
        if (auto forms = doc.find("forms"); forms != doc.end() && forms->is_object()) {
            m.native32_ = true;
            for (const auto& [id, j] : forms->items()) {
                FormInfo f;
                f.status = text_or(j, "suite", "int");
                f.required_cpu = text_or(j, "requires", "");
                f.description = text_or(j, "desc", "");
                f.approximate = j.is_object() && j.value("approximate", false);
                m.forms_[id] = std::move(f);
            }
        } else if (auto ops = doc.find("opcodes"); ops != doc.end() && ops->is_object()) {
            for (const auto& [op, j] : ops->items()) {
                FormInfo base = opcode_entry(j, FormInfo{});
                m.forms_[op] = base;
                if (auto regs = j.find("reg"); regs != j.end() && regs->is_object())
                    for (const auto& [reg, rj] : regs->items()) m.forms_[op + "." + reg] = opcode_entry(rj, base);
            }
        } else {
            throw std::runtime_error("has neither 'opcodes' nor 'forms'");
        }
    } catch (const Json::exception& e) {
        throw std::runtime_error(fmt::format("{}: unexpected layout: {}", origin, e.what()));
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(fmt::format("{}: {}", origin, e.what()));
    }
    return m;
}

const FormInfo* Metadata::find(const std::string& file_id) const {
    auto it = forms_.find(file_id);
    return it == forms_.end() ? nullptr : &it->second;
}

}  // namespace amber::vectors
