#include "frontend/vectors/gzip_file.hpp"

#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <zlib.h>

namespace amber::vectors {

namespace {
struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose(f); }
};
}  // namespace

std::string read_gzip_file(const std::filesystem::path& path) {
    std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.string().c_str(), "rb"));
    if (!file) throw std::runtime_error(fmt::format("{}: cannot open", path.string()));
    gzbuffer(file.get(), 1 << 17);
    std::string data;
    char chunk[1 << 16];
    for (;;) {
        int n = gzread(file.get(), chunk, sizeof chunk);
        if (n > 0) data.append(chunk, static_cast<size_t>(n));
        int err = Z_OK;
        const char* msg = gzerror(file.get(), &err);
        // Z_BUF_ERROR here means the compressed stream ended early.
        if (n < 0 || (err != Z_OK && err != Z_STREAM_END))
            throw std::runtime_error(fmt::format("{}: corrupt gzip data ({})", path.string(),
                                                 err == Z_BUF_ERROR ? "file is truncated" : msg));
        if (n == 0) break;
    }
    return data;
}

}  // namespace amber::vectors
