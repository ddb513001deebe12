// A folder of test vectors: which format it holds (detected from its
// contents), its files in order, and each file's metadata entry.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/vectors/metadata.hpp"
#include "frontend/vectors/test_case.hpp"

namespace amber::vectors {

enum class Format {
    Json8086,  // SingleStepTests 8086: XX.json.gz, one instruction, 1 MiB wrapping bus
    Moo,       // SingleStepTests 80286: XX.MOO.gz, run to the HLT that follows
    Native32,  // native32: <form>.json.gz, 32-bit flat protected mode, one instruction
};

std::string_view format_name(Format f);

struct SuiteFile {
    std::string id;  // "F6.6"; native32 opened at its top folder: "int/00"
    std::filesystem::path path;
    FormInfo info;   // status "unlisted" when metadata.json has no entry
};

struct Suite {
    Format format;
    std::filesystem::path dir;
    std::vector<SuiteFile> files;  // sorted by id
    std::string default_cpu;       // model to judge against when none is given
};

// `filters` are wildcard patterns matched against file ids (for native32 also
// against the id without its "int/" folder); empty keeps every file.
// Throws std::runtime_error when the folder is missing or holds no vectors.
Suite open_suite(const std::filesystem::path& dir, const std::vector<std::string>& filters);

// Reads and parses one file of the suite.
std::vector<TestCase> read_tests(Format format, const SuiteFile& file);

}  // namespace amber::vectors
