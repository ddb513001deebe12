#include "frontend/vectors/suite.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "frontend/vectors/glob.hpp"
#include "frontend/vectors/gzip_file.hpp"
#include "frontend/vectors/json_reader.hpp"
#include "frontend/vectors/moo_reader.hpp"

namespace amber::vectors {

namespace fs = std::filesystem;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct Listing {
    std::vector<std::pair<std::string, fs::path>> moo, json;  // id, path
};

Listing list_vector_files(const fs::path& dir) {
    Listing l;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::string name = entry.path().filename().string();
        for (std::string_view ext : {".MOO.gz", ".moo.gz", ".MOO"})
            if (ends_with(name, ext)) l.moo.emplace_back(name.substr(0, name.size() - ext.size()), entry.path());
        if (ends_with(name, ".json.gz")) l.json.emplace_back(name.substr(0, name.size() - 8), entry.path());
    }
    return l;
}

bool wanted(const std::vector<std::string>& filters, const std::string& id) {
    if (matches_any(filters, id)) return true;
    size_t slash = id.find('/');
    return slash != std::string::npos && matches_any(filters, std::string_view(id).substr(slash + 1));
}

// Adds the files of one folder that holds vectors directly.
void add_folder(Suite& suite, const fs::path& dir, const std::string& id_prefix, const std::vector<std::string>& filters) {
    Listing l = list_vector_files(dir);
    if (!l.moo.empty() && !l.json.empty())
        throw std::runtime_error(fmt::format("{}: holds both MOO and JSON vectors; point at one suite", dir.string()));
    Metadata meta = Metadata::load(dir / "metadata.json");
    Format format = !l.moo.empty() ? Format::Moo : meta.is_native32() ? Format::Native32 : Format::Json8086;
    if (!suite.files.empty() && format != suite.format)
        throw std::runtime_error(fmt::format("{}: mixes vector formats", suite.dir.string()));
    suite.format = format;
    for (auto& [name, path] : format == Format::Moo ? l.moo : l.json) {
        std::string id = id_prefix + name;
        if (!wanted(filters, id)) continue;
        const FormInfo* info = meta.find(name);
        FormInfo fi = info ? *info : FormInfo{};
        if (!info) fi.status = "unlisted";
        suite.files.push_back({id, path, fi});
    }
    switch (format) {
    case Format::Json8086: suite.default_cpu = meta.cpu().empty() ? "8086" : meta.cpu(); break;
    case Format::Moo: suite.default_cpu = meta.cpu().empty() ? "80286" : meta.cpu(); break;
    case Format::Native32: suite.default_cpu = "386"; break;
    }
}

}  // namespace

std::string_view format_name(Format f) {
    switch (f) {
    case Format::Json8086: return "8086-json";
    case Format::Moo: return "moo";
    case Format::Native32: return "native32-json";
    }
    return "?";
}

Suite open_suite(const fs::path& dir, const std::vector<std::string>& filters) {
    if (!fs::is_directory(dir))
        throw std::runtime_error(fmt::format("test-vector folder '{}' does not exist", dir.string()));
    Suite suite{Format::Json8086, dir, {}, {}};
    Listing top = list_vector_files(dir);
    if (!top.moo.empty() || !top.json.empty()) {
        add_folder(suite, dir, "", filters);
    } else {
        // A folder of suites (native32/{int,x87,sse}): every subfolder with metadata.
        std::vector<fs::path> subs;
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.is_directory() && fs::exists(entry.path() / "metadata.json")) subs.push_back(entry.path());
        std::sort(subs.begin(), subs.end());
        if (subs.empty())
            throw std::runtime_error(fmt::format("{}: no test vectors (*.json.gz, *.MOO.gz) found", dir.string()));
        for (const auto& sub : subs) add_folder(suite, sub, sub.filename().string() + "/", filters);
    }
    std::sort(suite.files.begin(), suite.files.end(), [](const SuiteFile& a, const SuiteFile& b) { return a.id < b.id; });
    if (suite.files.empty() && !filters.empty())
        throw std::runtime_error(fmt::format("{}: no file matches the filter", dir.string()));
    return suite;
}

std::vector<TestCase> read_tests(Format format, const SuiteFile& file) {
    std::string data = read_gzip_file(file.path);
    if (format == Format::Moo) return parse_moo(data, file.path.string()).tests;
    return parse_json_tests(data, file.path.string());
}

}  // namespace amber::vectors
