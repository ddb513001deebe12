#include "devices/block_image.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "machine/log.hpp"

namespace amber {

namespace {

constexpr uint64_t kOverlayBlock = 512;

std::string why(int err) { return std::strerror(err); }

}  // namespace

std::unique_ptr<BlockImage> BlockImage::open(const std::string& path, Mode mode, uint32_t sector_size) {
    std::unique_ptr<BlockImage> img(new BlockImage);
    img->path_ = path;
    img->snapshot_ = mode == Mode::Snapshot;
    int fd = -1;
    bool fell_back = false;  // said once the image is known to be usable, so a bad one gives one line
    if (mode == Mode::ReadWrite) {
        fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
            fell_back = true;
            mode = Mode::ReadOnly;
        }
    }
    if (fd < 0) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw ImageError(fmt::format("cannot open image '{}': {}", path, why(errno)));
    img->fd_ = fd;  // closed by the destructor from here on
    img->read_only_ = mode == Mode::ReadOnly;
    struct stat st {};
    if (fstat(fd, &st) != 0) throw ImageError(fmt::format("cannot read image '{}': {}", path, why(errno)));
    if (S_ISDIR(st.st_mode)) throw ImageError(fmt::format("image '{}' is a directory", path));
    img->size_ = static_cast<uint64_t>(st.st_size);
    if (img->size_ == 0) throw ImageError(fmt::format("image '{}' is empty", path));
    if (sector_size && img->size_ % sector_size)
        throw ImageError(fmt::format("image '{}' is {} bytes, not a whole number of {}-byte sectors", path,
                                     img->size_, sector_size));
    // Reading the first byte catches files that open but cannot be read.
    uint8_t probe;
    if (::pread(fd, &probe, 1, 0) != 1) throw ImageError(fmt::format("cannot read image '{}': {}", path, why(errno)));
    if (fell_back) log::get("disk")->warn("image '{}' is not writable: opened read-only", path);
    return img;
}

std::unique_ptr<BlockImage> BlockImage::in_memory(std::vector<uint8_t> data, bool read_only) {
    std::unique_ptr<BlockImage> img(new BlockImage);
    img->path_ = "(memory)";
    img->size_ = data.size();
    img->memory_ = std::move(data);
    img->read_only_ = read_only;
    return img;
}

BlockImage::~BlockImage() {
    if (fd_ >= 0) {
        if (!read_only_ && !snapshot_) flush();
        ::close(fd_);
    }
}

bool BlockImage::read(uint64_t offset, std::span<uint8_t> out) {
    if (!in_range(offset, out.size())) return false;
    if (fd_ < 0) {
        std::memcpy(out.data(), memory_.data() + offset, out.size());
        return true;
    }
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            log::get("disk")->error("reading '{}' at {}: {}", path_, offset + done, n < 0 ? why(errno) : "end of file");
            return false;
        }
        done += static_cast<size_t>(n);
    }
    // A snapshot's own writes cover what the file holds.
    if (snapshot_ && !overlay_.empty()) {
        uint64_t first = offset / kOverlayBlock, last = (offset + out.size() + kOverlayBlock - 1) / kOverlayBlock;
        for (auto it = overlay_.lower_bound(first); it != overlay_.end() && it->first < last; ++it) {
            uint64_t block_start = it->first * kOverlayBlock;
            uint64_t lo = std::max(block_start, offset), hi = std::min(block_start + kOverlayBlock, offset + out.size());
            std::memcpy(out.data() + (lo - offset), it->second.data() + (lo - block_start), hi - lo);
        }
    }
    return true;
}

bool BlockImage::write(uint64_t offset, std::span<const uint8_t> in) {
    if (read_only_ || !in_range(offset, in.size())) return false;
    if (fd_ < 0) {
        std::memcpy(memory_.data() + offset, in.data(), in.size());
        return true;
    }
    if (snapshot_) {
        uint64_t pos = offset, end = offset + in.size();
        while (pos < end) {
            uint64_t block = pos / kOverlayBlock, block_start = block * kOverlayBlock;
            auto [it, fresh] = overlay_.try_emplace(block);
            if (fresh) {
                it->second.resize(kOverlayBlock);
                uint64_t avail = std::min<uint64_t>(kOverlayBlock, size_ - block_start);
                if (::pread(fd_, it->second.data(), avail, static_cast<off_t>(block_start)) != static_cast<ssize_t>(avail)) {
                    overlay_.erase(it);
                    return false;
                }
            }
            uint64_t n = std::min(end, block_start + kOverlayBlock) - pos;
            std::memcpy(it->second.data() + (pos - block_start), in.data() + (pos - offset), n);
            pos += n;
        }
        return true;
    }
    size_t done = 0;
    while (done < in.size()) {
        ssize_t n = ::pwrite(fd_, in.data() + done, in.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            log::get("disk")->error("writing '{}' at {}: {}", path_, offset + done, n < 0 ? why(errno) : "no space");
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

bool BlockImage::flush() {
    if (fd_ < 0 || read_only_ || snapshot_) return true;
    if (::fdatasync(fd_) != 0) {
        log::get("disk")->error("flushing '{}': {}", path_, why(errno));
        return false;
    }
    return true;
}

}  // namespace amber
