// Reads a whole gzip file into memory (a plain file is read as is).
#pragma once
#include <filesystem>
#include <string>

namespace amber::vectors {

// Throws std::runtime_error naming the file on a missing, unreadable or
// corrupt (including truncated) file.
std::string read_gzip_file(const std::filesystem::path& path);

}  // namespace amber::vectors
