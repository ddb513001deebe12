// A disk, floppy or CD image file on the host, as the storage devices see it:
// a byte array of fixed size that can be read, written and flushed.
//
// Writes go straight to the file (the host's page cache holds them) and
// flush() makes them durable, so data the guest was told is written survives
// any clean exit. A read-only image rejects writes; a snapshot image keeps
// the guest's writes in memory and never changes the file.
//
// Opening checks what can be checked without knowing the device: the file
// exists, can be read, is not empty and is a whole number of sectors. The
// error names the file and what is wrong with it, in one line.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace amber {

struct ImageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class BlockImage {
public:
    enum class Mode : uint8_t {
        ReadWrite,  // falls back to ReadOnly when the file cannot be written (said in the log)
        ReadOnly,
        Snapshot,   // writes stay in memory, the file is never changed
    };

    // Throws ImageError. sector_size: what the size must be a multiple of.
    static std::unique_ptr<BlockImage> open(const std::string& path, Mode mode, uint32_t sector_size = 512);
    // An image held in memory only (tests, generated media).
    static std::unique_ptr<BlockImage> in_memory(std::vector<uint8_t> data, bool read_only = false);
    ~BlockImage();
    BlockImage(const BlockImage&) = delete;
    BlockImage& operator=(const BlockImage&) = delete;

    const std::string& path() const { return path_; }
    uint64_t size() const { return size_; }
    bool read_only() const { return read_only_; }

    // Whole range inside the image or nothing: false (and nothing done) when
    // [offset, offset + n) is outside it, the image is read-only (writes), or
    // the host reports an I/O error (logged).
    bool read(uint64_t offset, std::span<uint8_t> out);
    bool write(uint64_t offset, std::span<const uint8_t> in);
    bool flush();

private:
    BlockImage() = default;
    bool in_range(uint64_t offset, size_t n) const { return offset <= size_ && n <= size_ - offset; }

    std::string path_;
    int fd_ = -1;                 // -1: in memory
    uint64_t size_ = 0;
    bool read_only_ = false;
    bool snapshot_ = false;
    std::vector<uint8_t> memory_;                          // in-memory images
    std::map<uint64_t, std::vector<uint8_t>> overlay_;     // snapshot: 512-byte blocks written by the guest
};

}  // namespace amber
